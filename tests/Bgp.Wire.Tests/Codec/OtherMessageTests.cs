using Bgp.Wire.Tests.TestKit;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Codec;

public class OtherMessageTests
{
    private static OpenMessage SampleOpen(params Capability[] caps) => new(65001, 90, 0x0A000001, caps);

    [Test]
    public void An_open_with_every_typed_capability_round_trips()
    {
        var open = SampleOpen(
            new MultiprotocolCapability(AfiSafi.Ipv6Unicast), RouteRefreshCapability.Instance,
            new ExtendedNextHopCapability(new[] { new ExtendedNextHopEntry(Afi.Ipv4, 1, Afi.Ipv6) }),
            ExtendedMessageCapability.Instance, new BgpRoleCapability(BgpRole.RouteServer),
            new GracefulRestartCapability(true, true, 120, new[] { new GracefulRestartFamily(AfiSafi.Ipv4Unicast, true) }),
            new FourOctetAsCapability(4200000000),
            new AddPathCapability(new[] { new AddPathFamily(AfiSafi.Ipv4Unicast, AddPathMode.Both) }),
            EnhancedRouteRefreshCapability.Instance,
            new LongLivedGracefulRestartCapability(new[] { new LlgrFamily(AfiSafi.Ipv6Unicast, true, 0xABCDEF) }),
            new FqdnCapability("rs1", "example.net"), new SoftwareVersionCapability("BgpActors/0.1"),
            new UnknownCapability(200, new byte[] { 1, 2 }));
        var wire = MessageEncoder.Encode(open);
        var back = MessageDecoder.Decode(wire, CodecContext.Default);
        Assert.That(back.IsClean, back.Errors?.ToString());
        Assert.That(back.Message, Is.EqualTo(open));
        Assert.That(((OpenMessage)back.Message!).EffectiveAs, Is.EqualTo(4200000000));
    }

    [Test]
    public void The_exabgp_software_version_open_decodes()
    {
        var wire = Hex.Bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00510104FFFD00B40A000002340206010400010001020641040000FFFD02224B201F4578614247502F6D61696E2D633261326561386562642D3230323430373135");
        var open = (OpenMessage)MessageDecoder.Decode(wire, CodecContext.Default).Message!;
        Assert.That(open.Find<SoftwareVersionCapability>()!.Version, Is.EqualTo("ExaBGP/main-c2a2ea8ebd-20240715"));
        Assert.That(open.HoldTime, Is.EqualTo(180));
        Assert.That(MessageEncoder.Encode(open), Is.EqualTo(wire));
    }

    [Test]
    public void Capabilities_past_255_octets_use_the_extended_optional_parameters_RFC9072()
    {
        var many = Enumerable.Range(0, 70).Select(i => (Capability)new MultiprotocolCapability(new AfiSafi(Afi.Ipv4, (Safi)i))).ToArray();
        var open = SampleOpen(many);
        var wire = MessageEncoder.Encode(open);
        Assert.That(wire[28], Is.EqualTo(255));
        Assert.That(wire[29], Is.EqualTo(255));
        Assert.That(MessageDecoder.Decode(wire, CodecContext.Default).Message, Is.EqualTo(open));
    }

    [Test]
    public void A_short_open_can_still_be_sent_in_the_extended_form_RFC9072()
    {
        var open = SampleOpen(RouteRefreshCapability.Instance) with { UseExtendedParameters = true };
        var back = (OpenMessage)MessageDecoder.Decode(MessageEncoder.Encode(open), CodecContext.Default).Message!;
        Assert.That(back.UseExtendedParameters);
        Assert.That(back, Is.EqualTo(open));
    }

    [Test]
    public void A_malformed_known_capability_is_an_open_message_error()
    {
        // 4-octet AS capability with 3 octets
        var wire = Hex.Bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0022010400010000000000000105020341030000");
        wire[17] = (byte)wire.Length;
        var r = MessageDecoder.Decode(wire, CodecContext.Default);
        Assert.That(r.Notification!.Code, Is.EqualTo(NotificationCode.OpenMessageError));
    }

    [Test]
    public void Negotiation_crosses_add_path_directions_RFC7911_5()
    {
        var local = SampleOpen(new FourOctetAsCapability(65001), new AddPathCapability(new[] { new AddPathFamily(AfiSafi.Ipv4Unicast, AddPathMode.Both) }));
        var remote = SampleOpen(new FourOctetAsCapability(65002), new AddPathCapability(new[] { new AddPathFamily(AfiSafi.Ipv4Unicast, AddPathMode.Send) }));
        var ctx = CodecContext.Negotiate(local, remote);
        Assert.That(ctx.FourOctetAs);
        Assert.That(ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast));
        Assert.That(ctx.SendAddPath.Contains(AfiSafi.Ipv4Unicast), Is.False);
    }

    [Test]
    public void A_shutdown_communication_round_trips_RFC9003()
    {
        var n = NotificationMessage.Shutdown("maintenance: back at 14:00 UTC ✓");
        var back = (NotificationMessage)MessageDecoder.Decode(MessageEncoder.Encode(n), CodecContext.Default).Message!;
        Assert.That(back.ShutdownCommunication, Is.EqualTo("maintenance: back at 14:00 UTC ✓"));
    }

    [Test]
    public void A_long_shutdown_communication_is_cut_to_255_octets_on_a_character_boundary_RFC9003()
    {
        var n = NotificationMessage.Shutdown(new string('é', 200));
        Assert.That(n.Data[0], Is.EqualTo(254));
        Assert.That(n.ShutdownCommunication, Is.EqualTo(new string('é', 127)));
    }

    [Test]
    public void A_shutdown_communication_whose_length_overruns_is_ignored_RFC9003_3()
    {
        var n = new NotificationMessage(NotificationCode.Cease, 2, new byte[] { 10, (byte)'h', (byte)'i' });
        Assert.That(n.ShutdownCommunication, Is.Null);
    }

    [TestCase(RouteRefreshSubtype.Normal)]
    [TestCase(RouteRefreshSubtype.BeginningOfRouteRefresh)]
    [TestCase(RouteRefreshSubtype.EndOfRouteRefresh)]
    public void Route_refresh_subtypes_round_trip_RFC7313(RouteRefreshSubtype s)
    {
        var m = new RouteRefreshMessage(Afi.Ipv6, Safi.Unicast, s);
        var wire = MessageEncoder.Encode(m);
        Assert.That(wire.Length, Is.EqualTo(23));
        Assert.That(MessageDecoder.Decode(wire, CodecContext.Default).Message, Is.EqualTo(m));
    }

    [Test]
    public void A_borr_with_extra_octets_is_a_route_refresh_length_error_RFC7313_5()
    {
        var wire = Hex.Bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00180500010101FF");
        Assert.That(MessageDecoder.Decode(wire, CodecContext.Default).Notification,
            Is.EqualTo(new NotificationMessage(NotificationCode.RouteRefreshMessageError, 1, Hex.Bytes("00010101FF"))));
    }
}
