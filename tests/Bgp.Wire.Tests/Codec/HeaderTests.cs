using System.Buffers;
using Bgp.Wire.Tests.TestKit;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Codec;

public class HeaderTests
{
    private static readonly string Marker = new('F', 32);

    [Test]
    public void A_keepalive_decodes_to_the_singleton()
    {
        var r = MessageDecoder.Decode(Hex.Bytes(Marker + "001304"), CodecContext.Default);
        Assert.That(r.IsClean);
        Assert.That(r.Message, Is.SameAs(KeepaliveMessage.Instance));
    }

    [Test]
    public void A_bad_marker_is_connection_not_synchronized_RFC4271_6_1()
    {
        var r = MessageDecoder.Decode(Hex.Bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00" + "001304"), CodecContext.Default);
        Assert.That(r.Action, Is.EqualTo(ErrorAction.SessionReset));
        Assert.That(r.Notification, Is.EqualTo(new NotificationMessage(NotificationCode.MessageHeaderError, 1)));
    }

    [TestCase("001204")] // shorter than a header
    [TestCase("001404")] // KEEPALIVE must be exactly 19
    [TestCase("001401")] // OPEN shorter than 29
    [TestCase("001403")] // NOTIFICATION shorter than 21
    [TestCase("001605")] // ROUTE-REFRESH shorter than 23
    [TestCase("100102")] // UPDATE of 4097 octets without RFC 8654
    public void A_bad_length_carries_the_length_field_as_data_RFC4271_6_1(string lenType)
    {
        var head = Hex.Bytes(Marker + lenType);
        var err = MessageHeader.Validate(head, BgpLimits.MaxMessageLength, out _);
        Assert.That(err, Is.Not.Null);
        Assert.That(err!.Subcode, Is.EqualTo((byte)HeaderErrorSubcode.BadMessageLength));
        Assert.That(err.Data.ToArray(), Is.EqualTo(head[16..18]));
    }

    [Test]
    public void An_unknown_type_carries_the_type_as_data_RFC4271_6_1()
    {
        var err = MessageHeader.Validate(Hex.Bytes(Marker + "001309"), 4096, out _);
        Assert.That(err!.Subcode, Is.EqualTo((byte)HeaderErrorSubcode.BadMessageType));
        Assert.That(err.Data.ToArray(), Is.EqualTo(new byte[] { 9 }));
    }

    [Test]
    public void Extended_messages_allow_updates_up_to_65535_but_not_opens_RFC8654()
    {
        Assert.That(MessageHeader.Validate(Hex.Bytes(Marker + "FFFF02"), 65535, out var h), Is.Null);
        Assert.That(h.Length, Is.EqualTo(65535));
        Assert.That(MessageHeader.Validate(Hex.Bytes(Marker + "100101"), 65535, out _), Is.Not.Null);
    }

    [Test]
    public void The_framer_waits_for_a_whole_message_then_slices_it()
    {
        var one = Hex.Bytes(Marker + "001304");
        var two = one.Concat(one).ToArray();
        var seq = new ReadOnlySequence<byte>(two[..25]);
        Assert.That(MessageFramer.TryReadFrame(ref seq, 4096, out _, out _, out _), Is.EqualTo(FrameStatus.Message));
        Assert.That(seq.Length, Is.EqualTo(6));
        Assert.That(MessageFramer.TryReadFrame(ref seq, 4096, out _, out _, out _), Is.EqualTo(FrameStatus.NeedMoreData));
    }

    [Test]
    public void A_message_whose_length_disagrees_with_the_span_is_a_bad_length()
    {
        var r = MessageDecoder.Decode(Hex.Bytes(Marker + "001404" + "00"), CodecContext.Default);
        Assert.That(r.Notification!.Subcode, Is.EqualTo((byte)HeaderErrorSubcode.BadMessageLength));
    }
}
