using Bgp.Actors.Fsm;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Tests.Fsm.FsmFixtures;

namespace Bgp.Actors.Tests.Fsm;

[TestFixture]
public sealed class SessionNegotiatorTests
{
    private static OpenMessage Bare(uint asn, uint id, ushort hold = 90, params Capability[] caps) =>
        new(asn <= ushort.MaxValue ? (ushort)asn : OpenValidator.AsTrans, hold, id, caps);

    [TestCase(90, (ushort)180, 90)]
    [TestCase(90, (ushort)30, 30)]
    [TestCase(90, (ushort)0, 0)]
    [TestCase(0, (ushort)90, 0)]
    [TestCase(3, (ushort)3, 3)]
    public void The_hold_time_is_the_smaller_of_both_and_zero_wins_RFC_4271_section_4_2(int ours, ushort theirs, int expected)
    {
        Assert.That(SessionNegotiator.NegotiateHoldTime(TimeSpan.FromSeconds(ours), theirs), Is.EqualTo(TimeSpan.FromSeconds(expected)));
    }

    [TestCase(90, 30)]
    [TestCase(180, 60)]
    [TestCase(10, 3)]
    [TestCase(4, 1)]
    [TestCase(3, 1)]
    [TestCase(0, 0)]
    public void The_keepalive_is_a_third_of_the_hold_time_in_whole_seconds_and_at_least_one_RFC_4271_section_4_4(int hold, int keepalive)
    {
        Assert.That(SessionNegotiator.KeepaliveFor(TimeSpan.FromSeconds(hold)), Is.EqualTo(TimeSpan.FromSeconds(keepalive)));
    }

    [Test]
    public void The_negotiated_session_carries_the_smaller_hold_time_and_its_keepalive()
    {
        var s = SessionNegotiator.Negotiate(Default, Open(PeerAs, PeerId, hold: 30));

        Assert.That(s.HoldTime, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(s.KeepaliveTime, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(s.PeerAs, Is.EqualTo(PeerAs));
        Assert.That(s.PeerBgpId, Is.EqualTo(PeerId));
        Assert.That(s.IsInternal, Is.False);
        Assert.That(s.PeerOpen, Is.EqualTo(Open(PeerAs, PeerId, hold: 30)));
    }

    [Test]
    public void Families_are_those_both_sides_announced_RFC_4760_section_8()
    {
        var local = Bare(LocalAs, LocalId, 90, new MultiprotocolCapability(AfiSafi.Ipv4Unicast), new MultiprotocolCapability(AfiSafi.Ipv6Unicast),
            new MultiprotocolCapability(new AfiSafi(Afi.L2vpn, Safi.Evpn)));
        var peer = Bare(PeerAs, PeerId, 90, new MultiprotocolCapability(AfiSafi.Ipv6Unicast), new MultiprotocolCapability(new AfiSafi(Afi.L2vpn, Safi.Evpn)),
            new MultiprotocolCapability(AfiSafi.Ipv4Multicast));

        var s = SessionNegotiator.Negotiate(Settings(local), peer);

        Assert.That(s.Families, Is.EqualTo(new FamilySet(AfiSafi.Ipv6Unicast, new AfiSafi(Afi.L2vpn, Safi.Evpn))));
    }

    [Test]
    public void Without_any_multiprotocol_capability_both_sides_speak_IPv4_unicast_RFC_4760_section_8()
    {
        var s = SessionNegotiator.Negotiate(Settings(Bare(LocalAs, LocalId)), Bare(PeerAs, PeerId));

        Assert.That(s.Families, Is.EqualTo(new FamilySet(AfiSafi.Ipv4Unicast)));
    }

    [Test]
    public void A_side_without_multiprotocol_capabilities_counts_as_IPv4_unicast_only()
    {
        var s = SessionNegotiator.Negotiate(Default, Bare(PeerAs, PeerId));

        Assert.That(s.Families, Is.EqualTo(new FamilySet(AfiSafi.Ipv4Unicast)));
    }

    [Test]
    public void No_common_family_negotiates_an_empty_set_rather_than_refusing_the_session()
    {
        var peer = Bare(PeerAs, PeerId, 90, new MultiprotocolCapability(new AfiSafi(Afi.L2vpn, Safi.Evpn)));

        Assert.That(OpenValidator.Validate(Default, peer), Is.Null);
        Assert.That(SessionNegotiator.Negotiate(Default, peer).Families.IsEmpty, Is.True);
    }

    [Test]
    public void Add_path_crosses_directions_per_family_RFC_7911_section_5()
    {
        var v4 = AfiSafi.Ipv4Unicast;
        var v6 = AfiSafi.Ipv6Unicast;
        var local = Open(LocalAs, LocalId, 90, new AddPathCapability(new[] { new AddPathFamily(v4, AddPathMode.Receive), new AddPathFamily(v6, AddPathMode.Both) }));
        var peer = Open(PeerAs, PeerId, 90, new AddPathCapability(new[] { new AddPathFamily(v4, AddPathMode.Send), new AddPathFamily(v6, AddPathMode.Receive) }));

        var s = SessionNegotiator.Negotiate(Settings(local), peer);

        Assert.That(s.ReceiveAddPath, Is.EqualTo(new FamilySet(v4)));
        Assert.That(s.SendAddPath, Is.EqualTo(new FamilySet(v6)));
        Assert.That(s.Codec.ReceiveAddPath, Is.EqualTo(new FamilySet(v4)));
    }

    [Test]
    public void Four_octet_AS_and_extended_messages_need_both_sides()
    {
        var local = Open(LocalAs, LocalId, 90, ExtendedMessageCapability.Instance);

        var both = SessionNegotiator.Negotiate(Settings(local), Open(PeerAs, PeerId, 90, ExtendedMessageCapability.Instance));
        var twoOctetPeer = SessionNegotiator.Negotiate(Settings(local), Bare(PeerAs, PeerId));

        Assert.That((both.FourOctetAs, both.ExtendedMessages), Is.EqualTo((true, true)));
        Assert.That((twoOctetPeer.FourOctetAs, twoOctetPeer.ExtendedMessages), Is.EqualTo((false, false)));
    }

    [Test]
    public void Route_refresh_needs_both_sides_and_accepts_the_pre_standard_code_128()
    {
        var cisco = Bare(PeerAs, PeerId, 90, new UnknownCapability((byte)CapabilityCode.RouteRefreshCisco, default));

        Assert.That(SessionNegotiator.Negotiate(Default, PeerOpen).RouteRefresh, Is.True);
        Assert.That(SessionNegotiator.Negotiate(Default, cisco).RouteRefresh, Is.True);
        Assert.That(SessionNegotiator.Negotiate(Default, Bare(PeerAs, PeerId)).RouteRefresh, Is.False);
        Assert.That(SessionNegotiator.Negotiate(Settings(Bare(LocalAs, LocalId)), PeerOpen).RouteRefresh, Is.False);
    }

    [Test]
    public void Enhanced_route_refresh_needs_both_sides_RFC_7313()
    {
        var local = Open(LocalAs, LocalId, 90, EnhancedRouteRefreshCapability.Instance);

        Assert.That(SessionNegotiator.Negotiate(Settings(local), Open(PeerAs, PeerId, 90, EnhancedRouteRefreshCapability.Instance)).EnhancedRouteRefresh, Is.True);
        Assert.That(SessionNegotiator.Negotiate(Settings(local), PeerOpen).EnhancedRouteRefresh, Is.False);
    }

    [Test]
    public void The_peer_informational_capabilities_are_exposed_as_sent()
    {
        var gr = new GracefulRestartCapability(false, true, 120, new[] { new GracefulRestartFamily(AfiSafi.Ipv4Unicast, true) });
        var llgr = new LongLivedGracefulRestartCapability(new[] { new LlgrFamily(AfiSafi.Ipv4Unicast, false, 3600) });
        var peer = Open(PeerAs, PeerId, 90, gr, llgr, new BgpRoleCapability(BgpRole.Customer),
            new FqdnCapability("edge1", "example.net"), new SoftwareVersionCapability("FRRouting/10.1"));

        var s = SessionNegotiator.Negotiate(Default, peer);

        Assert.That(s.GracefulRestart, Is.EqualTo(gr));
        Assert.That(s.LongLivedGr, Is.EqualTo(llgr));
        Assert.That(s.PeerRole, Is.EqualTo(BgpRole.Customer));
        Assert.That(s.PeerFqdn, Is.EqualTo(new FqdnCapability("edge1", "example.net")));
        Assert.That(s.PeerSoftwareVersion, Is.EqualTo("FRRouting/10.1"));
    }

    [Test]
    public void Absent_informational_capabilities_are_null()
    {
        var s = SessionNegotiator.Negotiate(Default, PeerOpen);

        Assert.That((s.GracefulRestart, s.LongLivedGr, s.PeerRole, s.PeerFqdn, s.PeerSoftwareVersion),
            Is.EqualTo(((GracefulRestartCapability?)null, (LongLivedGracefulRestartCapability?)null, (BgpRole?)null, (FqdnCapability?)null, (string?)null)));
    }

    [Test]
    public void A_peer_in_our_own_AS_is_internal_for_the_codec()
    {
        var s = SessionNegotiator.Negotiate(Settings(expectedRemoteAs: LocalAs), Open(LocalAs, PeerId));

        Assert.That(s.IsInternal, Is.True);
        Assert.That(s.Codec.PeerKind, Is.EqualTo(PeerKind.Internal));
    }

    [Test]
    public void Entering_Established_hands_out_the_negotiated_session()
    {
        var state = Drive(Default, Bgp.Actors.Fsm.SessionState.OpenConfirm);

        var t = Step(Default, state, new KeepAliveMsg());

        Assert.That(t.OfType<SessionEstablished>().Single().Session, Is.EqualTo(SessionNegotiator.Negotiate(Default, PeerOpen)));
        Assert.That(t.Next.PeerOpen, Is.EqualTo(PeerOpen));
        Assert.That(t.Next.HoldTime, Is.EqualTo(TimeSpan.FromSeconds(90)));
        Assert.That(t.Next.KeepaliveTime, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }
}
