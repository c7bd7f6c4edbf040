using System.Net;
using Bgp.Actors.Config.Toml;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>[[neighbors]] and [peer_groups.NAME]: the same settings, read once, resolved neighbor over group over default.</summary>
internal sealed partial class ConfigBinder
{
    private static readonly string[] SettingKeys =
    [
        "remote_asn", "description", "local_address", "passive", "hold_time", "connect_retry", "families", "md5_password",
        "ttl_security", "max_prefixes", "route_server_client", "route_reflector_client", "log_level",
        "import", "export", "next_hop_unchanged", "import_policy", "export_policy", "enabled", "remote_port",
        "open_timeout",
    ];
    private static readonly string[] NeighborKeys = ["address", .. SettingKeys, "peer_group"];

    /// <summary>The families a neighbor may name: AfiSafi's own spelling.</summary>
    private static readonly (string Name, AfiSafi Value)[] FamilyNames =
    [
        .. new[]
        {
            AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast, AfiSafi.Ipv4Multicast, AfiSafi.Ipv6Multicast,
            new AfiSafi(Afi.Ipv4, Safi.FlowSpec), new AfiSafi(Afi.Ipv6, Safi.FlowSpec),
        }.Select(f => (f.ToString(), f)),
    ];

    /// <summary>What one [[neighbors]] or [peer_groups.NAME] table says, before inheritance.</summary>
    private sealed class Settings(TomlTable table)
    {
        public TomlTable Table { get; } = table;
        public uint? RemoteAsn;
        public string? Description;
        public IPAddress? LocalAddress;
        public bool? Passive;
        public int? HoldTime;
        public int? ConnectRetry;
        public EquatableArray<AfiSafi>? Families;
        public string? Md5Password;
        public int? TtlSecurityHops;
        public MaxPrefixSetting? MaxPrefixes;
        public bool? RouteServerClient;
        public bool? RouteReflectorClient;
        public LogLevel? LogLevel;
        public bool? ImportNone;
        public bool? ExportNone;
        public bool? NextHopUnchanged;
        public EquatableArray<string>? ImportPolicy;
        public EquatableArray<string>? ExportPolicy;
        public bool? Enabled;
        public int? RemotePort;
        public int? OpenTimeout;

        public TomlSpan SpanOf(string key) => Table.TryGetValue(key, out var value) ? value.Span : Table.Span;
    }

    private sealed record Group(PeerGroupConfig Config, Settings Settings);

    private Dictionary<string, Group> BindPeerGroups(TomlTable table)
    {
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        foreach (var (key, value) in table)
        {
            if (value is not TomlTable groupTable)
            {
                WrongType($"peer_groups.{key.Name}", value, "a table ([peer_groups.NAME])");
                continue;
            }
            if (key.Name.Length is 0 or > 63 || !key.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                Error("invalid-name", "a peer group name is 1 to 63 letters, digits, `-` or `_`", key.Span, $"\"{key.Name}\" is not a valid name");
                continue;
            }
            var settings = new Settings(groupTable);
            foreach (var (settingKey, settingValue) in groupTable)
            {
                if (!BindSetting(settings, settingKey.Name, settingValue))
                {
                    UnknownKey(settingKey, $"[peer_groups.{key.Name}]", SettingKeys);
                }
            }
            groups[key.Name] = new Group(new PeerGroupConfig(key.Name, settings.Description, settings.RemoteAsn, settings.LocalAddress,
                settings.Passive, settings.HoldTime, settings.ConnectRetry, settings.Families, settings.Md5Password,
                settings.TtlSecurityHops, settings.MaxPrefixes, settings.RouteServerClient, settings.RouteReflectorClient,
                settings.LogLevel)
            {
                ImportNone = settings.ImportNone,
                ExportNone = settings.ExportNone,
                NextHopUnchanged = settings.NextHopUnchanged,
                ImportPolicy = settings.ImportPolicy,
                ExportPolicy = settings.ExportPolicy,
                Enabled = settings.Enabled,
                RemotePort = settings.RemotePort,
                OpenTimeout = settings.OpenTimeout,
            }, settings);
        }
        return groups;
    }

    private List<NeighborConfig> BindNeighbors(TomlArray array, Dictionary<string, Group> groups, GlobalConfig? global)
    {
        var neighbors = new List<NeighborConfig>(array.Count);
        var seen = new Dictionary<IPAddress, TomlSpan>(array.Count);
        foreach (TomlTable table in array.Cast<TomlTable>())
        {
            var settings = new Settings(table);
            IPAddress? address = null;
            Group? group = null;
            bool groupNamed = false;
            var entries = table.Entries;
            for (int i = 0; i < entries.Count; i++)   // indexed: no enumerator allocation per neighbor
            {
                var (key, value) = entries[i];
                switch (key.Name)
                {
                    case "address":
                        address = NeighborAddress(value);
                        if (address is not null && !seen.TryAdd(address, value.Span))
                        {
                            Error("duplicate", $"duplicate neighbor {address}", value.Span,
                                $"already defined at line {seen[address].Line}", "each neighbor address may appear once");
                            address = null;
                        }
                        break;
                    case "peer_group":
                        groupNamed = true;
                        group = PeerGroupReference(value, groups);
                        break;
                    default:
                        if (!BindSetting(settings, key.Name, value)) UnknownKey(key, "[[neighbors]]", NeighborKeys);
                        break;
                }
            }
            if (!table.ContainsKey("address"))
            {
                Error("missing-key", "missing key `address` in [[neighbors]]", table.Span, "this neighbor has no `address`");
            }
            if (address is null || (groupNamed && group is null)) continue;
            var resolved = Resolve(address, settings, group, global);
            if (resolved is not null) neighbors.Add(resolved);
        }
        return neighbors;
    }

    private IPAddress? NeighborAddress(TomlValue value)
    {
        var address = Address("address", value);
        if (address is null) return null;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6Multicast
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224))
        {
            Error("invalid-address", "`address` must be a unicast address", value.Span, $"{address} cannot be a BGP peer");
            return null;
        }
        if (address.IsIPv6LinkLocal)
        {
            Error("invalid-address", "link-local neighbor addresses are not supported yet", value.Span, $"{address} needs an interface",
                "use a global or unique-local address");
            return null;
        }
        return address;
    }

    private Group? PeerGroupReference(TomlValue value, Dictionary<string, Group> groups)
    {
        if (value is not TomlString name)
        {
            WrongType("peer_group", value, "a peer group name string");
            return null;
        }
        if (groups.TryGetValue(name.Value, out var group)) return group;
        string? suggestion = Suggest(name.Value, [.. groups.Keys]);
        Error("unknown-reference", $"unknown peer group `{name.Value}`", value.Span,
            suggestion is null ? "no [peer_groups] table has this name" : $"did you mean `{suggestion}`?",
            groups.Count == 0 ? "define it as [peer_groups." + name.Value + "]" : $"defined peer groups: {string.Join(", ", groups.Keys)}");
        return null;
    }

    /// <summary>Reads one inheritable setting; false when the key is not one.</summary>
    private bool BindSetting(Settings s, string key, TomlValue value)
    {
        switch (key)
        {
            case "remote_asn": s.RemoteAsn = Asn(key, value); break;
            case "description": s.Description = String(key, value, maxLength: 255); break;
            case "local_address": s.LocalAddress = Address(key, value); break;
            case "passive": s.Passive = Boolean(key, value); break;
            case "hold_time":
                s.HoldTime = (int?)Integer(key, value, 0, 65535, "0 or between 3 and 65535 seconds",
                    "RFC 4271 §4.2: the hold time is zero (no keepalives) or at least three seconds");
                if (s.HoldTime is 1 or 2)
                {
                    Error("out-of-range", $"`{key}` must be 0 or between 3 and 65535 seconds", value.Span, $"{s.HoldTime} is out of range",
                        "RFC 4271 §4.2: the hold time is zero (no keepalives) or at least three seconds");
                    s.HoldTime = null;
                }
                break;
            case "connect_retry": s.ConnectRetry = (int?)Integer(key, value, 1, 65535, "between 1 and 65535 seconds"); break;
            case "families": s.Families = Families(value); break;
            case "md5_password":
                s.Md5Password = String(key, value, maxLength: 80);  // Linux TCP_MD5SIG_MAXKEYLEN
                break;
            case "ttl_security":
                s.TtlSecurityHops = (int?)Integer(key, value, 1, 254, "a hop count between 1 and 254",
                    "RFC 5082 (GTSM): packets must arrive with TTL at least 255 minus this many hops");
                break;
            case "max_prefixes": s.MaxPrefixes = MaxPrefixes(value); break;
            case "route_server_client": s.RouteServerClient = Boolean(key, value); break;
            case "route_reflector_client": s.RouteReflectorClient = Boolean(key, value); break;
            case "log_level": s.LogLevel = Level(key, value); break;
            case "import": s.ImportNone = Keyword(key, value, Flows); break;
            case "export": s.ExportNone = Keyword(key, value, Flows); break;
            case "next_hop_unchanged": s.NextHopUnchanged = Boolean(key, value); break;
            case "import_policy": s.ImportPolicy = Chain(key, value); break;
            case "export_policy": s.ExportPolicy = Chain(key, value); break;
            case "enabled": s.Enabled = Boolean(key, value); break;
            case "remote_port": s.RemotePort = (int?)Integer(key, value, 1, 65535, "a TCP port between 1 and 65535"); break;
            case "open_timeout":
                s.OpenTimeout = (int?)Integer(key, value, 1, 240, "between 1 and 240 seconds",
                    "how long a new connection may take to send its OPEN; RFC 4271 §8.2.2 suggests at most 4 minutes");
                break;
            default: return false;
        }
        return true;
    }

    /// <summary><c>import</c>/<c>export</c>: "all" or "none" (the value stored is "none").</summary>
    private static readonly (string Name, bool Value)[] Flows = [("all", false), ("none", true)];

    private EquatableArray<AfiSafi>? Families(TomlValue value)
    {
        if (value is not TomlArray { IsArrayOfTables: false } array)
        {
            WrongType("families", value, "an array of family names such as [\"ipv4-unicast\"]");
            return null;
        }
        if (array.Count == 0)
        {
            Error("invalid-value", "`families` must name at least one family", value.Span, "empty list",
                "leave `families` out for the default (the neighbor address's unicast family)");
            return null;
        }
        var families = new List<AfiSafi>(array.Count);
        bool ok = true;
        foreach (var item in array)
        {
            if (Keyword("families", item, FamilyNames) is not AfiSafi family) ok = false;
            else if (families.Contains(family))
            {
                Error("duplicate", "`families` lists a family twice", item.Span, $"{family} is already listed");
                ok = false;
            }
            else families.Add(family);
        }
        if (!ok) return null;
        return new EquatableArray<AfiSafi>([.. families]);
    }

    private MaxPrefixSetting? MaxPrefixes(TomlValue value)
    {
        const string Range = "between 1 and 4294967295";
        if (value is TomlInteger)
        {
            return Integer("max_prefixes", value, 1, uint.MaxValue, Range) is long all ? new MaxPrefixSetting((uint)all, default) : null;
        }
        if (value is not TomlTable table)
        {
            WrongType("max_prefixes", value, "an integer, or a table of family = limit");
            return null;
        }
        var limits = new PrefixLimit[table.Count];
        bool ok = true;
        for (int i = 0; i < limits.Length; i++)
        {
            var (key, limitValue) = table.Entries[i];
            int family = FamilyIndex(key.Name);
            if (family < 0)
            {
                string? suggestion = Suggest(key.Name, [.. FamilyNames.Select(f => f.Name)]);
                Error("invalid-value", $"unknown family `{key.Name}` in `max_prefixes`", key.Span,
                    suggestion is null ? "not a family name" : $"did you mean `{suggestion}`?",
                    $"families: {string.Join(", ", FamilyNames.Select(f => f.Name))}");
                ok = false;
            }
            else if (Integer("max_prefixes", limitValue, 1, uint.MaxValue, Range) is long limit)
            {
                limits[i] = new PrefixLimit(FamilyNames[family].Value, (uint)limit);
            }
            else ok = false;
        }
        return ok ? new MaxPrefixSetting(null, new(limits)) : null;
    }

    private static int FamilyIndex(string name)
    {
        for (int i = 0; i < FamilyNames.Length; i++)
        {
            if (FamilyNames[i].Name == name) return i;
        }
        return -1;
    }
}
