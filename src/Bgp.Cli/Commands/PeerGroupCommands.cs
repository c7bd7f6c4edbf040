using System.CommandLine;
using System.Globalization;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Spectre.Console;

namespace Bgp.Cli.Commands;

/// <summary><c>peer-group</c>: list, show one, set (create or replace), delete.</summary>
internal static class PeerGroupCommands
{
    /// <summary>Member addresses a listing shows before "...".</summary>
    private const int ListedMembers = 3;

    public static Command Build(CtlApp app)
    {
        var name = new Argument<string?>("NAME") { Description = "Show this peer group in detail (default: list every group)", Arity = ArgumentArity.ZeroOrOne };
        var group = new Command("peer-group", "Peer groups: list, show one, set (create or replace), delete") { name };
        group.Aliases.Add("peer-groups");
        app.SetAction(group, (call, ct) => call.Get(name) is string one ? Show(call, one, ct) : List(call, ct));

        group.Subcommands.Add(SetCommand(app));

        var deleted = new Argument<string>("NAME") { Description = "The peer group to delete" };
        var delete = new Command("delete", "Delete a peer group (refused while a neighbor or a neighbor set names it); removed from the config file") { deleted };
        app.SetAction(delete, async (call, ct) =>
        {
            await call.Daemon.DeletePeerGroupAsync(call.Get(deleted)!, ct);
            return NeighborCommands.Done(call, $"peer group {call.Get(deleted)} deleted", new DeletePeerGroupResponse());
        });
        group.Subcommands.Add(delete);
        return group;
    }

    private static Command SetCommand(CtlApp app)
    {
        var name = new Argument<string>("NAME") { Description = "The group's name (1 to 63 letters, digits, '-' or '_')" };
        var remoteAs = new Option<uint>("--remote-as") { Description = "The members' AS", HelpName = "ASN" };
        var description = new Option<string?>("--description") { Description = "Free text shown in listings", HelpName = "TEXT" };
        var localAddress = new Option<string?>("--local-address") { Description = "Our address for the members' sessions", HelpName = "ADDRESS" };
        var passive = new Option<bool>("--passive") { Description = "Members wait for the neighbor to connect (--passive false: they do not, whatever the default)" };
        var holdTime = new Option<uint>("--hold-time") { Description = "Hold time in seconds (0: no keepalives, or 3-65535)", HelpName = "SECONDS" };
        var connectRetry = new Option<uint>("--connect-retry") { Description = "Seconds between connection attempts", HelpName = "SECONDS" };
        var families = NeighborCommands.FamiliesOption("A family the members negotiate (repeat)");
        var md5 = new Option<string?>("--md5-password") { Description = "TCP MD5 signature password (RFC 2385); never shown, so give it again on every set", HelpName = "SECRET" };
        var ttl = new Option<uint>("--ttl-security") { Description = "GTSM (RFC 5082): accept packets from at most this many hops away", HelpName = "HOPS" };
        var maxPrefixes = new Option<string[]>("--max-prefixes") { Description = "Prefix limit: N for every --family given, or FAMILY=N (repeat)", HelpName = "LIMIT" };
        var rsClient = new Option<bool>("--route-server-client") { Description = "Members are route-server clients (--route-server-client false: explicitly not)" };
        var rrClient = new Option<bool>("--route-reflector-client") { Description = "Members are route-reflector clients (--route-reflector-client false: explicitly not)" };
        var import = new Option<string?>("--import") { Description = "The members' import chain: policy names in order, comma-separated", HelpName = "POLICIES" };
        var export = new Option<string?>("--export") { Description = "The members' export chain: policy names in order, comma-separated", HelpName = "POLICIES" };
        var remotePort = new Option<uint>("--remote-port") { Description = "The TCP port members connect to", HelpName = "PORT" };
        var enabled = new Option<bool>("--enabled") { Description = "--enabled false: members start disabled unless they say otherwise" };
        var set = new Command("set", "Create or replace a peer group: the options given are its settings, the others are left to members and defaults (validated like the config file, and written to it)")
        {
            name, remoteAs, description, localAddress, passive, holdTime, connectRetry, families, md5, ttl, maxPrefixes, rsClient, rrClient, import, export,
            remotePort, enabled,
        };
        app.SetAction(set, async (call, ct) =>
        {
            var group = new PeerGroup
            {
                Name = call.Get(name)!,
                RemoteAsn = call.Get(remoteAs),
                Description = call.Get(description) ?? "",
                LocalAddress = call.Get(localAddress) ?? "",
                ConnectRetry = call.Get(connectRetry),
                Md5Password = call.Get(md5) ?? "",
                TtlSecurityHops = call.Get(ttl),
                RemotePort = call.Get(remotePort),
            };
            if (Given(call, enabled)) group.Enabled = call.Get(enabled);
            if (Given(call, holdTime)) group.HoldTime = call.Get(holdTime);
            // optional bool: written only when given, so members keep their own value or the default otherwise
            if (Given(call, passive)) group.Passive = call.Get(passive);
            if (Given(call, rsClient)) group.RouteServerClient = call.Get(rsClient);
            if (Given(call, rrClient)) group.RouteReflectorClient = call.Get(rrClient);
            group.Families.AddRange((call.Get(families) ?? []).Select(Format.ParseFamily).Distinct());
            var limits = NeighborCommands.ParseLimits(call.Get(maxPrefixes) ?? [], () => group.Families.Count > 0
                ? group.Families
                : throw new UsageException("--max-prefixes N needs the group's --family (or write FAMILY=N)"));
            foreach (var (family, limit) in limits) group.MaxPrefixes[family] = limit;
            group.ImportPolicy.AddRange(PolicyCommands.Names(call.Get(import)));
            group.ExportPolicy.AddRange(PolicyCommands.Names(call.Get(export)));
            var reply = await call.Daemon.SetPeerGroupAsync(group, ct);
            return NeighborCommands.Done(call, $"peer group {reply.Name} set: {Members(reply.Members.Count)}", reply);
        });
        return set;
    }

    private static bool Given(Call call, Option option) => call.Parse.GetResult(option) is { Implicit: false };

    private static string Members(int count) => count == 1 ? "1 member" : $"{count.ToString(CultureInfo.InvariantCulture)} members";

    private static IEnumerable<string> SortedMembers(PeerGroup group) => group.Members.OrderBy(NeighborCommands.AddressKey, StringComparer.Ordinal);

    private static async Task<int> List(Call call, CancellationToken ct)
    {
        var reply = await call.Daemon.ListPeerGroupsAsync(ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(reply);
            return 0;
        }
        if (reply.PeerGroups.Count == 0)
        {
            call.Terminal.Out.WriteLine("no peer groups (set one: bgpactorsctl peer-group set NAME --remote-as ASN ...)");
            return 0;
        }
        var table = Terminal.NewTable("PEER GROUP", "AS", "MEMBERS", "IMPORT", "EXPORT", "DESCRIPTION");
        foreach (var g in reply.PeerGroups)
        {
            var members = SortedMembers(g).ToList();
            var listed = string.Join(", ", members.Take(ListedMembers)) + (members.Count > ListedMembers ? ", ..." : "");
            table.AddRow(
                Markup.Escape(g.Name),
                g.RemoteAsn == 0 ? "-" : g.RemoteAsn.ToString(CultureInfo.InvariantCulture),
                members.Count == 0 ? "0" : $"{members.Count.ToString(CultureInfo.InvariantCulture)} ({listed})",
                Markup.Escape(string.Join(", ", g.ImportPolicy)),
                Markup.Escape(string.Join(", ", g.ExportPolicy)),
                Markup.Escape(g.Description));
        }
        call.Terminal.Write(table);
        return 0;
    }

    private static async Task<int> Show(Call call, string name, CancellationToken ct)
    {
        var g = await call.Daemon.GetPeerGroupAsync(name, ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(g);
            return 0;
        }
        var table = Terminal.NewDetails();
        table.AddRow("peer-group", $"[bold]{Markup.Escape(g.Name)}[/]" + (g.Description.Length > 0 ? $" ({Markup.Escape(g.Description)})" : ""));
        if (g.RemoteAsn != 0) table.AddRow("remote-as", g.RemoteAsn.ToString(CultureInfo.InvariantCulture));
        if (g.LocalAddress.Length > 0) table.AddRow("local-address", Markup.Escape(g.LocalAddress));
        var options = new List<string>();
        if (g.HasPassive) options.Add(g.Passive ? "passive" : "not passive");
        if (g.HasRouteServerClient) options.Add(g.RouteServerClient ? "route-server-client" : "not route-server-client");
        if (g.HasRouteReflectorClient) options.Add(g.RouteReflectorClient ? "route-reflector-client" : "not route-reflector-client");
        if (g.TtlSecurityHops > 0) options.Add($"ttl-security {g.TtlSecurityHops}");
        if (g.RemotePort != 0) options.Add($"remote-port {g.RemotePort}");
        if (g.HasEnabled) options.Add(g.Enabled ? "enabled" : "disabled");
        if (options.Count > 0) table.AddRow("options", string.Join(", ", options));
        if (g.HasHoldTime) table.AddRow("hold-time", g.HoldTime == 0 ? "0 s, no keepalives" : $"{g.HoldTime} s");
        if (g.ConnectRetry != 0) table.AddRow("connect-retry", $"{g.ConnectRetry} s");
        if (g.Families.Count > 0) table.AddRow("families", string.Join(", ", g.Families.Select(Format.Family)));
        if (g.MaxPrefixes.Count > 0)
            table.AddRow("max-prefixes", string.Join(", ", g.MaxPrefixes.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} {l.Value}")));
        if (g.ImportPolicy.Count > 0) table.AddRow("import", Markup.Escape(string.Join(", ", g.ImportPolicy)));
        if (g.ExportPolicy.Count > 0) table.AddRow("export", Markup.Escape(string.Join(", ", g.ExportPolicy)));
        table.AddRow("members", g.Members.Count == 0 ? "none" : Markup.Escape(string.Join(", ", SortedMembers(g))));
        call.Terminal.Write(table);
        return 0;
    }
}
