using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>
/// What our OPEN and the peer's agreed on, computed once by <see cref="SessionNegotiator"/> when the
/// peer's OPEN is accepted and handed out with <see cref="SessionEstablished"/>.
/// </summary>
public sealed record NegotiatedSession
{
    /// <summary>The peer's 4-octet AS (RFC 6793: the capability's value when present).</summary>
    public required uint PeerAs { get; init; }

    /// <summary>The peer's BGP identifier, host order.</summary>
    public required uint PeerBgpId { get; init; }

    /// <summary>The smaller of both hold times (RFC 4271 §4.2); zero means no hold or keepalive timers.</summary>
    public required TimeSpan HoldTime { get; init; }

    /// <summary>One third of the hold time in whole seconds, at least one second (RFC 4271 §4.4); zero when the hold time is zero.</summary>
    public required TimeSpan KeepaliveTime { get; init; }

    /// <summary>Families both sides announced (RFC 4760 §8); a side without any Multiprotocol capability counts as IPv4 unicast. May be empty.</summary>
    public required FamilySet Families { get; init; }

    /// <summary>The encoding the session uses: AS width, message size, add-path per family and direction.</summary>
    public required CodecContext Codec { get; init; }

    /// <summary>Both sent Route Refresh (RFC 2918), counting the pre-standard code 128.</summary>
    public required bool RouteRefresh { get; init; }

    /// <summary>Both sent Enhanced Route Refresh (RFC 7313).</summary>
    public required bool EnhancedRouteRefresh { get; init; }

    /// <summary>The peer's Graceful Restart capability (RFC 4724), or null.</summary>
    public GracefulRestartCapability? GracefulRestart { get; init; }

    /// <summary>The peer's Long-Lived Graceful Restart capability (RFC 9494), or null.</summary>
    public LongLivedGracefulRestartCapability? LongLivedGr { get; init; }

    /// <summary>The peer's BGP Role (RFC 9234), or null.</summary>
    public BgpRole? PeerRole { get; init; }

    /// <summary>The peer's host and domain name (draft-walton-bgp-hostname-capability), or null.</summary>
    public FqdnCapability? PeerFqdn { get; init; }

    /// <summary>The peer's software version (draft-ietf-idr-software-version), or null.</summary>
    public string? PeerSoftwareVersion { get; init; }

    /// <summary>The peer's OPEN as received.</summary>
    public required OpenMessage PeerOpen { get; init; }

    public bool FourOctetAs => Codec.FourOctetAs;
    public bool ExtendedMessages => Codec.ExtendedMessages;

    /// <summary>Families in which the peer sends us path identifiers (RFC 7911).</summary>
    public FamilySet ReceiveAddPath => Codec.ReceiveAddPath;

    /// <summary>Families in which we send the peer path identifiers (RFC 7911).</summary>
    public FamilySet SendAddPath => Codec.SendAddPath;

    public bool IsInternal => Codec.PeerKind == PeerKind.Internal;
}
