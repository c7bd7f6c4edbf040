using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config.Diagnostics;
using Bgp.Actors.Config.Toml;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>
/// Binds a TOML document to <see cref="BgpConfig"/>. One pass over each table: every key is
/// either consumed by a typed reader or reported as unknown, and reading carries on after an error
/// so that one run reports everything wrong with the file. Cross-references (peer groups,
/// duplicate neighbors, family-dependent limits) are checked once the tables are read.
/// </summary>
internal sealed partial class ConfigBinder
{
    private static readonly string[] TopKeys = ["global", "neighbors", "peer_groups", "prefix_sets", "as_path_sets", "community_sets", "neighbor_sets", "policies"];
    private static readonly string[] GlobalKeys =
        ["asn", "router_id", "listen_addresses", "listen_port", "runtime_state_dir", "cluster_id", "always_compare_med", "deterministic_med",
         "import_policy", "export_policy", "telemetry"];
    private static readonly string[] TelemetryKeys =
        ["log_format", "log_level", "prometheus_address", "looking_glass_address", "grpc_listeners"];
    private static readonly string[] GrpcKeys = ["unix", "tcp", "mode", "tls_cert", "tls_key", "tls_client_ca", "read_only", "token_file"];
    private static readonly (string Name, LogFormat Value)[] LogFormats = [("text", LogFormat.Text), ("json", LogFormat.Json)];

    private readonly List<ConfigDiagnostic> _diagnostics = [];
    private readonly TomlSpan _rootSpan;

    private ConfigBinder(TomlDocument document) =>
        _rootSpan = new TomlSpan(document.Root.Span.Source!, 0, 0);

    public static ConfigLoadResult Bind(string text, string fileName)
    {
        var parsed = TomlDocument.Parse(text, fileName);
        return parsed.Document is null
            ? new ConfigLoadResult(null, null, [.. parsed.Diagnostics.Select(ConfigDiagnostic.FromToml)])
            : Bind(parsed.Document);
    }

    public static ConfigLoadResult BindFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            return new ConfigLoadResult(null, null, [ConfigDiagnostic.ForFile(path, "unreadable-file", $"cannot read `{path}`: {why}")]);
        }
        var parsed = TomlDocument.Parse(bytes, path);
        return parsed.Document is null
            ? new ConfigLoadResult(null, null, [.. parsed.Diagnostics.Select(ConfigDiagnostic.FromToml)])
            : Bind(parsed.Document);
    }

    public static ConfigLoadResult Bind(TomlDocument document)
    {
        var binder = new ConfigBinder(document);
        var config = binder.BindRoot(document.Root);
        // Report in file order, as an editor would list them (OrderBy is stable: same spot, found order).
        var diagnostics = binder._diagnostics.OrderBy(d => d.Span.Offset).ToList();
        return new ConfigLoadResult(diagnostics.Count == 0 ? config : null, document, diagnostics);
    }

    private BgpConfig? BindRoot(TomlTable root)
    {
        TomlTable? globalTable = null;
        TomlArray? neighborArray = null;
        TomlTable? groupTable = null;
        foreach (var (key, value) in root)
        {
            switch (key.Name)
            {
                case "global" when value is TomlTable table: globalTable = table; break;
                case "neighbors" when value is TomlArray array: neighborArray = array; break;
                case "peer_groups" when value is TomlTable table: groupTable = table; break;
                case "global": WrongType("global", value, "a table ([global])"); break;
                case "neighbors": WrongType("neighbors", value, "an array of tables ([[neighbors]])"); break;
                case "peer_groups": WrongType("peer_groups", value, "a table of tables ([peer_groups.NAME])"); break;
                case "prefix_sets" or "as_path_sets" or "community_sets" or "neighbor_sets" or "policies": break;   // BindPolicy
                default: UnknownKey(key, "the top level", TopKeys); break;
            }
        }

        var policy = BindPolicy(root, groupTable is null ? [] : [.. groupTable.Keys]);
        GlobalConfig? global = null;
        if (globalTable is null)
        {
            Error("missing-key", "missing table `[global]`", _rootSpan, "expected `[global]` with `asn` and `router_id`",
                "the smallest valid file is a [global] table with `asn = 64500` and `router_id = \"192.0.2.1\"` (your values)");
        }
        else
        {
            global = BindGlobal(globalTable);
        }

        var groups = groupTable is null ? [] : BindPeerGroups(groupTable);
        var neighbors = neighborArray is null ? [] : BindNeighbors(neighborArray, groups, global);
        if (global is null || _diagnostics.Count > 0) return null;
        return new BgpConfig(global, new([.. neighbors]), new([.. groups.Values.Select(g => g.Config)])) { Policy = policy };
    }

    private GlobalConfig? BindGlobal(TomlTable table)
    {
        uint? asn = null;
        IPAddress? routerId = null, clusterId = null;
        EquatableArray<IPAddress> listen = GlobalConfig.DefaultListenAddresses;
        int port = GlobalConfig.DefaultListenPort;
        string stateDir = GlobalConfig.DefaultRuntimeStateDir;
        TomlTable? telemetryTable = null;
        bool? alwaysCompareMed = null, deterministicMed = null;
        EquatableArray<string> importPolicy = default, exportPolicy = default;
        bool ok = true;
        foreach (var (key, value) in table)
        {
            switch (key.Name)
            {
                case "asn": ok &= (asn = Asn("asn", value)) is not null; break;
                case "router_id": ok &= (routerId = RouterId("router_id", value)) is not null; break;
                case "cluster_id": ok &= (clusterId = RouterId("cluster_id", value)) is not null; break;
                case "always_compare_med": ok &= (alwaysCompareMed = Boolean("always_compare_med", value)) is not null; break;
                case "deterministic_med": ok &= (deterministicMed = Boolean("deterministic_med", value)) is not null; break;
                case "listen_addresses": ok &= ListenAddresses(value, ref listen); break;
                case "listen_port": ok &= Assign(Integer("listen_port", value, 1, 65535, "a TCP port between 1 and 65535"), ref port); break;
                case "runtime_state_dir": ok &= AssignRef(AbsolutePath("runtime_state_dir", value), ref stateDir); break;
                case "import_policy": ok &= Assign(Chain(key.Name, value), ref importPolicy); break;
                case "export_policy": ok &= Assign(Chain(key.Name, value), ref exportPolicy); break;
                case "telemetry" when value is TomlTable t: telemetryTable = t; break;
                case "telemetry": WrongType("telemetry", value, "a table ([global.telemetry])"); ok = false; break;
                default: UnknownKey(key, "[global]", GlobalKeys); ok = false; break;
            }
        }
        if (asn is null && !table.ContainsKey("asn"))
        {
            Error("missing-key", "missing key `asn` in [global]", table.Span, "this table needs `asn = <local AS number>`");
        }
        if (routerId is null && !table.ContainsKey("router_id"))
        {
            Error("missing-key", "missing key `router_id` in [global]", table.Span, "this table needs `router_id = \"<IPv4 address>\"`",
                "RFC 6286: the BGP Identifier is a non-zero 32-bit value, written as an IPv4 address");
        }
        var telemetry = BindTelemetry(telemetryTable, stateDir);
        if (!ok || asn is null || routerId is null || telemetry is null) return null;
        return new GlobalConfig(asn.Value, routerId, listen, port, stateDir, clusterId, telemetry)
        {
            AlwaysCompareMed = alwaysCompareMed ?? false,
            DeterministicMed = deterministicMed ?? true,
            ImportPolicy = importPolicy,
            ExportPolicy = exportPolicy,
        };
    }

    /// <summary>RFC 6286 §2.1: the BGP Identifier (and RFC 4456 CLUSTER_ID) is a non-zero 4-octet value.</summary>
    private IPAddress? RouterId(string key, TomlValue value)
    {
        var address = Address(key, value, v4Only: true);
        if (address is not null && address.Equals(IPAddress.Any))
        {
            Error("invalid-address", $"`{key}` must not be 0.0.0.0", value.Span, "zero is not a valid identifier",
                "RFC 6286 §2.1: the BGP Identifier is a non-zero 32-bit unsigned integer");
            return null;
        }
        return address;
    }

    private bool ListenAddresses(TomlValue value, ref EquatableArray<IPAddress> listen)
    {
        if (value is not TomlArray { IsArrayOfTables: false } array)
        {
            WrongType("listen_addresses", value, "an array of IP address strings");
            return false;
        }
        var addresses = new List<IPAddress>();
        bool ok = true;
        foreach (var item in array)
        {
            var address = Address("listen_addresses", item);
            if (address is null) ok = false;
            else if (addresses.Contains(address))
            {
                Error("duplicate", "`listen_addresses` lists an address twice", item.Span, $"{address} is already listed");
                ok = false;
            }
            else addresses.Add(address);
        }
        listen = new([.. addresses]);
        return ok;
    }

    private TelemetryConfig? BindTelemetry(TomlTable? table, string stateDir)
    {
        var format = LogFormat.Text;
        var level = LogLevel.Info;
        EndpointAddress? prometheus = null, lookingGlass = null;
        var listeners = new EquatableArray<GrpcListenerConfig>([GrpcListenerConfig.DefaultUnix(stateDir)]);
        bool ok = true;
        foreach (var (key, value) in table?.Entries ?? [])
        {
            switch (key.Name)
            {
                case "log_format": ok &= Assign(Keyword("log_format", value, LogFormats), ref format); break;
                case "log_level": ok &= Assign(Level("log_level", value), ref level); break;
                case "prometheus_address": ok &= (prometheus = Endpoint("prometheus_address", value)) is not null; break;
                case "looking_glass_address": ok &= (lookingGlass = Endpoint("looking_glass_address", value)) is not null; break;
                case "grpc_listeners" when value is TomlArray { IsArrayOfTables: true } array:
                    var bound = array.Select(e => BindGrpcListener((TomlTable)e)).ToList();
                    ok &= bound.All(l => l is not null) && NoDuplicateListeners(array, bound!);
                    listeners = new([.. bound.Where(l => l is not null).Select(l => l!)]);
                    break;
                case "grpc_listeners": WrongType("grpc_listeners", value, "an array of tables ([[global.telemetry.grpc_listeners]])"); ok = false; break;
                default: UnknownKey(key, "[global.telemetry]", TelemetryKeys); ok = false; break;
            }
        }
        return ok ? new TelemetryConfig(format, level, prometheus, lookingGlass, listeners) : null;
    }

    private GrpcListenerConfig? BindGrpcListener(TomlTable table)
    {
        string? unix = null, tokenFile = null;
        EndpointAddress? tcp = null;
        int mode = GrpcListenerConfig.DefaultUnixMode;
        bool readOnly = false, ok = true;
        var tls = new Dictionary<string, (string? Path, TomlSpan Span)>();
        foreach (var (key, value) in table)
        {
            switch (key.Name)
            {
                case "unix": ok &= (unix = AbsolutePath("unix", value)) is not null; break;
                case "tcp": ok &= (tcp = Endpoint("tcp", value)) is not null; break;
                case "mode": ok &= Assign(SocketMode(value), ref mode); break;
                case "read_only": ok &= Assign(Boolean("read_only", value), ref readOnly); break;
                case "token_file": ok &= (tokenFile = AbsolutePath("token_file", value)) is not null; break;
                case "tls_cert" or "tls_key" or "tls_client_ca":
                    string? path = AbsolutePath(key.Name, value);
                    ok &= path is not null;
                    tls[key.Name] = (path, key.Span);
                    break;
                default: UnknownKey(key, "[[global.telemetry.grpc_listeners]]", GrpcKeys); ok = false; break;
            }
        }
        if (table.ContainsKey("unix") == table.ContainsKey("tcp"))
        {
            Error("conflict", "a gRPC listener needs exactly one of `unix` and `tcp`", table.Span,
                table.ContainsKey("unix") ? "both `unix` and `tcp` are set" : "neither `unix` nor `tcp` is set",
                "write one [[global.telemetry.grpc_listeners]] table per listener");
            return null;
        }
        bool isUnix = table.ContainsKey("unix");
        foreach (string name in isUnix ? ["tls_cert", "tls_key", "tls_client_ca"] : new[] { "mode" })
        {
            if (!table.TryGetKey(name, out var misplaced)) continue;
            Error("conflict", $"`{name}` does not apply to a {(isUnix ? "Unix socket" : "TCP")} listener", misplaced.Span,
                isUnix ? "TLS settings are for `tcp` listeners" : "`mode` is for `unix` listeners");
            return null;
        }
        TlsConfig? tlsConfig = null;
        if (tls.Count is 1 or 2)
        {
            string missing = string.Join(", ", new[] { "tls_cert", "tls_key", "tls_client_ca" }.Where(k => !tls.ContainsKey(k)).Select(k => $"`{k}`"));
            Error("conflict", "mutual TLS needs `tls_cert`, `tls_key` and `tls_client_ca` together", tls.Values.First().Span,
                $"missing {missing}", "set all three for mutual TLS, or none for a plaintext listener on a loopback address");
            return null;
        }
        if (tls.Count == 3 && ok) tlsConfig = new TlsConfig(tls["tls_cert"].Path!, tls["tls_key"].Path!, tls["tls_client_ca"].Path!);
        if (tcp is not null && tlsConfig is null && !IPAddress.IsLoopback(tcp.Address))
        {
            Error("insecure-listener", "a plaintext gRPC listener must be on a loopback address", table["tcp"].Span,
                $"{tcp.Address} is reachable from the network",
                "set `tls_cert`, `tls_key` and `tls_client_ca` for mutual TLS, or listen on 127.0.0.1 or [::1]");
            return null;
        }
        if (!ok) return null;
        return unix is not null
            ? new GrpcListenerConfig(GrpcListenerKind.Unix, unix, mode, null, null, readOnly, tokenFile)
            : new GrpcListenerConfig(GrpcListenerKind.Tcp, null, 0, tcp, tlsConfig, readOnly, tokenFile);
    }

    /// <summary>A file mode, best written in octal (0o600). Other users may never connect.</summary>
    private int? SocketMode(TomlValue value)
    {
        long? mode = Integer("mode", value, 0, 0b111_111_111, "a file mode between 0o000 and 0o777");
        if (mode is long m && (m & 0b111) != 0)
        {
            Error("insecure-listener", "`mode` must not grant access to other users", value.Span,
                $"0o{Convert.ToString(m, 8)} lets any local user drive the daemon", "use 0o600, or 0o660 for a trusted group");
            return null;
        }
        return (int?)mode;
    }

    private bool NoDuplicateListeners(TomlArray array, List<GrpcListenerConfig> listeners)
    {
        for (int i = 1; i < listeners.Count; i++)
        {
            int first = listeners.FindIndex(l => l.ToString() == listeners[i].ToString());
            if (first < i)
            {
                Error("duplicate", "duplicate gRPC listener", array[i].Span, $"{listeners[i]} is already listed at line {array[first].Span.Line}");
                return false;
            }
        }
        return true;
    }

    private static bool Assign<T>(T? value, ref T target) where T : struct
    {
        if (value is null) return false;
        target = value.Value;
        return true;
    }

    private static bool Assign(long? value, ref int target)
    {
        if (value is null) return false;
        target = (int)value.Value;
        return true;
    }

    private static bool AssignRef<T>(T? value, ref T target) where T : class
    {
        if (value is null) return false;
        target = value;
        return true;
    }
}
