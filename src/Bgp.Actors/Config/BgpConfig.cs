using System.Net;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>
/// The daemon's configuration after binding and validation: immutable, every default filled in,
/// every neighbor resolved against its peer group. Records compare by value (arrays are
/// <see cref="EquatableArray{T}"/>), which is what <see cref="ConfigDiff"/> relies on.
/// The keys, defaults and rules are documented in docs/CONFIGURATION.md.
/// </summary>
public sealed record BgpConfig(
    GlobalConfig Global,
    EquatableArray<NeighborConfig> Neighbors,
    EquatableArray<PeerGroupConfig> PeerGroups)
{
    /// <summary>Parses and validates TOML text; all problems come back together as diagnostics.</summary>
    public static ConfigLoadResult Parse(string text, string fileName) => ConfigBinder.Bind(text, fileName);

    /// <summary>Validates an already parsed document (what <see cref="Persistence.ConfigStore"/> does after each edit).</summary>
    public static ConfigLoadResult Bind(Toml.TomlDocument document) => ConfigBinder.Bind(document);

    /// <summary>Reads and validates a file; a missing or unreadable file is a diagnostic too, never an exception.</summary>
    public static ConfigLoadResult Load(string path) => ConfigBinder.BindFile(path);

    /// <summary>Named sets and policies (the chains are on the global, peer-group and neighbor tables).</summary>
    public PolicyConfig Policy { get; init; } = PolicyConfig.Empty;

    public NeighborConfig? FindNeighbor(IPAddress address) =>
        Neighbors.FirstOrDefault(n => n.Address.Equals(address));
}

public enum LogLevel
{
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

public enum LogFormat
{
    Text,
    Json,
}

public sealed record GlobalConfig(
    uint Asn,
    IPAddress RouterId,
    EquatableArray<IPAddress> ListenAddresses,
    int ListenPort,
    string RuntimeStateDir,
    IPAddress? ClusterId,
    TelemetryConfig Telemetry)
{
    public const int DefaultListenPort = 179;                  // RFC 4271 §8.2.1
    public const string DefaultRuntimeStateDir = "/var/lib/bgpactors";

    /// <summary>Both wildcards: a dual-stack daemon unless the operator narrows it.</summary>
    public static EquatableArray<IPAddress> DefaultListenAddresses => new([IPAddress.Any, IPAddress.IPv6Any]);

    /// <summary><c>always_compare_med</c>: compare MED between routes from different neighbouring ASes.</summary>
    public bool AlwaysCompareMed { get; init; }

    /// <summary><c>deterministic_med</c>: pick the best route per neighbouring AS first, so the result does not depend on arrival order.</summary>
    public bool DeterministicMed { get; init; } = true;

    /// <summary><c>import_policy</c>: policies every neighbor's routes go through first, in order.</summary>
    public EquatableArray<string> ImportPolicy { get; init; }

    /// <summary><c>export_policy</c>: policies every route goes through first on its way to any neighbor.</summary>
    public EquatableArray<string> ExportPolicy { get; init; }

    /// <summary>RFC 4456 §7: the CLUSTER_ID defaults to the router ID.</summary>
    public IPAddress EffectiveClusterId => ClusterId ?? RouterId;
}

public sealed record TelemetryConfig(
    LogFormat LogFormat,
    LogLevel LogLevel,
    EndpointAddress? PrometheusAddress,
    EndpointAddress? LookingGlassAddress,
    EquatableArray<GrpcListenerConfig> GrpcListeners);

/// <summary>A TCP endpoint written <c>host:port</c> or <c>[v6]:port</c>; the host is an IP address.</summary>
public sealed record EndpointAddress(IPAddress Address, int Port)
{
    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}

public enum GrpcListenerKind
{
    Unix,
    Tcp,
}

/// <summary>
/// One gRPC listener. A Unix socket has a <see cref="Path"/> and a file <see cref="Mode"/>; a TCP
/// listener has an <see cref="Endpoint"/> and, for mutual TLS, all three of the certificate, key and
/// client CA. <see cref="ReadOnly"/> refuses mutating RPCs; <see cref="TokenFile"/> holds a bearer
/// token clients must present.
/// </summary>
public sealed record GrpcListenerConfig(
    GrpcListenerKind Kind,
    string? Path,
    int Mode,
    EndpointAddress? Endpoint,
    TlsConfig? Tls,
    bool ReadOnly,
    string? TokenFile)
{
    public const int DefaultUnixMode = 0b110_000_000;           // 0600: the daemon's user only
    public const string DefaultSocketName = "grpc.sock";

    public static GrpcListenerConfig DefaultUnix(string runtimeStateDir) =>
        new(GrpcListenerKind.Unix, System.IO.Path.Combine(runtimeStateDir, DefaultSocketName), DefaultUnixMode, null, null, false, null);

    public override string ToString() => Kind == GrpcListenerKind.Unix ? $"unix:{Path}" : $"tcp:{Endpoint}";
}

public sealed record TlsConfig(string CertFile, string KeyFile, string ClientCaFile);

/// <summary>A prefix limit for one family (RFC 4486 §4 cease subcode 1 when exceeded).</summary>
public readonly record struct PrefixLimit(AfiSafi Family, uint Limit)
{
    public override string ToString() => $"{Family}={Limit}";
}

/// <summary>
/// <c>max_prefixes</c> as written: one limit for every enabled family, or a limit per family.
/// </summary>
public sealed record MaxPrefixSetting(uint? Uniform, EquatableArray<PrefixLimit> PerFamily)
{
    /// <summary>The limits for the families a neighbor actually enables.</summary>
    public EquatableArray<PrefixLimit> Resolve(EquatableArray<AfiSafi> families) => Uniform is uint all
        ? new([.. families.Select(f => new PrefixLimit(f, all))])
        : PerFamily;
}

/// <summary>A neighbor with its peer group's settings folded in: what the session will use.</summary>
public sealed record NeighborConfig(
    IPAddress Address,
    uint RemoteAsn,
    string? Description,
    IPAddress? LocalAddress,
    bool Passive,
    int HoldTime,
    int ConnectRetry,
    EquatableArray<AfiSafi> Families,
    string? Md5Password,
    int? TtlSecurityHops,
    EquatableArray<PrefixLimit> MaxPrefixes,
    bool RouteServerClient,
    bool RouteReflectorClient,
    LogLevel LogLevel,
    string? PeerGroup)
{
    public const int DefaultHoldTime = 90;                      // RFC 4271 §10 suggests 90 s
    public const int DefaultConnectRetry = 30;                  // RFC 4271 §10: 120 s suggested; 30 s is today's practice
    public const int DefaultRemotePort = 179;                   // RFC 4271 §8.2.1
    public const int DefaultOpenTimeout = 15;                   // RFC 4271 suggests 240 s for OpenSent; a silent connection must not hold a neighbor that long

    /// <summary><c>enabled = false</c>: the session stays Idle (no connecting out, incoming connections refused) until enabled.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>remote_port</c>: the TCP port we connect to (the listener's port is global).</summary>
    public int RemotePort { get; init; } = DefaultRemotePort;

    /// <summary>
    /// <c>open_timeout</c>: seconds a connection may take, after our OPEN, to send its own before it is
    /// dropped (the OpenSent hold time of RFC 4271 §8.2.2).
    /// </summary>
    public int OpenTimeout { get; init; } = DefaultOpenTimeout;

    /// <summary><c>import = "none"</c>: routes from the neighbor are kept (Adj-RIB-In) but never used.</summary>
    public bool ImportNone { get; init; }

    /// <summary><c>export = "none"</c>: nothing is advertised to the neighbor.</summary>
    public bool ExportNone { get; init; }

    /// <summary><c>next_hop_unchanged = true</c>: routes go to this eBGP neighbor with their next hop as received.</summary>
    public bool NextHopUnchanged { get; init; }

    /// <summary><c>import_policy</c> (the neighbor's, else its peer group's): applied after the global chain.</summary>
    public EquatableArray<string> ImportPolicy { get; init; }

    /// <summary><c>export_policy</c> (the neighbor's, else its peer group's): applied after the global chain.</summary>
    public EquatableArray<string> ExportPolicy { get; init; }

    /// <summary>Internal (iBGP) when the remote AS equals ours.</summary>
    public bool IsInternal(GlobalConfig global) => RemoteAsn == global.Asn;

    /// <summary>The password is never printed, only whether one is set.</summary>
    public override string ToString() => $"neighbor {Address} AS{RemoteAsn}";
}

/// <summary>
/// A peer group as written: every key optional; a member neighbor takes each key it does not set
/// itself from here. <see cref="Description"/> describes the group and is not inherited.
/// </summary>
public sealed record PeerGroupConfig(
    string Name,
    string? Description,
    uint? RemoteAsn,
    IPAddress? LocalAddress,
    bool? Passive,
    int? HoldTime,
    int? ConnectRetry,
    EquatableArray<AfiSafi>? Families,
    string? Md5Password,
    int? TtlSecurityHops,
    MaxPrefixSetting? MaxPrefixes,
    bool? RouteServerClient,
    bool? RouteReflectorClient,
    LogLevel? LogLevel)
{
    public bool? ImportNone { get; init; }
    public bool? ExportNone { get; init; }
    public bool? NextHopUnchanged { get; init; }
    public EquatableArray<string>? ImportPolicy { get; init; }
    public EquatableArray<string>? ExportPolicy { get; init; }
    public bool? Enabled { get; init; }
    public int? RemotePort { get; init; }
    public int? OpenTimeout { get; init; }
}
