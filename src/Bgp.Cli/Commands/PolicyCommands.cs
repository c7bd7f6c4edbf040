using System.CommandLine;
using System.Globalization;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Spectre.Console;

namespace Bgp.Cli.Commands;

/// <summary>
/// <c>policy</c>: list policies and chains, show one, set one from a TOML file, delete one, attach
/// chains; <c>policy sets</c> for the defined sets (<see cref="DefinedSetCommands"/>).
/// </summary>
internal static class PolicyCommands
{
    public static Command Build(CtlApp app)
    {
        var name = new Argument<string?>("NAME") { Description = "Show this policy in detail (default: list every policy and chain)", Arity = ArgumentArity.ZeroOrOne };
        var toml = new Option<bool>("--toml") { Description = "With NAME: print the policy as the configuration file writes it (what 'policy set' reads)" };
        var policy = new Command("policy", "Routing policy: list, show one, set from a file, delete, attach chains; defined sets") { name, toml };
        policy.Aliases.Add("policies");
        app.SetAction(policy, (call, ct) =>
        {
            if (call.Get(name) is string one) return Show(call, one, call.Get(toml), ct);
            if (call.Get(toml)) throw new UsageException("--toml needs a policy NAME");
            return List(call, ct);
        });

        var setName = new Argument<string>("NAME") { Description = "The policy's name (1 to 63 letters, digits, '-' or '_')" };
        var file = new Option<string>("--file", "-f")
        {
            Description = "TOML as in the configuration file: [policies.NAME] and its [[policies.NAME.statements]], or only the policy's keys (description, default_action, [[statements]]); '-' reads stdin",
            HelpName = "FILE",
            Required = true,
        };
        var set = new Command("set", "Create or replace a policy from a TOML file (validated like the config file, and written to it)") { setName, file };
        app.SetAction(set, async (call, ct) =>
        {
            var path = call.Get(file)!;
            var request = PolicyToml.Read(ReadText(path), path == "-" ? "stdin" : path, call.Get(setName)!);
            var reply = await call.Daemon.SetPolicyAsync(request, ct);
            return NeighborCommands.Done(call, $"policy {reply.Name} set: {Statements(reply.Statements.Count)}, default {reply.DefaultAction}", reply);
        });
        policy.Subcommands.Add(set);

        var deleted = new Argument<string>("NAME") { Description = "The policy to delete" };
        var delete = new Command("delete", "Delete a policy (refused while a chain names it); removed from the config file") { deleted };
        app.SetAction(delete, async (call, ct) =>
        {
            await call.Daemon.DeletePolicyAsync(call.Get(deleted)!, ct);
            return NeighborCommands.Done(call, $"policy {call.Get(deleted)} deleted", new DeletePolicyResponse());
        });
        policy.Subcommands.Add(delete);

        policy.Subcommands.Add(ChainCommand(app));
        policy.Subcommands.Add(DefinedSetCommands.Build(app));
        return policy;
    }

    private static Command ChainCommand(CtlApp app)
    {
        var global = new Option<bool>("--global") { Description = "The [global] chain (runs first, for every neighbor)" };
        var neighbor = new Option<string?>("--neighbor") { Description = "A neighbor's own chain (replaces its peer group's; cleared, it falls back to the group's)", HelpName = "ADDRESS" };
        var peerGroup = new Option<string?>("--peer-group") { Description = "A peer group's chain (for members without their own)", HelpName = "NAME" };
        var import = new Option<string?>("--import") { Description = "The import chain: policy names in order, comma-separated; '' clears it", HelpName = "POLICIES" };
        var export = new Option<string?>("--export") { Description = "The export chain: policy names in order, comma-separated; '' clears it", HelpName = "POLICIES" };
        var chain = new Command("chain", "Attach policies: set the import and/or export chain of [global], a neighbor or a peer group (written to the config file)")
        {
            global, neighbor, peerGroup, import, export,
        };
        app.SetAction(chain, async (call, ct) =>
        {
            var target = new ChainTarget { Global = call.Get(global), Neighbor = call.Get(neighbor) ?? "", PeerGroup = call.Get(peerGroup) ?? "" };
            if ((target.Global ? 1 : 0) + (target.Neighbor.Length > 0 ? 1 : 0) + (target.PeerGroup.Length > 0 ? 1 : 0) != 1)
                throw new UsageException("give one of --global, --neighbor ADDRESS, --peer-group NAME");
            var directions = new List<(PolicyDirection, string)>();
            if (call.Get(import) is string i) directions.Add((PolicyDirection.Import, i));
            if (call.Get(export) is string e) directions.Add((PolicyDirection.Export, e));
            if (directions.Count == 0) throw new UsageException("give --import and/or --export: policy names, comma-separated ('' clears the chain)");
            // One SetChain per direction, import first; the answer to the last holds both.
            SetChainResponse reply = new();
            foreach (var (direction, names) in directions)
            {
                var request = new SetChainRequest { Target = target, Direction = direction };
                request.Policies.AddRange(Names(names));
                reply = await call.Daemon.SetChainAsync(request, ct);
            }
            return NeighborCommands.Done(call, ChainLine(reply.Chain), reply);
        });
        return chain;
    }

    /// <summary>"a, b" or "a,b" as a list of names; "" is the empty list.</summary>
    internal static IEnumerable<string> Names(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A file's text, or stdin's for "-"; a usage error when it cannot be read.</summary>
    internal static string ReadText(string path)
    {
        try
        {
            if (path != "-") return File.ReadAllText(path);
            using var stdin = new StreamReader(Console.OpenStandardInput());
            return stdin.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }

    private static string Statements(int count) => count == 1 ? "1 statement" : $"{count.ToString(CultureInfo.InvariantCulture)} statements";

    internal static string Target(ChainTarget? target) =>
        target is null ? "?" : target.Global ? "global" : target.Neighbor.Length > 0 ? $"neighbor {target.Neighbor}" : $"peer-group {target.PeerGroup}";

    private static string Chain(IEnumerable<string> policies) => string.Join(", ", policies) is { Length: > 0 } names ? names : "(none)";

    private static string ChainLine(Chain chain) => $"{Target(chain.Target)}: import {Chain(chain.ImportPolicy)}; export {Chain(chain.ExportPolicy)}";

    private static string ActionMarkup(string action) => action switch
    {
        "accept" => "[green]accept[/]",
        "reject" => "[red]reject[/]",
        _ => Markup.Escape(action),
    };

    private static async Task<int> List(Call call, CancellationToken ct)
    {
        var reply = await call.Daemon.ListPoliciesAsync(ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(reply);
            return 0;
        }
        if (reply.Policies.Count == 0)
        {
            call.Terminal.Out.WriteLine("no policies (set one: bgpactorsctl policy set NAME --file FILE)");
            return 0;
        }
        var table = Terminal.NewTable("POLICY", "DEFAULT", "STATEMENTS", "DESCRIPTION");
        table.Columns[2].RightAligned();
        foreach (var p in reply.Policies)
            table.AddRow(Markup.Escape(p.Name), ActionMarkup(p.DefaultAction), p.Statements.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Description));
        call.Terminal.Write(table);
        call.Terminal.Out.WriteLine();
        if (reply.Chains.Count == 0)
        {
            call.Terminal.Out.WriteLine("no chains (attach policies: bgpactorsctl policy chain --global|--neighbor ADDRESS|--peer-group NAME --import P1,P2)");
            return 0;
        }
        var chains = Terminal.NewTable("CHAIN", "IMPORT", "EXPORT");
        foreach (var c in reply.Chains)
            chains.AddRow(Markup.Escape(Target(c.Target)), Markup.Escape(string.Join(", ", c.ImportPolicy)), Markup.Escape(string.Join(", ", c.ExportPolicy)));
        call.Terminal.Write(chains);
        return 0;
    }

    private static async Task<int> Show(Call call, string name, bool toml, CancellationToken ct)
    {
        if (toml && call.Json) throw new UsageException("--toml and --json cannot be combined");
        var p = await call.Daemon.GetPolicyAsync(name, ct);
        if (toml)
        {
            call.Terminal.Out.Write(PolicyToml.Write(p));
            return 0;
        }
        if (call.Json)
        {
            call.Terminal.WriteJson(p);
            return 0;
        }
        var chains = (await call.Daemon.ListPoliciesAsync(ct)).Chains;
        var usedBy = chains.Where(c => c.ImportPolicy.Contains(p.Name)).Select(c => $"import of {Target(c.Target)}")
            .Concat(chains.Where(c => c.ExportPolicy.Contains(p.Name)).Select(c => $"export of {Target(c.Target)}")).ToList();
        var details = Terminal.NewDetails();
        details.AddRow("policy", $"[bold]{Markup.Escape(p.Name)}[/]" + (p.Description.Length > 0 ? $" ({Markup.Escape(p.Description)})" : ""));
        details.AddRow("default-action", ActionMarkup(p.DefaultAction));
        details.AddRow("used by", usedBy.Count == 0 ? "no chain" : Markup.Escape(string.Join(", ", usedBy)));
        call.Terminal.Write(details);
        call.Terminal.Out.WriteLine();
        if (p.Statements.Count == 0)
        {
            call.Terminal.Out.WriteLine($"no statements: every route gets the default action ({p.DefaultAction})");
            return 0;
        }
        var table = Terminal.NewTable("STATEMENT", "ACTION", "MATCH", "SET");
        foreach (var s in p.Statements)
        {
            var match = PolicyToml.Inline(PolicyText.Match(s.Match));
            table.AddRow(Markup.Escape(s.Name), ActionMarkup(PolicyToml.Action(s.Action)),
                match.Length == 0 ? "every route" : Markup.Escape(match), Markup.Escape(PolicyToml.Inline(PolicyText.Set(s.Set))));
        }
        call.Terminal.Write(table);
        return 0;
    }
}
