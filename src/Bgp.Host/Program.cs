using System.Reflection;

// bgpactorsd: the daemon. The wire codec (Bgp.Wire) is in place; configuration, sessions and the
// RIB arrive with the following issues, so for now the daemon reports its version and says so.
var version = Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
if (args is ["--version"])
{
    Console.WriteLine($"bgpactorsd {version}");
    return 0;
}
Console.Error.WriteLine($"bgpactorsd {version}: the daemon cannot run sessions yet; this build provides the BGP wire codec and `bgpactorsctl mrt dump`.");
return 2;
