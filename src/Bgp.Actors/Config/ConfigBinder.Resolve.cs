using System.Net;
using Bgp.Actors.Config.Toml;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>Inheritance (neighbor over peer group over default) and the checks that need the resolved values.</summary>
internal sealed partial class ConfigBinder
{
    private NeighborConfig? Resolve(IPAddress address, Settings n, Group? group, GlobalConfig? global)
    {
        var g = group?.Settings;
        // A value's span is where it was written: in the neighbor, else in its peer group.
        TomlSpan SpanOf(string key) => n.Table.ContainsKey(key) || g is null || !g.Table.ContainsKey(key) ? n.SpanOf(key) : g.SpanOf(key);
        bool Written(string key) => n.Table.ContainsKey(key) || (g?.Table.ContainsKey(key) ?? false);
        int before = _diagnostics.Count;

        uint? remoteAsn = n.RemoteAsn ?? g?.RemoteAsn;
        if (remoteAsn is null && !Written("remote_asn"))
        {
            Error("missing-key", $"missing key `remote_asn` for neighbor {address}", n.Table.Span, "this neighbor has no `remote_asn`",
                group is null ? "set `remote_asn`, or a `peer_group` that sets it" : $"neither it nor peer group `{group.Config.Name}` sets `remote_asn`");
        }

        var local = n.LocalAddress ?? g?.LocalAddress;
        if (local is not null && local.AddressFamily != address.AddressFamily)
        {
            Error("conflict", "`local_address` must be of the neighbor's address family", SpanOf("local_address"),
                $"{local} is {FamilyName(local)} but the neighbor {address} is {FamilyName(address)}");
        }

        var families = n.Families ?? g?.Families ?? new EquatableArray<AfiSafi>([
            address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AfiSafi.Ipv6Unicast : AfiSafi.Ipv4Unicast]);
        var maxPrefixes = n.MaxPrefixes ?? g?.MaxPrefixes;
        foreach (var limit in maxPrefixes?.PerFamily ?? default)
        {
            if (families.AsSpan().Contains(limit.Family)) continue;
            Error("conflict", $"`max_prefixes` sets a limit for {limit.Family}, which neighbor {address} does not enable",
                SpanOf("max_prefixes"), $"{limit.Family} is not in `families`",
                $"this neighbor's families: {string.Join(", ", families)}");
        }

        bool routeServerClient = n.RouteServerClient ?? g?.RouteServerClient ?? false;
        bool routeReflectorClient = n.RouteReflectorClient ?? g?.RouteReflectorClient ?? false;
        if (routeServerClient && routeReflectorClient)
        {
            Error("conflict", "a neighbor cannot be both a route-server client and a route-reflector client",
                SpanOf("route_reflector_client"), $"neighbor {address} also has `route_server_client = true`");
        }
        else if (global is not null && remoteAsn is uint asn)
        {
            if (routeReflectorClient && asn != global.Asn)
            {
                Error("conflict", "`route_reflector_client` needs an internal (iBGP) neighbor", SpanOf("route_reflector_client"),
                    $"AS{asn} is not the local AS{global.Asn}", "RFC 4456 §1: route reflection is among iBGP speakers of one AS");
            }
            if (routeServerClient && asn == global.Asn)
            {
                Error("conflict", "`route_server_client` needs an external (eBGP) neighbor", SpanOf("route_server_client"),
                    $"AS{asn} is the local AS", "RFC 7947 §2: a route server peers with clients over eBGP");
            }
        }

        if (_diagnostics.Count != before || remoteAsn is null || ContainsFailure(n) || (g is not null && ContainsFailure(g))) return null;
        return new NeighborConfig(
            address,
            remoteAsn.Value,
            n.Description,
            local,
            n.Passive ?? g?.Passive ?? false,
            n.HoldTime ?? g?.HoldTime ?? NeighborConfig.DefaultHoldTime,
            n.ConnectRetry ?? g?.ConnectRetry ?? NeighborConfig.DefaultConnectRetry,
            families,
            n.Md5Password ?? g?.Md5Password,
            n.TtlSecurityHops ?? g?.TtlSecurityHops,
            maxPrefixes?.Resolve(families) ?? default,
            routeServerClient,
            routeReflectorClient,
            n.LogLevel ?? g?.LogLevel ?? global?.Telemetry.LogLevel ?? LogLevel.Info,
            group?.Config.Name)
        {
            ImportNone = n.ImportNone ?? g?.ImportNone ?? false,
            ExportNone = n.ExportNone ?? g?.ExportNone ?? false,
            NextHopUnchanged = n.NextHopUnchanged ?? g?.NextHopUnchanged ?? false,
            ImportPolicy = n.ImportPolicy ?? g?.ImportPolicy ?? default,
            ExportPolicy = n.ExportPolicy ?? g?.ExportPolicy ?? default,
            Enabled = n.Enabled ?? g?.Enabled ?? true,
            RemotePort = n.RemotePort ?? g?.RemotePort ?? NeighborConfig.DefaultRemotePort,
            OpenTimeout = n.OpenTimeout ?? g?.OpenTimeout ?? NeighborConfig.DefaultOpenTimeout,
        };
    }

    /// <summary>True when a key is written but its value was refused (already reported).</summary>
    private static bool ContainsFailure(Settings s)
    {
        var entries = s.Table.Entries;
        for (int i = 0; i < entries.Count; i++)
        {
            bool missing = entries[i].Key.Name switch
            {
                "remote_asn" => s.RemoteAsn is null,
                "description" => s.Description is null,
                "local_address" => s.LocalAddress is null,
                "passive" => s.Passive is null,
                "hold_time" => s.HoldTime is null,
                "connect_retry" => s.ConnectRetry is null,
                "families" => s.Families is null,
                "md5_password" => s.Md5Password is null,
                "ttl_security" => s.TtlSecurityHops is null,
                "max_prefixes" => s.MaxPrefixes is null,
                "route_server_client" => s.RouteServerClient is null,
                "route_reflector_client" => s.RouteReflectorClient is null,
                "log_level" => s.LogLevel is null,
                "import" => s.ImportNone is null,
                "export" => s.ExportNone is null,
                "next_hop_unchanged" => s.NextHopUnchanged is null,
                "import_policy" => s.ImportPolicy is null,
                "export_policy" => s.ExportPolicy is null,
                "enabled" => s.Enabled is null,
                "remote_port" => s.RemotePort is null,
                "open_timeout" => s.OpenTimeout is null,
                _ => false,
            };
            if (missing) return true;
        }
        return false;
    }

    private static string FamilyName(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}
