using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>
/// Combines our OPEN with the peer's into a <see cref="NegotiatedSession"/>. Pure; expects an OPEN
/// that <see cref="OpenValidator"/> accepted.
/// </summary>
public static class SessionNegotiator
{
    public static NegotiatedSession Negotiate(FsmSettings settings, OpenMessage peer)
    {
        var local = settings.LocalOpen;
        var hold = NegotiateHoldTime(settings.HoldTime, peer.HoldTime);
        uint peerAs = peer.EffectiveAs;
        var kind = peerAs == settings.LocalAs ? PeerKind.Internal : PeerKind.External;
        return new NegotiatedSession
        {
            PeerAs = peerAs,
            PeerBgpId = peer.BgpIdentifier,
            HoldTime = hold,
            KeepaliveTime = KeepaliveFor(hold),
            Families = CommonFamilies(local, peer),
            Codec = CodecContext.Negotiate(local, peer, kind),
            RouteRefresh = HasRouteRefresh(local) && HasRouteRefresh(peer),
            EnhancedRouteRefresh = local.Find<EnhancedRouteRefreshCapability>() is not null
                                   && peer.Find<EnhancedRouteRefreshCapability>() is not null,
            GracefulRestart = peer.Find<GracefulRestartCapability>(),
            LongLivedGr = peer.Find<LongLivedGracefulRestartCapability>(),
            PeerRole = peer.Find<BgpRoleCapability>()?.Role,
            PeerFqdn = peer.Find<FqdnCapability>(),
            PeerSoftwareVersion = peer.Find<SoftwareVersionCapability>()?.Version,
            PeerOpen = peer,
        };
    }

    /// <summary>RFC 4271 §4.2: the smaller of the two hold times; zero on either side means zero.</summary>
    public static TimeSpan NegotiateHoldTime(TimeSpan local, ushort peerSeconds)
    {
        var peer = TimeSpan.FromSeconds(peerSeconds);
        return peer < local ? peer : local;
    }

    /// <summary>RFC 4271 §4.4, §10: a third of the hold time, in whole seconds and at least one; zero for no keepalives.</summary>
    public static TimeSpan KeepaliveFor(TimeSpan hold) =>
        hold <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(1, Math.Floor(hold.TotalSeconds / 3)));

    /// <summary>
    /// RFC 4760 §8: the families both sides announced, in our order. A side that sent no Multiprotocol
    /// capability speaks IPv4 unicast only. An empty result still establishes the session (our choice:
    /// RFC 5492 §3 makes refusing it optional; FRR refuses with 2/7, we keep the session and show no families).
    /// </summary>
    public static FamilySet CommonFamilies(OpenMessage local, OpenMessage peer)
    {
        var theirs = Announced(peer);
        return new FamilySet([.. Announced(local).Where(theirs.Contains)]);
    }

    private static List<AfiSafi> Announced(OpenMessage open)
    {
        var list = open.FindAll<MultiprotocolCapability>().Select(c => c.Family).Distinct().ToList();
        if (list.Count == 0) list.Add(AfiSafi.Ipv4Unicast);
        return list;
    }

    private static bool HasRouteRefresh(OpenMessage open) =>
        open.Find<RouteRefreshCapability>() is not null
        || open.FindAll<UnknownCapability>().Any(c => c.RawCode == (byte)CapabilityCode.RouteRefreshCisco);
}
