using System.Net;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// The loopback plan: our daemon at 127.0.1.1, each lab daemon kind at 127.N.0.1 with AS 6500N, where
/// N is 1 BIRD, 2 FRR, 3 OpenBGPD, 4 GoBGP, 5 ExaBGP. Next hops come from 198.18.0.0/15 (RFC 2544
/// benchmarking) and 2001:db8::/32 because GoBGP drops routes whose next hop is in 127/8.
/// </summary>
public static class LabAddresses
{
    /// <summary>Where bgpactorsd listens in interop tests.</summary>
    public static readonly IPAddress Daemon = IPAddress.Parse("127.0.1.1");

    /// <summary>The AS of bgpactorsd in interop tests.</summary>
    public const uint DaemonAs = 65000;

    /// <summary>N in 127.N.0.1 / AS 6500N for a kind.</summary>
    public static int Index(PeerKind kind) => kind switch
    {
        PeerKind.Bird => 1,
        PeerKind.Frr => 2,
        PeerKind.OpenBgpd => 3,
        PeerKind.GoBgp => 4,
        PeerKind.ExaBgp => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static IPAddress Of(PeerKind kind) => IPAddress.Parse($"127.{Index(kind)}.0.1");

    public static uint AsOf(PeerKind kind) => 65000u + (uint)Index(kind);

    public static string NextHop4Of(PeerKind kind) => $"198.18.0.{Index(kind)}";

    public static string NextHop6Of(PeerKind kind) => $"2001:db8:ffff::{Index(kind)}";

    /// <summary>True for 127.0.0.0/8 (and ::1): the lab never leaves loopback.</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address);
}
