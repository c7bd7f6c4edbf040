using System.Net;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// How to configure one lab daemon: one eBGP session over IPv4 loopback from <see cref="LocalAddress"/> to
/// <see cref="RemoteAddress"/>, IPv4 unicast always and IPv6 unicast over the same session when
/// <see cref="Ipv6"/> is set (RFC 4760), announcing the given prefixes with the given next hops.
/// <see cref="For"/> gives the per-kind defaults of <see cref="LabAddresses"/>, peering with our daemon.
/// </summary>
public sealed record LabPeerOptions
{
    public required IPAddress LocalAddress { get; init; }
    public required uint LocalAs { get; init; }
    public IPAddress RemoteAddress { get; init; } = LabAddresses.Daemon;
    public uint RemoteAs { get; init; } = LabAddresses.DaemonAs;

    /// <summary>BGP identifier; the local address when null.</summary>
    public IPAddress? RouterId { get; init; }

    /// <summary>Hold time offered in OPEN (seconds); keepalive is a third of it.</summary>
    public int HoldTime { get; init; } = 9;

    /// <summary>Connect-retry (and BIRD's connect delay / error wait) in seconds.</summary>
    public int ConnectRetry { get; init; } = 1;

    /// <summary>True: the peer never opens the TCP connection and waits for us to connect.</summary>
    public bool Passive { get; init; }

    /// <summary>Negotiate IPv6 unicast on the IPv4 session and announce <see cref="Ipv6Routes"/>.</summary>
    public bool Ipv6 { get; init; } = true;

    /// <summary>TCP MD5 signature key (RFC 2385); null for none. No spaces, commas or quotes.</summary>
    public string? Md5Password { get; init; }

    /// <summary>GTSM (RFC 5082) with this many hops (the peer accepts TTL &gt;= 256 - hops); null for plain eBGP multihop.</summary>
    public int? TtlSecurity { get; init; }

    /// <summary>eBGP multihop TTL used when <see cref="TtlSecurity"/> is null (distinct loopback addresses are multihop).</summary>
    public int Multihop { get; init; } = 8;

    public IReadOnlyList<string> Ipv4Routes { get; init; } = [];
    public IReadOnlyList<string> Ipv6Routes { get; init; } = [];

    /// <summary>Next hop of the announced IPv4 routes; keep it outside 127/8 (GoBGP drops those).</summary>
    public string NextHop4 { get; init; } = "198.18.0.1";

    /// <summary>Global IPv6 next hop of the announced IPv6 routes (the session itself is IPv4).</summary>
    public string NextHop6 { get; init; } = "2001:db8:ffff::1";

    /// <summary>Session / protocol name where the daemon has one (BIRD protocol, FRR description).</summary>
    public string Name { get; init; } = "lab";

    /// <summary>
    /// The remote side is a route server (RFC 7947): its routes' AS_PATH starts with the announcing
    /// client's AS, not its own. Daemons that check the first AS (OpenBGPD) are told not to.
    /// </summary>
    public bool RemoteIsRouteServer { get; init; }

    /// <summary>GoBGP gRPC port on 127.0.0.1; a free one is picked when null.</summary>
    public int? GoBgpApiPort { get; init; }

    /// <summary>The defaults of <see cref="LabAddresses"/> for a kind, peering with our daemon at 127.0.1.1 AS 65000.</summary>
    public static LabPeerOptions For(PeerKind kind) => new()
    {
        LocalAddress = LabAddresses.Of(kind),
        LocalAs = LabAddresses.AsOf(kind),
        NextHop4 = LabAddresses.NextHop4Of(kind),
        NextHop6 = LabAddresses.NextHop6Of(kind),
        Ipv4Routes = [$"10.{LabAddresses.Index(kind)}.0.0/24", $"10.{LabAddresses.Index(kind)}.1.0/24"],
        Ipv6Routes = [$"2001:db8:{LabAddresses.Index(kind)}::/48"],
    };

    /// <summary>Throws <see cref="ArgumentException"/> for anything that would leave loopback or break a config file.</summary>
    public void Validate()
    {
        foreach (var (name, address) in new[] { (nameof(LocalAddress), LocalAddress), (nameof(RemoteAddress), RemoteAddress) })
            if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !IPAddress.IsLoopback(address))
                throw new ArgumentException($"{name} {address} is not an IPv4 loopback address (127.0.0.0/8)");
        if (HoldTime is not 0 and < 3) throw new ArgumentException($"HoldTime {HoldTime}: RFC 4271 §4.2 allows 0 or at least 3");
        if (ConnectRetry < 1) throw new ArgumentException($"ConnectRetry {ConnectRetry} must be at least 1 s");
        if (TtlSecurity is < 1 or > 254) throw new ArgumentException($"TtlSecurity {TtlSecurity} must be 1..254 hops");
        if (Md5Password is { } pw && (pw.Length == 0 || pw.Any(c => char.IsWhiteSpace(c) || c is ',' or '"' or '\'' or '{' or '}')))
            throw new ArgumentException("Md5Password must be non-empty without spaces, commas, quotes or braces");
        if (Name.Length == 0 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"Name '{Name}' must be ASCII letters, digits or '_'");
        foreach (var p in Ipv4Routes)
            if (!IPNetwork.TryParse(p, out var n) || n.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                throw new ArgumentException($"'{p}' is not an IPv4 prefix");
        foreach (var p in Ipv6Routes)
            if (!IPNetwork.TryParse(p, out var n) || n.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                throw new ArgumentException($"'{p}' is not an IPv6 prefix");
        if (!IPAddress.TryParse(NextHop4, out var nh4) || nh4.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new ArgumentException($"NextHop4 '{NextHop4}' is not an IPv4 address");
        if (!IPAddress.TryParse(NextHop6, out var nh6) || nh6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            throw new ArgumentException($"NextHop6 '{NextHop6}' is not an IPv6 address");
    }
}
