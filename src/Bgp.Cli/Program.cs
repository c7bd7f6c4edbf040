using System.CommandLine;
using System.Text;
using Bgp.Cli.Commands;
using Bgp.Cli.Ctl;
using Bgp.Cli.Mrt;

namespace Bgp.Cli;

/// <summary>
/// bgpactorsctl: the command-line client. Daemon verbs speak the bgpactors.v1 gRPC API on
/// <c>--addr</c> (or <c>$BGPACTORS_ADDR</c>, else the daemon's default socket); <c>mrt</c> works on
/// files offline. Exit codes: 0 done, 1 failed (unreachable daemon, refused request), 2 usage error.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Buffered: a whole-table listing is a million lines. Commands that stream flush per line.
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        try
        {
            return Run(args, stdout, Console.Error, isTerminal: !Console.IsOutputRedirected);
        }
        finally
        {
            stdout.Flush();
        }
    }

    /// <summary>Parses and runs a command line, writing to the given streams (what tests call).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool isTerminal = false)
    {
        var app = new CtlApp(new Terminal(stdout, stderr, isTerminal));
        var root = new RootCommand("bgpactorsctl: control and inspect a BgpActors daemon (docs/CLI.md)");
        app.AddGlobalOptions(root);
        foreach (var command in ControlCommands.Build(app)) root.Subcommands.Add(command);
        root.Subcommands.Add(NeighborCommands.Build(app));
        root.Subcommands.Add(RibCommands.Build(app));
        root.Subcommands.Add(InjectCommands.Build(app));
        root.Subcommands.Add(PolicyCommands.Build(app));
        root.Subcommands.Add(PeerGroupCommands.Build(app));
        root.Subcommands.Add(WatchCommand.Build(app));
        root.Subcommands.Add(TopCommand.Build(app));
        root.Subcommands.Add(MrtCommands.Build(stdout, stderr));
        root.Subcommands.Add(CompletionsCommand.Build(root, stdout));

        RejectOptionsAsArguments(root);
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parsed.Errors.Count > 0)
        {
            // The most telling error first (a misspelt verb over "Required command was not provided"), on one line.
            var error = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            stderr.WriteLine($"bgpactorsctl: {string.Join(' ', error.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()))}");
            stderr.WriteLine($"Try 'bgpactorsctl {string.Concat(CommandPath(parsed.CommandResult.Command, root).Select(name => name + " "))}--help'.");
            return CtlApp.ExitUsage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>A misspelt option must not become a positional value (<c>rib --bogus</c> is not a prefix).</summary>
    private static void RejectOptionsAsArguments(Command command)
    {
        foreach (var argument in command.Arguments)
            argument.Validators.Add(result =>
            {
                foreach (var token in result.Tokens)
                    if (token.Value.Length > 1 && token.Value[0] == '-' && token.Value != "-")
                        result.AddError($"Unrecognized command or argument '{token.Value}'.");
            });
        foreach (var sub in command.Subcommands) RejectOptionsAsArguments(sub);
    }

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (var c = command; c is not null && c != root; c = FindParent(root, c)) names.Insert(0, c.Name);
        return names;
    }

    private static Command? FindParent(Command from, Command target)
    {
        foreach (var sub in from.Subcommands)
        {
            if (sub == target) return from;
            if (FindParent(sub, target) is Command found) return found;
        }
        return null;
    }
}
