using Bgp.Wire.Tests.TestKit;
using NUnit.Framework;
using static Bgp.Wire.Tests.TestKit.Build;

namespace Bgp.Wire.Tests.Codec;

public class UpdateDecodeTests
{
    private static DecodeResult Decode(byte[] m, CodecContext? ctx = null) => MessageDecoder.Decode(m, ctx ?? CodecContext.Default);

    [Test]
    public void A_plain_ipv4_update_decodes_prefixes_and_typed_attributes()
    {
        var attrs = Concat(OriginIgp, AsPath65001, NextHop1, Attr(0x80, 4, 0, 0, 0, 50),
            Attr(0xC0, 8, 0xFD, 0xE9, 0, 1), Attr(0xC0, 32, 0, 0, 0xFD, 0xE9, 0, 0, 0, 1, 0, 0, 0, 2));
        var r = Decode(Update([], attrs, TwoPrefixes));
        Assert.That(r.IsClean, r.Errors?.ToString());
        var u = (UpdateMessage)r.Message!;
        Assert.That(u.Nlri.Select(n => n.Prefix.ToString()), Is.EqualTo(new[] { "10.0.0.0/8", "192.0.2.0/24" }));
        Assert.That(u.Get<OriginAttribute>()!.Value, Is.EqualTo(Origin.Igp));
        Assert.That(u.AsPath!.ToString(), Is.EqualTo("65001"));
        Assert.That(u.Get<NextHopAttribute>()!.Address.ToString(), Is.EqualTo("192.0.2.1"));
        Assert.That(u.Get<MedAttribute>()!.Value, Is.EqualTo(50));
        Assert.That(u.Get<CommunitiesAttribute>()!.Communities[0].ToString(), Is.EqualTo("65001:1"));
        Assert.That(u.Get<LargeCommunitiesAttribute>()!.Communities[0], Is.EqualTo(new LargeCommunity(65001, 1, 2)));
    }

    [Test]
    public void An_empty_update_is_the_ipv4_end_of_rib_RFC4724()
    {
        var u = (UpdateMessage)Decode(Update([], [], [])).Message!;
        Assert.That(u.IsEndOfRib(out var f) && f == AfiSafi.Ipv4Unicast);
    }

    [Test]
    public void An_mp_unreach_with_no_routes_is_that_familys_end_of_rib()
    {
        var u = (UpdateMessage)Decode(Update([], Attr(0x80, 15, 0, 2, 1), [])).Message!;
        Assert.That(u.IsEndOfRib(out var f) && f == AfiSafi.Ipv6Unicast);
        Assert.That(MessageEncoder.Encode(UpdateMessage.EndOfRib(AfiSafi.Ipv6Unicast)), Is.EqualTo(Update([], Attr(0x80, 15, 0, 2, 1), [])));
    }

    [Test]
    public void Host_bits_past_the_mask_are_cleared()
    {
        var u = (UpdateMessage)Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1), [13, 11, 13])).Message!;
        Assert.That(u.Nlri[0].Prefix.ToString(), Is.EqualTo("11.8.0.0/13"));
    }

    [Test]
    public void Add_path_identifiers_are_read_where_negotiated_for_receive_RFC7911()
    {
        var ctx = CodecContext.Default with { ReceiveAddPath = new FamilySet(AfiSafi.Ipv4Unicast) };
        var u = (UpdateMessage)Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1), [0, 0, 0, 7, 24, 192, 0, 2]), ctx).Message!;
        Assert.That(u.Nlri[0], Is.EqualTo(new Nlri(Prefix.Parse("192.0.2.0/24"), 7)));
    }

    [Test]
    public void An_ipv6_mp_reach_with_global_and_link_local_next_hop_decodes_RFC2545()
    {
        var mp = Concat([0, 2, 1, 32], Hex.Bytes("20010db8000000000000000000000001"), Hex.Bytes("fe800000000000000000000000000001"), [0, 32, 0x20, 0x01, 0x0d, 0xb8]);
        var u = (UpdateMessage)Decode(Update([], Concat(Attr(0x80, 14, mp), OriginIgp, AsPath65001), [])).Message!;
        var r = u.MpReach!;
        Assert.That(r.Family, Is.EqualTo(AfiSafi.Ipv6Unicast));
        Assert.That(r.NextHop.Address.ToString(), Is.EqualTo("2001:db8::1"));
        Assert.That(r.NextHop.LinkLocal!.Value.IsV6LinkLocal);
        Assert.That(r.Nlri[0].Prefix.ToString(), Is.EqualTo("2001:db8::/32"));
    }

    [Test]
    public void Ipv4_nlri_with_an_ipv6_next_hop_decodes_RFC8950()
    {
        var mp = Concat([0, 1, 1, 16], Hex.Bytes("20010db8000000000000000000000001"), [0, 24, 192, 0, 2]);
        var u = (UpdateMessage)Decode(Update([], Concat(Attr(0x80, 14, mp), OriginIgp, AsPath65001), [])).Message!;
        Assert.That(u.MpReach!.Family, Is.EqualTo(AfiSafi.Ipv4Unicast));
        Assert.That(u.MpReach.NextHop.Address.IsV6);
        Assert.That(u.MpReach.Nlri[0].Prefix.ToString(), Is.EqualTo("192.0.2.0/24"));
    }

    [Test]
    public void Unknown_families_keep_next_hop_and_nlri_raw()
    {
        var mp = Concat([0, 1, 133, 0, 0], [5, 1, 24, 10, 0, 0]); // FlowSpec: destination 10.0.0.0/24
        var u = (UpdateMessage)Decode(Update([], Concat(Attr(0x80, 14, mp), OriginIgp, AsPath65001), [])).Message!;
        Assert.That(u.MpReach!.IsTyped, Is.False);
        Assert.That(u.MpReach.RawNlri.ToArray(), Is.EqualTo(new byte[] { 5, 1, 24, 10, 0, 0 }));
    }

    [Test]
    public void An_attribute_list_decodes_on_its_own_with_the_same_error_handling()
    {
        var list = UpdateDecoder.DecodeAttributes(Concat(OriginIgp, AsPath65001, NextHop1, Attr(0x40, 6, 1)), CodecContext.Default, out var errors);
        Assert.That(list!.Value.Select(a => a.Type), Is.EqualTo(new[] { AttrType.Origin, AttrType.AsPath, AttrType.NextHop }));
        Assert.That(errors!.Strongest, Is.EqualTo(ErrorAction.AttributeDiscard));
        var mp = Attr(0x80, 14, 0, 2);
        Assert.That(UpdateDecoder.DecodeAttributes(Concat(mp, OriginIgp), CodecContext.Default, out errors), Is.Null);
        Assert.That(errors!.Strongest, Is.EqualTo(ErrorAction.SessionReset));
    }

    [Test]
    public void Repeated_scalar_attributes_share_one_instance_and_every_value_comes_back_right()
    {
        MedAttribute Med(uint v) => UpdateDecoder.DecodeAttributes(Attr(0x80, 4, (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v), CodecContext.Default, out _)!.Value.Single() as MedAttribute ?? throw new AssertionException("no MED");
        Assert.That(Med(100), Is.SameAs(Med(100)));
        for (uint v = 0; v < 5000; v += 7) Assert.That(Med(v).Value, Is.EqualTo(v)); // many values per cache slot
    }

    // --- RFC 7606 classification -------------------------------------------------------------

    [Test]
    public void A_malformed_origin_means_treat_as_withdraw_RFC7606_7_1()
    {
        var r = Decode(Update([], Concat(Attr(0x40, 1, 3), AsPath65001, NextHop1), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
        Assert.That(r.Errors!.Decisive!.Attribute, Is.EqualTo(AttrType.Origin));
        var w = ((UpdateMessage)r.Message!).AsTreatAsWithdraw();
        Assert.That(w.Withdrawn.Count, Is.EqualTo(2));
        Assert.That(w.Nlri.IsEmpty && w.Attributes.IsEmpty);
    }

    [TestCase(new byte[] { 2, 0 }, TestName = "An AS_PATH segment of length zero is malformed RFC7606 7.2")]
    [TestCase(new byte[] { 5, 1, 0, 0, 0, 1 }, TestName = "An unrecognised AS_PATH segment type is malformed RFC7606 7.2")]
    [TestCase(new byte[] { 2, 2, 0, 0, 0, 1 }, TestName = "An overrunning AS_PATH segment is malformed RFC7606 7.2")]
    [TestCase(new byte[] { 2, 1, 0, 0, 0, 1, 2 }, TestName = "A single trailing octet in AS_PATH is malformed RFC7606 7.2")]
    public void Malformed_as_path_means_treat_as_withdraw(byte[] value)
    {
        var r = Decode(Update([], Concat(OriginIgp, Attr(0x40, 2, value), NextHop1), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
        Assert.That(r.Errors!.Decisive!.Attribute, Is.EqualTo(AttrType.AsPath));
    }

    [Test]
    public void A_wrong_length_atomic_aggregate_is_discarded_RFC7606_7_6()
    {
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, Attr(0x40, 6, 1)), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard));
        Assert.That(((UpdateMessage)r.Message!).Get<AtomicAggregateAttribute>(), Is.Null);
    }

    [Test]
    public void A_six_octet_aggregator_on_a_four_octet_session_is_discarded_RFC7606_7_7()
    {
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, Attr(0xC0, 7, 0, 1, 192, 0, 2, 1)), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard));
    }

    [TestCase((byte)8, 3, TestName = "COMMUNITIES not a multiple of 4 means treat-as-withdraw RFC7606 7.8")]
    [TestCase((byte)16, 7, TestName = "EXTENDED_COMMUNITIES not a multiple of 8 means treat-as-withdraw RFC7606 7.14")]
    [TestCase((byte)32, 11, TestName = "LARGE_COMMUNITIES not a multiple of 12 means treat-as-withdraw RFC8092 6")]
    [TestCase((byte)25, 19, TestName = "IPv6 extended communities not a multiple of 20 mean treat-as-withdraw RFC7606 7.15")]
    [TestCase((byte)35, 3, TestName = "OTC of the wrong length means treat-as-withdraw RFC9234 5")]
    public void Community_style_length_errors_mean_treat_as_withdraw(byte type, int len)
    {
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, Attr(0xC0, type, new byte[len])), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
        Assert.That(r.Errors!.Decisive!.Attribute, Is.EqualTo((AttrType)type));
    }

    [Test]
    public void Conflicting_flags_make_the_attribute_malformed_RFC7606_3c()
    {
        var r = Decode(Update([], Concat(Attr(0x80, 1, 0), AsPath65001, NextHop1), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
        Assert.That(r.Errors!.Decisive!.Subcode, Is.EqualTo((byte)UpdateErrorSubcode.AttributeFlagsError));
    }

    [Test]
    public void A_missing_well_known_attribute_means_treat_as_withdraw_RFC7606_3d()
    {
        var r = Decode(Update([], Concat(OriginIgp, NextHop1), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
        Assert.That(r.Errors!.Decisive!.Subcode, Is.EqualTo((byte)UpdateErrorSubcode.MissingWellKnownAttribute));
    }

    [Test]
    public void A_repeated_attribute_keeps_the_first_and_discards_the_rest_RFC7606_3g()
    {
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, Attr(0x80, 4, 0, 0, 0, 1), Attr(0x80, 4, 0, 0, 0, 2)), TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard));
        Assert.That(((UpdateMessage)r.Message!).Get<MedAttribute>()!.Value, Is.EqualTo(1));
    }

    [Test]
    public void A_repeated_mp_reach_resets_the_session_RFC7606_3g()
    {
        var mp = Attr(0x80, 14, 0, 2, 1, 16, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        var r = Decode(Update([], Concat(mp, mp, OriginIgp, AsPath65001), []));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.SessionReset));
        Assert.That(r.Notification, Is.EqualTo(new NotificationMessage(NotificationCode.UpdateMessageError, 1)));
    }

    [Test]
    public void A_malformed_mp_reach_with_a_readable_family_disables_the_family_RFC7606_7_11()
    {
        var mp = Attr(0x80, 14, 0, 2, 1, 5, 1, 2, 3, 4, 5, 0); // 5-octet next hop is invalid for IPv6
        var r = Decode(Update([], Concat(mp, OriginIgp, AsPath65001), []));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AfiSafiDisable));
        Assert.That(r.Errors!.Decisive!.Family, Is.EqualTo(AfiSafi.Ipv6Unicast));
    }

    [Test]
    public void An_mp_reach_too_short_for_its_family_resets_the_session_RFC7606_7_11()
    {
        var r = Decode(Update([], Concat(Attr(0x80, 14, 0, 2), OriginIgp, AsPath65001), []));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.SessionReset));
    }

    [Test]
    public void A_bad_prefix_length_in_the_nlri_field_resets_the_session_RFC7606_5_3()
    {
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1), [33, 1, 2, 3, 4, 5]));
        Assert.That(r.Notification, Is.EqualTo(new NotificationMessage(NotificationCode.UpdateMessageError, 10)));
    }

    [Test]
    public void An_attribute_overrunning_the_list_means_treat_as_withdraw_RFC7606_4()
    {
        var attrs = Concat(OriginIgp, AsPath65001, NextHop1, [0xC0, 8, 200, 0, 0, 0, 1]);
        var r = Decode(Update([], attrs, TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
    }

    [Test]
    public void A_total_attribute_length_overrunning_the_message_resets_the_session()
    {
        var m = Update([], OriginIgp, []);
        m[22] = 200;
        Assert.That(Decode(m).Action, Is.EqualTo(ErrorAction.SessionReset));
    }

    [Test]
    public void An_unrecognised_well_known_attribute_resets_the_session_with_the_attribute_as_data_RFC4271_6_3()
    {
        var bad = Attr(0x40, 99, 1, 2);
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, bad), TwoPrefixes));
        Assert.That(r.Notification!.Subcode, Is.EqualTo((byte)UpdateErrorSubcode.UnrecognizedWellKnownAttribute));
        Assert.That(r.Notification.Data.ToArray(), Is.EqualTo(bad));
    }

    [Test]
    public void Local_pref_from_an_external_peer_is_discarded_RFC7606_7_5()
    {
        var ctx = CodecContext.Default with { PeerKind = PeerKind.External };
        var r = Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, Attr(0x40, 5, 0, 0, 0, 100)), TwoPrefixes), ctx);
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard));
        Assert.That(((UpdateMessage)r.Message!).Get<LocalPrefAttribute>(), Is.Null);
    }

    [Test]
    public void The_strongest_reaction_wins_and_every_reason_is_kept()
    {
        var attrs = Concat(Attr(0x40, 1, 9), AsPath65001, NextHop1, Attr(0x40, 6, 1));
        var r = Decode(Update([], attrs, TwoPrefixes));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw));
        Assert.That(r.Errors!.All.Select(e => e.Action), Is.EquivalentTo(new[] { ErrorAction.TreatAsWithdraw, ErrorAction.AttributeDiscard }));
    }

    [Test]
    public void Unknown_optional_transitive_attributes_are_kept_raw_and_get_partial_when_passed_on_RFC4271_5()
    {
        var unknown = Attr(0xC0, 99, 1, 2, 3);
        var u = (UpdateMessage)Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, unknown), TwoPrefixes)).Message!;
        var raw = u.Get<RawAttribute>()!;
        Assert.That(raw.Value.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(raw.PassedOn()!.Flags & AttrFlags.Partial, Is.EqualTo(AttrFlags.Partial));
        Assert.That(new RawAttribute(98, new byte[] { 1 }) { Flags = AttrFlags.Optional }.PassedOn(), Is.Null);
    }

    [Test]
    public void Aigp_metric_decodes_and_a_bad_tlv_is_discarded_RFC7311()
    {
        var good = Attr(0x80, 26, 1, 0, 11, 0, 0, 0, 0, 0, 0, 0, 42);
        var u = (UpdateMessage)Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, good), TwoPrefixes)).Message!;
        Assert.That(u.Get<AigpAttribute>()!.Metric, Is.EqualTo(42));
        var bad = Attr(0x80, 26, 1, 0, 9, 0, 0, 0, 0, 0, 0);
        Assert.That(Decode(Update([], Concat(OriginIgp, AsPath65001, NextHop1, bad), TwoPrefixes)).Action, Is.EqualTo(ErrorAction.AttributeDiscard));
    }
}
