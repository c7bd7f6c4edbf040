using System.CommandLine;
using System.Reflection;

namespace Bgp.Host;

/// <summary>
/// bgpactorsd, the daemon: <c>bgpactorsd CONFIG</c> runs BGP sessions per the file; <c>--check</c>
/// validates a file, <c>--diff</c> compares two, <c>--version</c> reports the version.
/// </summary>
public static class Program
{
    /// <summary>Exit code for a usage error, an unreadable or invalid file in <c>--diff</c>, or a daemon that cannot run.</summary>
    public const int ExitError = 2;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs a command line, writing to the given streams (what tests call).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var check = new Option<string>("--check")
        {
            Description = "Validate a configuration file: prints `config OK` (exit 0) or every problem found (exit 1)",
            HelpName = "FILE",
        };
        var diff = new Option<string[]>("--diff")
        {
            Description = "Compare a new configuration with the current one: exit 0 = nothing actionable, 1 = a reload or restart is due, 2 = error",
            HelpName = "NEW CURRENT",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "With --check or --diff: machine-readable JSON on stdout" };
        var version = new Option<bool>("--version") { Description = "Print the version" };
        var configFile = new Argument<string?>("CONFIG")
        {
            Description = "Run the daemon with this configuration file",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var root = new RootCommand("bgpactorsd: the BgpActors BGP daemon");
        foreach (var builtIn in root.Options.OfType<VersionOption>().ToList()) root.Options.Remove(builtIn);
        root.Options.Add(check);
        root.Options.Add(diff);
        root.Options.Add(json);
        root.Options.Add(version);
        root.Arguments.Add(configFile);
        root.SetAction(parsed =>
        {
            string? checkFile = parsed.GetValue(check);
            string[]? diffFiles = parsed.GetResult(diff) is null ? null : parsed.GetValue(diff);
            bool asJson = parsed.GetValue(json);
            if (checkFile is not null && diffFiles is not null)
            {
                stderr.WriteLine("bgpactorsd: --check and --diff cannot be combined");
                return ExitError;
            }
            if (checkFile is not null) return ConfigCommands.Check(checkFile, asJson, stdout, stderr);
            if (diffFiles is [string next, string current]) return ConfigCommands.Diff(next, current, asJson, stdout, stderr);
            if (parsed.GetValue(version))
            {
                stdout.WriteLine($"bgpactorsd {Version}");
                return 0;
            }
            if (parsed.GetValue(configFile) is string option && option.StartsWith('-'))
            {
                stderr.WriteLine($"bgpactorsd: unknown option {option}");
                stderr.WriteLine("Try 'bgpactorsd --help'.");
                return ExitError;
            }
            if (parsed.GetValue(configFile) is string path)
                return new Daemon(path, stderr).RunAsync().GetAwaiter().GetResult();
            stderr.WriteLine("bgpactorsd: give a configuration file to run (bgpactorsd CONFIG), or --check FILE, --diff NEW CURRENT, --version");
            return ExitError;
        });

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"bgpactorsd: {error.Message}");
            stderr.WriteLine("Try 'bgpactorsd --help'.");
            return ExitError;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    internal static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
