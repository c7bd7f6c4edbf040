using NUnit.Framework;
using static Bgp.Wire.Tests.TestKit.Build;

namespace Bgp.Wire.Tests.Codec;

public class As4Tests
{
    private static readonly AsPath LongPath = new([AsPathSegment.Sequence(65001, 4200000000, 65002, 4200000001)]);

    [Test]
    public void A_two_octet_session_sends_as_trans_and_as4_path_and_reads_them_back_RFC6793_4_2()
    {
        var u = UpdateMessage.Announce(new PathAttribute[]
        {
            OriginAttribute.Igp, new AsPathAttribute(LongPath), new NextHopAttribute(IpAddr.Parse("192.0.2.1")),
            new AggregatorAttribute(4200000005, IpAddr.Parse("192.0.2.9")),
        }, Prefix.Parse("10.0.0.0/8"));
        var wire = MessageEncoder.Encode(u, CodecContext.TwoOctetAs);

        // As the 2-octet peer sees it: AS_TRANS in AS_PATH and AGGREGATOR, the truth in the AS4 attributes.
        var seenByOld = UpdateDecoder.Decode(wire.AsSpan(19), CodecContext.TwoOctetAs, out _);
        Assert.That(seenByOld, Is.EqualTo(u));
        Assert.That(wire.AsSpan().IndexOf(new byte[] { 0xC0, 17 }), Is.GreaterThan(0), "AS4_PATH present");
        Assert.That(wire.AsSpan().IndexOf(new byte[] { 0xC0, 18, 8 }), Is.GreaterThan(0), "AS4_AGGREGATOR present");
    }

    [Test]
    public void A_two_octet_path_without_large_asns_carries_no_as4_path()
    {
        var u = UpdateMessage.Announce(new PathAttribute[] { OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(1, 2)), new NextHopAttribute(IpAddr.Parse("192.0.2.1")) }, Prefix.Parse("10.0.0.0/8"));
        var wire = MessageEncoder.Encode(u, CodecContext.TwoOctetAs);
        Assert.That(wire.AsSpan().IndexOf(new byte[] { 0xC0, 17 }), Is.EqualTo(-1));
    }

    [Test]
    public void Reconstruction_keeps_the_leading_excess_of_as_path_RFC6793_4_2_3()
    {
        // A new speaker prepended 65010 after an old speaker that did not update AS4_PATH.
        var asPath = AsPath.FromSequence(65010, 65001, 23456, 65002);
        var as4 = AsPath.FromSequence(65001, 4200000000, 65002);
        Assert.That(AsPath.Reconstruct(asPath, as4), Is.EqualTo(AsPath.FromSequence(65010, 65001, 4200000000, 65002)));
    }

    [Test]
    public void An_as4_path_longer_than_as_path_is_ignored_RFC6793_4_2_3()
    {
        var asPath = AsPath.FromSequence(65001);
        Assert.That(AsPath.Reconstruct(asPath, AsPath.FromSequence(1, 2)), Is.EqualTo(asPath));
    }

    [Test]
    public void As4_attributes_are_ignored_when_aggregator_is_not_as_trans_RFC6793_4_2_3()
    {
        var attrs = Concat(OriginIgp, Attr(0x40, 2, 2, 2, 0x5B, 0xA0, 0xFD, 0xE9), NextHop1,
            Attr(0xC0, 7, 0xFD, 0xE8, 192, 0, 2, 1), Attr(0xC0, 17, 2, 2, 0xFA, 0x56, 0xEA, 0, 0, 0, 0xFD, 0xE9));
        var r = MessageDecoder.Decode(Update([], attrs, TwoPrefixes), CodecContext.TwoOctetAs);
        Assert.That(((UpdateMessage)r.Message!).AsPath!.ToString(), Is.EqualTo("23456 65001"));
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard));
    }

    [Test]
    public void As4_path_from_a_four_octet_speaker_is_discarded_RFC6793_6()
    {
        var attrs = Concat(OriginIgp, AsPath65001, NextHop1, Attr(0xC0, 17, 2, 1, 0, 0, 0xFD, 0xE9));
        var r = MessageDecoder.Decode(Update([], attrs, TwoPrefixes), CodecContext.Default);
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard));
        Assert.That(((UpdateMessage)r.Message!).Attributes.Count, Is.EqualTo(3));
    }

    [Test]
    public void A_malformed_as4_path_is_discarded_not_withdrawn_RFC6793_6()
    {
        var attrs = Concat(OriginIgp, Attr(0x40, 2, 2, 1, 0xFD, 0xE9), NextHop1, Attr(0xC0, 17, 2, 5, 0));
        var r = MessageDecoder.Decode(Update([], attrs, TwoPrefixes), CodecContext.TwoOctetAs);
        Assert.That(r.Action, Is.EqualTo(ErrorAction.AttributeDiscard), r.Errors?.ToString());
    }
}
