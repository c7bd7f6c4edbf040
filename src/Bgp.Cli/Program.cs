using System.CommandLine;
using System.Text;
using Bgp.Cli.Mrt;

namespace Bgp.Cli;

/// <summary>bgpactorsctl: the command-line client.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Buffered: a whole-table dump is over half a million lines.
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        try
        {
            return Run(args, stdout, Console.Error);
        }
        finally
        {
            stdout.Flush();
        }
    }

    /// <summary>Parses and runs a command line, writing to the given streams (what tests call).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("bgpactorsctl: control and inspect a BgpActors daemon");
        root.Subcommands.Add(MrtCommands.Build(stdout, stderr));
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return root.Parse(args).Invoke(config);
    }
}
