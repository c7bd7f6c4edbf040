using System.Net;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>What a reload would have to do about a change.</summary>
public enum ChangeClass
{
    /// <summary>A running daemon applies it on reload (SIGHUP or the API), without a restart.</summary>
    AppliedOnReload,
    /// <summary>Takes effect only when the daemon restarts: identity, listeners, logging pipeline.</summary>
    RestartRequired,
    /// <summary>No effect on routing or sessions (descriptions, peer group membership with identical effective values).</summary>
    Informational,
}

public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>
/// One difference between two configurations. <see cref="Path"/> names neighbors by address
/// (<c>neighbors[192.0.2.1].hold_time</c>) because array positions mean nothing to an operator.
/// <see cref="ResetsSession"/> is set for neighbor changes that take a new OPEN (RFC 4271 §4.2
/// parameters, capabilities, transport), so applying them bounces that one session.
/// </summary>
public sealed record ConfigChange(ChangeClass Class, ChangeKind Kind, string Path, string? Old, string? New, bool ResetsSession = false);

/// <summary>
/// The classified difference between the configuration a daemon runs (<c>current</c>) and a
/// candidate (<c>next</c>). Neighbors are compared after peer-group inheritance, so editing a
/// peer group shows up on each member it affects. Secrets are never printed.
/// </summary>
public sealed partial class ConfigDiff
{
    private const string Secret = "(set)";
    private const string Unset = "(unset)";

    private ConfigDiff(IReadOnlyList<ConfigChange> changes) => Changes = changes;

    public IReadOnlyList<ConfigChange> Changes { get; }

    /// <summary>True when something would change for the running daemon: a reload or a restart is due.</summary>
    public bool IsActionable => Changes.Any(c => c.Class != ChangeClass.Informational);

    public bool RequiresRestart => Changes.Any(c => c.Class == ChangeClass.RestartRequired);

    public static ConfigDiff Compute(BgpConfig current, BgpConfig next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var changes = new List<ConfigChange>();
        CompareGlobal(current.Global, next.Global, changes);
        CompareNeighbors(current, next, changes);
        ComparePeerGroups(current, next, changes);
        ComparePolicy(current.Policy, next.Policy, changes);
        return new ConfigDiff(changes);
    }

    /// <summary>One row per global key: how to print it and what changing it takes.</summary>
    private static readonly (string Path, Func<GlobalConfig, string?> Value, ChangeClass Class)[] GlobalFields =
    [
        ("global.asn", g => Format(g.Asn), ChangeClass.RestartRequired),
        ("global.router_id", g => Format(g.RouterId), ChangeClass.RestartRequired),
        ("global.listen_addresses", g => Format(g.ListenAddresses), ChangeClass.RestartRequired),
        ("global.listen_port", g => Format(g.ListenPort), ChangeClass.RestartRequired),
        ("global.runtime_state_dir", g => g.RuntimeStateDir, ChangeClass.RestartRequired),
        ("global.cluster_id", g => Format(g.EffectiveClusterId), ChangeClass.RestartRequired),
        ("global.always_compare_med", g => Format(g.AlwaysCompareMed), ChangeClass.RestartRequired),
        ("global.deterministic_med", g => Format(g.DeterministicMed), ChangeClass.RestartRequired),
        ("global.import_policy", g => Format(g.ImportPolicy), ChangeClass.AppliedOnReload),
        ("global.export_policy", g => Format(g.ExportPolicy), ChangeClass.AppliedOnReload),
        ("global.telemetry.log_format", g => Format(g.Telemetry.LogFormat), ChangeClass.RestartRequired),
        ("global.telemetry.log_level", g => Format(g.Telemetry.LogLevel), ChangeClass.AppliedOnReload),
        ("global.telemetry.prometheus_address", g => g.Telemetry.PrometheusAddress?.ToString(), ChangeClass.RestartRequired),
        ("global.telemetry.looking_glass_address", g => g.Telemetry.LookingGlassAddress?.ToString(), ChangeClass.RestartRequired),
        ("global.telemetry.grpc_listeners", g => FormatListeners(g.Telemetry.GrpcListeners), ChangeClass.RestartRequired),
    ];

    /// <summary>One row per neighbor key: how to print it, what changing it takes, and whether the session must restart.</summary>
    private static readonly (string Key, Func<NeighborConfig, string?> Value, ChangeClass Class, bool Resets)[] NeighborFields =
    [
        ("remote_asn", n => Format(n.RemoteAsn), ChangeClass.AppliedOnReload, true),
        ("description", n => n.Description, ChangeClass.Informational, false),
        ("local_address", n => n.LocalAddress?.ToString(), ChangeClass.AppliedOnReload, true),
        ("passive", n => Format(n.Passive), ChangeClass.AppliedOnReload, false),
        ("hold_time", n => Format(n.HoldTime), ChangeClass.AppliedOnReload, true),
        ("connect_retry", n => Format(n.ConnectRetry), ChangeClass.AppliedOnReload, false),
        ("families", n => Format(n.Families), ChangeClass.AppliedOnReload, true),
        ("md5_password", n => n.Md5Password is null ? null : Secret, ChangeClass.AppliedOnReload, true),
        ("ttl_security", n => n.TtlSecurityHops is int h ? Format(h) : null, ChangeClass.AppliedOnReload, true),
        ("max_prefixes", n => n.MaxPrefixes.IsEmpty ? null : Format(n.MaxPrefixes), ChangeClass.AppliedOnReload, false),
        ("route_server_client", n => Format(n.RouteServerClient), ChangeClass.AppliedOnReload, true),
        ("route_reflector_client", n => Format(n.RouteReflectorClient), ChangeClass.AppliedOnReload, true),
        ("import", n => n.ImportNone ? "none" : "all", ChangeClass.AppliedOnReload, true),
        ("export", n => n.ExportNone ? "none" : "all", ChangeClass.AppliedOnReload, true),
        ("next_hop_unchanged", n => Format(n.NextHopUnchanged), ChangeClass.AppliedOnReload, true),
        ("import_policy", n => Format(n.ImportPolicy), ChangeClass.AppliedOnReload, false),
        ("export_policy", n => Format(n.ExportPolicy), ChangeClass.AppliedOnReload, false),
        ("log_level", n => Format(n.LogLevel), ChangeClass.AppliedOnReload, false),
        ("enabled", n => Format(n.Enabled), ChangeClass.AppliedOnReload, false),
        ("remote_port", n => Format(n.RemotePort), ChangeClass.AppliedOnReload, false),
        ("open_timeout", n => Format(n.OpenTimeout), ChangeClass.AppliedOnReload, false),
        ("peer_group", n => n.PeerGroup, ChangeClass.Informational, false),
    ];

    private static void CompareGlobal(GlobalConfig current, GlobalConfig next, List<ConfigChange> changes)
    {
        foreach (var (path, value, changeClass) in GlobalFields)
        {
            string? old = value(current), @new = value(next);
            if (old != @new) changes.Add(new ConfigChange(changeClass, ChangeKind.Changed, path, old ?? Unset, @new ?? Unset));
        }
    }

    private static void CompareNeighbors(BgpConfig current, BgpConfig next, List<ConfigChange> changes)
    {
        var before = current.Neighbors.ToDictionary(n => n.Address);
        var after = next.Neighbors.ToDictionary(n => n.Address);
        foreach (var neighbor in current.Neighbors)
        {
            string path = NeighborPath(neighbor.Address);
            if (!after.TryGetValue(neighbor.Address, out var updated))
            {
                changes.Add(new ConfigChange(ChangeClass.AppliedOnReload, ChangeKind.Removed, path, neighbor.ToString(), null, ResetsSession: true));
                continue;
            }
            if (neighbor == updated) continue;
            // A password change alone must still show, though both sides print as "(set)".
            foreach (var (key, value, changeClass, resets) in NeighborFields)
            {
                string? old = value(neighbor), @new = value(updated);
                if (key == "md5_password" && old is not null && @new is not null && neighbor.Md5Password != updated.Md5Password) @new = "(changed)";
                if (old == @new) continue;
                changes.Add(new ConfigChange(changeClass, ChangeKind.Changed, $"{path}.{key}", old ?? Unset, @new ?? Unset, resets));
            }
        }
        foreach (var neighbor in next.Neighbors)
        {
            if (before.ContainsKey(neighbor.Address)) continue;
            changes.Add(new ConfigChange(ChangeClass.AppliedOnReload, ChangeKind.Added, NeighborPath(neighbor.Address), null, neighbor.ToString()));
        }
    }

    /// <summary>Peer groups matter only through their members, whose resolved values are compared above.</summary>
    private static void ComparePeerGroups(BgpConfig current, BgpConfig next, List<ConfigChange> changes)
    {
        var before = current.PeerGroups.ToDictionary(g => g.Name);
        var after = next.PeerGroups.ToDictionary(g => g.Name);
        foreach (var group in current.PeerGroups)
        {
            string path = $"peer_groups.{group.Name}";
            if (!after.TryGetValue(group.Name, out var updated))
            {
                changes.Add(new ConfigChange(ChangeClass.Informational, ChangeKind.Removed, path, group.Name, null));
            }
            else if (group != updated)
            {
                changes.Add(new ConfigChange(ChangeClass.Informational, ChangeKind.Changed, path, "(previous settings)", "(new settings)"));
            }
        }
        foreach (var group in next.PeerGroups)
        {
            if (!before.ContainsKey(group.Name))
            {
                changes.Add(new ConfigChange(ChangeClass.Informational, ChangeKind.Added, $"peer_groups.{group.Name}", null, group.Name));
            }
        }
    }

    /// <summary>Sets and policies by name; a change is applied on reload by re-evaluating the routes whose chains use them (no session resets).</summary>
    private static void ComparePolicy(PolicyConfig current, PolicyConfig next, List<ConfigChange> changes)
    {
        Named("prefix_sets", current.PrefixSets, next.PrefixSets, s => s.Name);
        Named("as_path_sets", current.AsPathSets, next.AsPathSets, s => s.Name);
        Named("community_sets", current.CommunitySets, next.CommunitySets, s => s.Name);
        Named("neighbor_sets", current.NeighborSets, next.NeighborSets, s => s.Name);
        Named("policies", current.Policies, next.Policies, p => p.Name);

        void Named<T>(string section, EquatableArray<T> before, EquatableArray<T> after, Func<T, string> name) where T : class
        {
            var old = before.ToDictionary(name);
            var @new = after.ToDictionary(name);
            foreach (var item in before)
            {
                string path = $"{section}.{name(item)}";
                if (!@new.TryGetValue(name(item), out var updated)) changes.Add(new ConfigChange(ChangeClass.AppliedOnReload, ChangeKind.Removed, path, name(item), null));
                else if (!item.Equals(updated)) changes.Add(new ConfigChange(ChangeClass.AppliedOnReload, ChangeKind.Changed, path, "(previous definition)", "(new definition)"));
            }
            foreach (var item in after)
                if (!old.ContainsKey(name(item))) changes.Add(new ConfigChange(ChangeClass.AppliedOnReload, ChangeKind.Added, $"{section}.{name(item)}", null, name(item)));
        }
    }

    private static string NeighborPath(IPAddress address) => $"neighbors[{address}]";

    private static string Format(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Format(bool value) => value ? "true" : "false";

    private static string Format(IPAddress value) => value.ToString();

    private static string Format(LogLevel value) => value.ToString().ToLowerInvariant();

    private static string Format(LogFormat value) => value.ToString().ToLowerInvariant();

    private static string Format<T>(EquatableArray<T> values) => "[" + string.Join(", ", values) + "]";

    private static string FormatListeners(EquatableArray<GrpcListenerConfig> listeners) =>
        "[" + string.Join(", ", listeners.Select(l =>
            $"{l}{(l.Kind == GrpcListenerKind.Unix ? $" mode 0o{Convert.ToString(l.Mode, 8)}" : l.Tls is null ? " plaintext" : " mtls")}"
            + $"{(l.ReadOnly ? " read-only" : "")}{(l.TokenFile is null ? "" : " token")}")) + "]";
}
