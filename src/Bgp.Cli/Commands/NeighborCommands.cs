using System.CommandLine;
using System.Globalization;
using System.Net;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Spectre.Console;

namespace Bgp.Cli.Commands;

/// <summary><c>neighbor</c>: list, show one, add, delete, enable, disable, soft reset.</summary>
internal static class NeighborCommands
{
    public static Command Build(CtlApp app)
    {
        var address = new Argument<string?>("ADDRESS") { Description = "Show this neighbor in detail (default: list every neighbor)", Arity = ArgumentArity.ZeroOrOne };
        var neighbor = new Command("neighbor", "Neighbors: list, show one, add, delete, enable, disable, soft reset") { address };
        neighbor.Aliases.Add("neighbors");
        app.SetAction(neighbor, (call, ct) => call.Get(address) is string one ? Show(call, one, ct) : List(call, ct));

        neighbor.Subcommands.Add(AddCommand(app));

        var target = Target();
        var delete = new Command("delete", "Remove a neighbor: Cease (Peer De-configured), its routes withdrawn; written to the config file") { target };
        app.SetAction(delete, async (call, ct) =>
        {
            await call.Daemon.DeleteNeighborAsync(call.Get(target)!, ct);
            return Done(call, $"neighbor {call.Get(target)} deleted", new DeleteNeighborResponse());
        });
        neighbor.Subcommands.Add(delete);

        var enabled = Target();
        var enable = new Command("enable", "Let a disabled neighbor's session start again") { enabled };
        app.SetAction(enable, async (call, ct) => Changed(call, await call.Daemon.EnableNeighborAsync(call.Get(enabled)!, ct), "enabled"));
        neighbor.Subcommands.Add(enable);

        var disabled = Target();
        var reason = new Option<string?>("--reason") { Description = "Shutdown communication sent with the Cease (RFC 9003, up to 255 bytes)", HelpName = "TEXT" };
        var disable = new Command("disable", "Close a neighbor's session with Cease (Administrative Shutdown); it stays down until enabled") { disabled, reason };
        app.SetAction(disable, async (call, ct) => Changed(call, await call.Daemon.DisableNeighborAsync(call.Get(disabled)!, call.Get(reason) ?? "", ct), "disabled"));
        neighbor.Subcommands.Add(disable);

        var refreshed = Target();
        var family = FamilyOption("Refresh only this family (default: every negotiated family)");
        var softReset = new Command("softreset", "Ask the neighbor to send its routes again (ROUTE-REFRESH), without resetting the session") { refreshed, family };
        softReset.Aliases.Add("soft-reset");
        app.SetAction(softReset, async (call, ct) =>
        {
            var reply = await call.Daemon.SoftResetNeighborAsync(call.Get(refreshed)!, Format.ParseFamily(call.Get(family)), ct);
            return Done(call, $"route refresh sent to {call.Get(refreshed)} for {string.Join(", ", reply.Refreshed.Select(Format.Family))}", reply);
        });
        neighbor.Subcommands.Add(softReset);
        return neighbor;
    }

    private static Argument<string> Target() => new("ADDRESS") { Description = "The neighbor's address" };

    internal static Option<string?> FamilyOption(string description)
    {
        var option = new Option<string?>("--family") { Description = description, HelpName = "FAMILY" };
        option.AcceptOnlyFromAmong(Format.FamilyNames);
        return option;
    }

    /// <summary>A repeatable <c>--family</c>: the families a neighbor or a peer group negotiates.</summary>
    internal static Option<string[]> FamiliesOption(string description)
    {
        var option = new Option<string[]>("--family") { Description = description, HelpName = "FAMILY", AllowMultipleArgumentsPerToken = false };
        option.AcceptOnlyFromAmong(Format.FamilyNames);
        return option;
    }

    private static Command AddCommand(CtlApp app)
    {
        var address = new Argument<string>("ADDRESS") { Description = "The neighbor's address" };
        var remoteAs = new Option<uint>("--remote-as") { Description = "The neighbor's AS", HelpName = "ASN", Required = true };
        var description = new Option<string?>("--description") { Description = "Free text shown in listings", HelpName = "TEXT" };
        var localAddress = new Option<string?>("--local-address") { Description = "Our address for this session", HelpName = "ADDRESS" };
        var passive = new Option<bool>("--passive") { Description = "Wait for the neighbor to connect" };
        var holdTime = new Option<uint>("--hold-time") { Description = "Hold time in seconds (0 or 3-65535; default 90)", HelpName = "SECONDS" };
        var connectRetry = new Option<uint>("--connect-retry") { Description = "Seconds between connection attempts (default 30)", HelpName = "SECONDS" };
        var families = FamiliesOption("A family to negotiate (repeat; default: the address's own, ipv4-unicast or ipv6-unicast)");
        var md5 = new Option<string?>("--md5-password") { Description = "TCP MD5 signature password (RFC 2385)", HelpName = "SECRET" };
        var ttl = new Option<uint>("--ttl-security") { Description = "GTSM (RFC 5082): accept packets from at most this many hops away", HelpName = "HOPS" };
        var maxPrefixes = new Option<string[]>("--max-prefixes") { Description = "Prefix limit: N for every family or FAMILY=N (repeat)", HelpName = "LIMIT" };
        var rsClient = new Option<bool>("--route-server-client") { Description = "A route-server client: our AS is not prepended, next hop and MED pass unchanged" };
        var rrClient = new Option<bool>("--route-reflector-client") { Description = "A route-reflector client (iBGP)" };
        var peerGroup = new Option<string?>("--peer-group") { Description = "Member of this peer group", HelpName = "NAME" };
        var nextHopUnchanged = new Option<bool>("--next-hop-unchanged") { Description = "Do not set ourselves as the next hop towards this neighbor" };
        var remotePort = new Option<uint>("--remote-port") { Description = "The TCP port to connect to (default 179)", HelpName = "PORT" };
        var disabled = new Option<bool>("--disabled") { Description = "Add it disabled (written as enabled = false): no session until enabled" };
        var add = new Command("add", "Add a neighbor (validated like the config file, and written to it)")
        {
            address, remoteAs, description, localAddress, passive, holdTime, connectRetry, families, md5, ttl, maxPrefixes, rsClient, rrClient, peerGroup, nextHopUnchanged,
            remotePort, disabled,
        };
        app.SetAction(add, async (call, ct) =>
        {
            var config = new NeighborConfig
            {
                Address = call.Get(address)!,
                RemoteAsn = call.Get(remoteAs),
                Description = call.Get(description) ?? "",
                LocalAddress = call.Get(localAddress) ?? "",
                Passive = call.Get(passive),
                ConnectRetry = call.Get(connectRetry),
                Md5Password = call.Get(md5) ?? "",
                TtlSecurityHops = call.Get(ttl),
                RouteServerClient = call.Get(rsClient),
                RouteReflectorClient = call.Get(rrClient),
                PeerGroup = call.Get(peerGroup) ?? "",
                NextHopUnchanged = call.Get(nextHopUnchanged),
                RemotePort = call.Get(remotePort),
                Disabled = call.Get(disabled),
            };
            // written only when given: --hold-time 0 (no keepalives) is a value, leaving it out is the default
            if (call.Parse.GetResult(holdTime) is { Implicit: false }) config.HoldTime = call.Get(holdTime);
            config.Families.AddRange((call.Get(families) ?? []).Select(Format.ParseFamily).Distinct());
            IEnumerable<Family> own = config.Families.Count > 0 ? config.Families : [config.Address.Contains(':') ? Family.Ipv6Unicast : Family.Ipv4Unicast];
            foreach (var (family, limit) in ParseLimits(call.Get(maxPrefixes) ?? [], () => own)) config.MaxPrefixes[family] = limit;
            return Changed(call, await call.Daemon.AddNeighborAsync(config, ct), "added");
        });
        return add;
    }

    /// <summary>"1000" (for each of <paramref name="every"/>: a neighbor's families, those given or its address's own) or "ipv6-unicast=200".</summary>
    internal static IEnumerable<(string Family, uint Limit)> ParseLimits(IEnumerable<string> values, Func<IEnumerable<Family>> every)
    {
        var result = new List<(string, uint)>();
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            var number = eq < 0 ? value : value[(eq + 1)..];
            if (!uint.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                throw new UsageException($"--max-prefixes {value}: give N or FAMILY=N");
            if (eq < 0)
            {
                result.AddRange(every().Select(f => (Format.Family(f), limit)));
                continue;
            }
            var family = Format.ParseFamily(value[..eq]);
            if (family == Family.Unspecified) throw new UsageException($"--max-prefixes {value}: unknown family '{value[..eq]}' (ipv4-unicast, ipv6-unicast)");
            result.Add((Format.Family(family), limit));
        }
        return result;
    }

    internal static int Done(Call call, string message, Google.Protobuf.IMessage reply)
    {
        if (call.Json) call.Terminal.WriteJson(reply);
        else call.Terminal.Out.WriteLine(message);
        return 0;
    }

    private static int Changed(Call call, Neighbor neighbor, string what)
    {
        if (call.Json) call.Terminal.WriteJson(neighbor);
        else call.Terminal.Line($"neighbor {Markup.Escape(neighbor.Config.Address)} {what}: {Format.StateMarkup(neighbor.State)}");
        return 0;
    }

    private static async Task<int> List(Call call, CancellationToken ct)
    {
        var reply = await call.Daemon.ListNeighborsAsync(ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(reply);
            return 0;
        }
        var now = DateTimeOffset.UtcNow;
        var table = Terminal.NewTable("NEIGHBOR", "AS", "STATE", "UP/DOWN", "RECEIVED", "ACCEPTED", "ADVERTISED", "FLAPS", "DESCRIPTION");
        foreach (var column in table.Columns.Skip(4).Take(4)) column.RightAligned();
        foreach (var n in Sorted(reply.Neighbors))
        {
            table.AddRow(
                Markup.Escape(n.Config.Address),
                n.Config.RemoteAsn.ToString(CultureInfo.InvariantCulture),
                Format.StateMarkup(n.State),
                Format.Since(n.State.EstablishedSince, now),
                Format.Sum(n.State.PrefixesReceived).ToString(CultureInfo.InvariantCulture),
                Format.Sum(n.State.PrefixesAccepted).ToString(CultureInfo.InvariantCulture),
                Format.Sum(n.State.PrefixesAdvertised).ToString(CultureInfo.InvariantCulture),
                n.Counters.Flaps.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(n.Config.Description));
        }
        if (reply.Neighbors.Count == 0) call.Terminal.Out.WriteLine("no neighbors configured (add one: bgpactorsctl neighbor add ADDRESS --remote-as ASN)");
        else call.Terminal.Write(table);
        return 0;
    }

    /// <summary>By address family, then numerically, as routers list peers.</summary>
    internal static IEnumerable<Neighbor> Sorted(IEnumerable<Neighbor> neighbors) =>
        neighbors.OrderBy(n => AddressKey(n.Config.Address), StringComparer.Ordinal);

    internal static string AddressKey(string address) =>
        IPAddress.TryParse(address, out var ip) ? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "4" : "6") + Convert.ToHexString(ip.GetAddressBytes()) : "9" + address;

    private static async Task<int> Show(Call call, string address, CancellationToken ct)
    {
        var n = await call.Daemon.GetNeighborAsync(address, ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(n);
            return 0;
        }
        var c = n.Config;
        var s = n.State;
        var table = Terminal.NewDetails();
        table.AddRow("neighbor", $"[bold]{Markup.Escape(c.Address)}[/] AS{c.RemoteAsn}" + (c.Description.Length > 0 ? $" ({Markup.Escape(c.Description)})" : ""));
        table.AddRow("state", Format.StateMarkup(s) + (s.EstablishedSince is null ? "" : $" for {Format.Since(s.EstablishedSince, DateTimeOffset.UtcNow)}"));
        if (s.PeerRouterId.Length > 0) table.AddRow("router-id", s.PeerRouterId);
        if (c.LocalAddress.Length > 0) table.AddRow("local-address", Markup.Escape(c.LocalAddress));
        var roles = new List<string>();
        if (c.Passive) roles.Add("passive");
        if (c.RouteServerClient) roles.Add("route-server-client");
        if (c.RouteReflectorClient) roles.Add("route-reflector-client");
        if (c.NextHopUnchanged) roles.Add("next-hop-unchanged");
        if (c.TtlSecurityHops > 0) roles.Add($"ttl-security {c.TtlSecurityHops}");
        if (c.PeerGroup.Length > 0) roles.Add($"peer-group {c.PeerGroup}");
        if (c.RemotePort is not (0 or 179)) roles.Add($"remote-port {c.RemotePort}");
        if (c.Disabled) roles.Add("disabled (enabled = false)");
        if (roles.Count > 0) table.AddRow("options", Markup.Escape(string.Join(", ", roles)));
        // the daemon sends the resolved value; 0 configured means no keepalives, not the default
        string configured = !c.HasHoldTime ? "90 s" : c.HoldTime == 0 ? "0 s, no keepalives" : $"{c.HoldTime} s";
        table.AddRow("hold-time", s.State == SessionState.Established
            ? $"{s.NegotiatedHoldTime} s negotiated ({configured} configured)"
            : $"{configured} configured");
        if (s.State == SessionState.Established)
        {
            var capabilities = new List<string>();
            if (s.FourOctetAs) capabilities.Add("4-octet AS");
            if (s.RouteRefresh) capabilities.Add("route refresh");
            if (s.ExtendedMessages) capabilities.Add("extended messages");
            table.AddRow("families", string.Join(", ", s.NegotiatedFamilies.Select(Format.Family)));
            table.AddRow("capabilities", string.Join(", ", capabilities));
        }
        foreach (var family in s.PrefixesReceived.Keys.Union(s.PrefixesAdvertised.Keys).Order(StringComparer.Ordinal))
        {
            var limit = c.MaxPrefixes.TryGetValue(family, out var max) ? $", limit {max}" : "";
            table.AddRow(family, $"{Format.PerFamily(s.PrefixesReceived, family)} received, {Format.PerFamily(s.PrefixesAccepted, family)} accepted{limit}, {Format.PerFamily(s.PrefixesAdvertised, family)} advertised");
        }
        if (s.LastError.Length > 0) table.AddRow("last error", Markup.Escape(s.LastError));
        if (s.LastNotificationIn.Length > 0) table.AddRow("last notification in", Markup.Escape(s.LastNotificationIn));
        if (s.LastNotificationOut.Length > 0) table.AddRow("last notification out", Markup.Escape(s.LastNotificationOut));
        call.Terminal.Write(table);
        call.Terminal.Out.WriteLine();

        var k = n.Counters;
        var counters = Terminal.NewTable("MESSAGES", "IN", "OUT");
        foreach (var column in counters.Columns.Skip(1)) column.RightAligned();
        counters.AddRow("updates", k.UpdatesIn.ToString(CultureInfo.InvariantCulture), k.UpdatesOut.ToString(CultureInfo.InvariantCulture));
        counters.AddRow("keepalives", k.KeepalivesIn.ToString(CultureInfo.InvariantCulture), k.KeepalivesOut.ToString(CultureInfo.InvariantCulture));
        counters.AddRow("opens", k.OpensIn.ToString(CultureInfo.InvariantCulture), k.OpensOut.ToString(CultureInfo.InvariantCulture));
        counters.AddRow("notifications", k.NotificationsIn.ToString(CultureInfo.InvariantCulture), k.NotificationsOut.ToString(CultureInfo.InvariantCulture));
        counters.AddRow("route refresh", k.RouteRefreshIn.ToString(CultureInfo.InvariantCulture), "");
        counters.AddRow("prefixes announced", k.PrefixesAnnouncedIn.ToString(CultureInfo.InvariantCulture), k.PrefixesAnnouncedOut.ToString(CultureInfo.InvariantCulture));
        counters.AddRow("prefixes withdrawn", k.PrefixesWithdrawnIn.ToString(CultureInfo.InvariantCulture), k.PrefixesWithdrawnOut.ToString(CultureInfo.InvariantCulture));
        counters.AddRow("treat-as-withdraw", k.TreatAsWithdrawIn.ToString(CultureInfo.InvariantCulture), "");
        call.Terminal.Write(counters);
        call.Terminal.Out.WriteLine($"established {k.EstablishedTransitions} time(s), {k.Flaps} flap(s)");
        return 0;
    }
}
