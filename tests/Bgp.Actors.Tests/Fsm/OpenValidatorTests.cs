using Bgp.Actors.Fsm;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Tests.Fsm.FsmFixtures;

namespace Bgp.Actors.Tests.Fsm;

[TestFixture]
public sealed class OpenValidatorTests
{
    private static OpenErrorSubcode? Subcode(OpenMessage peer, FsmSettings? settings = null)
    {
        var r = OpenValidator.Validate(settings ?? Default, peer);
        if (r is null) return null;
        Assert.That(r.Notification.Code, Is.EqualTo(NotificationCode.OpenMessageError));
        Assert.That(r.Reason, Is.Not.Empty);
        return (OpenErrorSubcode)r.Notification.Subcode;
    }

    [Test]
    public void A_well_formed_OPEN_from_the_expected_peer_is_accepted()
    {
        Assert.That(OpenValidator.Validate(Default, PeerOpen), Is.Null);
    }

    [TestCase((byte)3)]
    [TestCase((byte)5)]
    public void Another_version_is_refused_with_2_1_carrying_version_4_as_two_octets_RFC_4271_section_6_2(byte version)
    {
        var r = OpenValidator.Validate(Default, PeerOpen with { Version = version });

        Assert.That(r!.Notification, Is.EqualTo(new NotificationMessage(NotificationCode.OpenMessageError,
            (byte)OpenErrorSubcode.UnsupportedVersionNumber, new byte[] { 0, 4 })));
    }

    [Test]
    public void An_unknown_optional_parameter_is_refused_with_2_4_RFC_4271_section_6_2()
    {
        var peer = PeerOpen with { OtherParameters = new[] { new OptionalParameter(1, new byte[] { 1, 2 }) } };

        Assert.That(Subcode(peer), Is.EqualTo(OpenErrorSubcode.UnsupportedOptionalParameter));
    }

    [Test]
    public void A_peer_in_another_AS_than_configured_is_refused_with_2_2_Bad_Peer_AS()
    {
        Assert.That(Subcode(Open(64999, PeerId)), Is.EqualTo(OpenErrorSubcode.BadPeerAs));
    }

    [Test]
    public void A_4_octet_AS_is_read_from_the_capability_behind_AS_TRANS_RFC_6793_section_4_1()
    {
        var settings = Settings(expectedRemoteAs: 4200000001);
        var peer = Open(4200000001, PeerId);

        Assert.That(peer.MyAs, Is.EqualTo(OpenValidator.AsTrans));
        Assert.That(Subcode(peer, settings), Is.Null);
    }

    [Test]
    public void AS_TRANS_without_the_4_octet_capability_is_the_peer_AS_23456_and_mismatches()
    {
        var settings = Settings(expectedRemoteAs: 4200000001);
        var peer = new OpenMessage(OpenValidator.AsTrans, 90, PeerId, []);

        Assert.That(Subcode(peer, settings), Is.EqualTo(OpenErrorSubcode.BadPeerAs));
    }

    [Test]
    public void A_2_octet_peer_without_the_capability_is_matched_on_My_AS()
    {
        Assert.That(Subcode(new OpenMessage((ushort)PeerAs, 90, PeerId, [])), Is.Null);
    }

    [Test]
    public void My_AS_that_disagrees_with_the_4_octet_capability_is_refused_with_2_2()
    {
        var bigAsWithoutTrans = new OpenMessage(64000, 90, PeerId, [new FourOctetAsCapability(4200000001)]);
        var smallAsMismatch = new OpenMessage(64000, 90, PeerId, [new FourOctetAsCapability(PeerAs)]);

        Assert.That(Subcode(bigAsWithoutTrans, Settings(expectedRemoteAs: 4200000001)), Is.EqualTo(OpenErrorSubcode.BadPeerAs));
        Assert.That(Subcode(smallAsMismatch), Is.EqualTo(OpenErrorSubcode.BadPeerAs));
    }

    [Test]
    public void AS_0_is_refused_with_2_2_even_if_configured_RFC_7607()
    {
        Assert.That(Subcode(new OpenMessage(0, 90, PeerId, []), Settings(expectedRemoteAs: 0)), Is.EqualTo(OpenErrorSubcode.BadPeerAs));
    }

    [TestCase((ushort)0, null)]
    [TestCase((ushort)1, OpenErrorSubcode.UnacceptableHoldTime)]
    [TestCase((ushort)2, OpenErrorSubcode.UnacceptableHoldTime)]
    [TestCase((ushort)3, null)]
    [TestCase((ushort)65535, null)]
    public void Hold_times_of_one_or_two_seconds_are_refused_with_2_6_RFC_4271_section_6_2(ushort hold, OpenErrorSubcode? expected)
    {
        Assert.That(Subcode(Open(PeerAs, PeerId, hold)), Is.EqualTo(expected));
    }

    [Test]
    public void A_zero_BGP_identifier_is_refused_with_2_3_RFC_6286_section_2_2()
    {
        Assert.That(Subcode(Open(PeerAs, 0)), Is.EqualTo(OpenErrorSubcode.BadBgpIdentifier));
    }

    [Test]
    public void An_internal_peer_with_our_own_BGP_identifier_is_refused_with_2_3_RFC_6286_section_2_2()
    {
        var ibgp = Settings(expectedRemoteAs: LocalAs);

        Assert.That(Subcode(Open(LocalAs, LocalId), ibgp), Is.EqualTo(OpenErrorSubcode.BadBgpIdentifier));
        Assert.That(Subcode(Open(LocalAs, PeerId), ibgp), Is.Null);
    }

    [Test]
    public void An_external_peer_may_share_our_BGP_identifier_RFC_6286_section_2_2()
    {
        Assert.That(Subcode(Open(PeerAs, LocalId)), Is.Null);
    }

    [Test]
    public void Any_non_zero_identifier_is_acceptable_even_one_that_is_not_a_unicast_address_RFC_6286()
    {
        Assert.That(Subcode(Open(PeerAs, 0xFFFFFFFF)), Is.Null);
    }

    [TestCase(BgpRole.Provider, BgpRole.Customer, true)]
    [TestCase(BgpRole.Customer, BgpRole.Provider, true)]
    [TestCase(BgpRole.RouteServer, BgpRole.RouteServerClient, true)]
    [TestCase(BgpRole.RouteServerClient, BgpRole.RouteServer, true)]
    [TestCase(BgpRole.Peer, BgpRole.Peer, true)]
    [TestCase(BgpRole.Provider, BgpRole.Provider, false)]
    [TestCase(BgpRole.Customer, BgpRole.Peer, false)]
    [TestCase(BgpRole.RouteServer, BgpRole.RouteServer, false)]
    [TestCase(BgpRole.Peer, BgpRole.Customer, false)]
    public void Roles_must_pair_up_when_both_sides_send_one_else_2_11_RFC_9234_section_4_2(BgpRole mine, BgpRole theirs, bool ok)
    {
        var settings = Settings(Open(LocalAs, LocalId, 90, new BgpRoleCapability(mine)));

        Assert.That(Subcode(Open(PeerAs, PeerId, 90, new BgpRoleCapability(theirs)), settings),
            Is.EqualTo(ok ? (OpenErrorSubcode?)null : OpenErrorSubcode.RoleMismatch));
    }

    [Test]
    public void Roles_are_not_checked_unless_both_sides_send_one_RFC_9234_section_4_2()
    {
        var withRole = Settings(Open(LocalAs, LocalId, 90, new BgpRoleCapability(BgpRole.Provider)));

        Assert.That(Subcode(PeerOpen, withRole), Is.Null);
        Assert.That(Subcode(Open(PeerAs, PeerId, 90, new BgpRoleCapability(BgpRole.Provider))), Is.Null);
    }

    [Test]
    public void A_peer_sending_two_different_roles_is_refused_with_2_11_RFC_9234_section_4_2()
    {
        var peer = Open(PeerAs, PeerId, 90, new BgpRoleCapability(BgpRole.Customer), new BgpRoleCapability(BgpRole.Peer));

        Assert.That(Subcode(peer), Is.EqualTo(OpenErrorSubcode.RoleMismatch));
    }

    [Test]
    public void The_version_is_checked_before_anything_else()
    {
        Assert.That(Subcode(Open(64999, 0, hold: 1) with { Version = 3 }), Is.EqualTo(OpenErrorSubcode.UnsupportedVersionNumber));
    }
}
