namespace Bgp.Interop.Tests.Lab;

/// <summary>The BGP implementations the lab can run as test peers.</summary>
public enum PeerKind
{
    Frr,
    Bird,
    GoBgp,
    OpenBgpd,
    ExaBgp,
}
