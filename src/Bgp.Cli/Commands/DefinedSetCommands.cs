using System.CommandLine;
using System.Globalization;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Spectre.Console;

namespace Bgp.Cli.Commands;

/// <summary><c>policy sets</c>: the named prefix, AS path, community and neighbor sets policies match on.</summary>
internal static class DefinedSetCommands
{
    private static readonly (string Name, DefinedSetType Type)[] Types =
        [("prefix", DefinedSetType.Prefix), ("as-path", DefinedSetType.AsPath), ("community", DefinedSetType.Community), ("neighbor", DefinedSetType.Neighbor)];

    public static Command Build(CtlApp app)
    {
        var type = new Option<string?>("--type") { Description = "Only sets of this type", HelpName = "TYPE" };
        type.AcceptOnlyFromAmong([.. Types.Select(t => t.Name)]);
        var sets = new Command("sets", "Defined sets (prefix, as-path, community, neighbor): list, set one, delete one") { type };
        sets.Aliases.Add("defined-sets");
        app.SetAction(sets, (call, ct) => List(call, TypeOf(call.Get(type)), ct));
        sets.Subcommands.Add(SetCommand(app));

        var deletedType = TypeArgument();
        var deleted = new Argument<string>("NAME") { Description = "The set to delete" };
        var delete = new Command("delete", "Delete a set (refused while a policy names it); removed from the config file") { deletedType, deleted };
        app.SetAction(delete, async (call, ct) =>
        {
            var setType = TypeOf(call.Get(deletedType));
            await call.Daemon.DeleteDefinedSetAsync(setType, call.Get(deleted)!, ct);
            return NeighborCommands.Done(call, $"{Name(setType)} set {call.Get(deleted)} deleted", new DeleteDefinedSetResponse());
        });
        sets.Subcommands.Add(delete);
        return sets;
    }

    private static Argument<string> TypeArgument()
    {
        var type = new Argument<string>("TYPE") { Description = "prefix, as-path, community or neighbor" };
        type.AcceptOnlyFromAmong([.. Types.Select(t => t.Name)]);
        return type;
    }

    private static Command SetCommand(CtlApp app)
    {
        var type = TypeArgument();
        var name = new Argument<string>("NAME") { Description = "The set's name (1 to 63 letters, digits, '-' or '_')" };
        var members = new Argument<string[]>("MEMBER")
        {
            Description = "The entries of a prefix set (\"10.0.0.0/8 le 24\"), an AS path set (\"_65001_\") or a community set (\"65000:*\"); quote those with spaces",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var addresses = new Option<string[]>("--address") { Description = "Neighbor sets: an address or prefix (repeat)", HelpName = "ADDRESS", AllowMultipleArgumentsPerToken = false };
        var asns = new Option<string[]>("--remote-as") { Description = "Neighbor sets: a remote AS or a range such as 64512..65534 (repeat)", HelpName = "ASN", AllowMultipleArgumentsPerToken = false };
        var groups = new Option<string[]>("--peer-group") { Description = "Neighbor sets: a peer group (repeat)", HelpName = "NAME", AllowMultipleArgumentsPerToken = false };
        var set = new Command("set", "Create or replace a set (validated like the config file, and written to it)") { type, name, members, addresses, asns, groups };
        app.SetAction(set, async (call, ct) =>
        {
            var request = new DefinedSet { Type = TypeOf(call.Get(type)), Name = call.Get(name)! };
            string[] given = call.Get(members) ?? [];
            string[] neighborOptions = [.. call.Get(addresses) ?? [], .. call.Get(asns) ?? [], .. call.Get(groups) ?? []];
            if (request.Type == DefinedSetType.Neighbor)
            {
                if (given.Length > 0) throw new UsageException("a neighbor set takes --address, --remote-as and --peer-group, not MEMBER arguments");
                request.Addresses.AddRange(call.Get(addresses) ?? []);
                request.RemoteAsns.AddRange(call.Get(asns) ?? []);
                request.PeerGroups.AddRange(call.Get(groups) ?? []);
            }
            else
            {
                if (neighborOptions.Length > 0) throw new UsageException("--address, --remote-as and --peer-group are for neighbor sets");
                request.Members.AddRange(given);
            }
            var reply = await call.Daemon.SetDefinedSetAsync(request, ct);
            int count = reply.Members.Count + reply.Addresses.Count + reply.RemoteAsns.Count + reply.PeerGroups.Count;
            return NeighborCommands.Done(call, $"{Name(reply.Type)} set {reply.Name} set: {(count == 1 ? "1 entry" : $"{count.ToString(CultureInfo.InvariantCulture)} entries")}", reply);
        });
        return set;
    }

    private static DefinedSetType TypeOf(string? name) => Types.FirstOrDefault(t => t.Name == name).Type;

    private static string Name(DefinedSetType type) => Types.FirstOrDefault(t => t.Type == type).Name ?? "unspecified";

    /// <summary>A set's entries on one line: "a, b" or, for a neighbor set, "addresses a, b; remote_asns c; peer_groups d".</summary>
    private static string Entries(DefinedSet set)
    {
        if (set.Type != DefinedSetType.Neighbor) return string.Join(", ", set.Members);
        var parts = new List<string>();
        if (set.Addresses.Count > 0) parts.Add("addresses " + string.Join(", ", set.Addresses));
        if (set.RemoteAsns.Count > 0) parts.Add("remote_asns " + string.Join(", ", set.RemoteAsns));
        if (set.PeerGroups.Count > 0) parts.Add("peer_groups " + string.Join(", ", set.PeerGroups));
        return string.Join("; ", parts);
    }

    private static async Task<int> List(Call call, DefinedSetType type, CancellationToken ct)
    {
        var reply = await call.Daemon.ListDefinedSetsAsync(type, ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(reply);
            return 0;
        }
        if (reply.Sets.Count == 0)
        {
            call.Terminal.Out.WriteLine($"no {(type == DefinedSetType.Unspecified ? "" : Name(type) + " ")}sets (define one: bgpactorsctl policy sets set TYPE NAME ...)");
            return 0;
        }
        var table = Terminal.NewTable("TYPE", "NAME", "ENTRIES");
        foreach (var set in reply.Sets)
            table.AddRow(Name(set.Type), Markup.Escape(set.Name), Entries(set) is { Length: > 0 } entries ? Markup.Escape(entries) : "(empty)");
        call.Terminal.Write(table);
        return 0;
    }
}
