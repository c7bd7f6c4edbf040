using System.Buffers;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Codec;

public class PackerTests
{
    private static readonly PathAttribute[] Attrs =
        [OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(65001, 65002)), new MedAttribute(5)];

    private static List<UpdateMessage> Split(ArrayBufferWriter<byte> w, CodecContext ctx)
    {
        var list = new List<UpdateMessage>();
        var span = w.WrittenSpan;
        while (!span.IsEmpty)
        {
            int len = (span[16] << 8) | span[17];
            Assert.That(len, Is.LessThanOrEqualTo(ctx.MaxMessageLength));
            var r = MessageDecoder.Decode(span[..len], ctx);
            Assert.That(r.IsClean, r.Errors?.ToString());
            list.Add((UpdateMessage)r.Message!);
            span = span[len..];
        }
        return list;
    }

    private static Nlri[] V4Routes(int n) => Enumerable.Range(0, n).Select(i => (Nlri)Prefix.V4(0x0A000000u + ((uint)i << 8), 24)).ToArray();

    [Test]
    public void Ipv4_routes_fill_4096_octet_messages_and_the_rest_spills_over()
    {
        var w = new ArrayBufferWriter<byte>();
        var routes = V4Routes(2000);
        int n = UpdatePacker.Announce(w, AfiSafi.Ipv4Unicast, new NextHop(IpAddr.Parse("192.0.2.1")), Attrs, routes, CodecContext.Default);
        var msgs = Split(w, CodecContext.Default);
        Assert.That(msgs.Count, Is.EqualTo(n).And.EqualTo(2), "1000-odd /24s fit in 4096 octets");
        Assert.That(msgs.SelectMany(m => m.Nlri), Is.EqualTo(routes));
        Assert.That(msgs[0].Get<NextHopAttribute>()!.Address.ToString(), Is.EqualTo("192.0.2.1"));
        Assert.That(msgs[0].Attributes.Select(a => (int)a.Type), Is.Ordered);
    }

    [Test]
    public void A_two_octet_session_gets_one_as4_path_and_the_full_path_back_RFC6793()
    {
        var path = new AsPathAttribute(AsPath.FromSequence(65001, 4200000000, 65002));
        var agg = new AggregatorAttribute(4200000001, IpAddr.Parse("192.0.2.9"));
        var w = new ArrayBufferWriter<byte>();
        UpdatePacker.Announce(w, AfiSafi.Ipv4Unicast, new NextHop(IpAddr.Parse("192.0.2.1")),
            [OriginAttribute.Igp, path, new MedAttribute(5), agg], V4Routes(3), CodecContext.TwoOctetAs);
        var m = Split(w, CodecContext.TwoOctetAs).Single();
        Assert.That(m.AsPath, Is.EqualTo(path.Path));
        Assert.That(m.Get<AggregatorAttribute>(), Is.EqualTo(agg));
        Assert.That(m.Attributes.Select(a => (int)a.Type), Is.Ordered);
        Assert.That(WireTypeCodes(w.WrittenSpan.ToArray()), Is.EqualTo(new[] { 1, 2, 3, 4, 7, 17, 18 }), "type codes on the wire, AS4_* once and in order");
    }

    /// <summary>The attribute type codes of a single IPv4 UPDATE as they appear on the wire.</summary>
    private static List<int> WireTypeCodes(byte[] m)
    {
        int wd = (m[19] << 8) | m[20];
        int at = 21 + wd + 2, end = at + ((m[21 + wd] << 8) | m[22 + wd]);
        var codes = new List<int>();
        while (at < end)
        {
            bool ext = (m[at] & 0x10) != 0;
            int len = ext ? (m[at + 2] << 8) | m[at + 3] : m[at + 2];
            codes.Add(m[at + 1]);
            at += (ext ? 4 : 3) + len;
        }
        return codes;
    }

    [Test]
    public void Extended_messages_carry_all_routes_in_one_update_RFC8654()
    {
        var ctx = CodecContext.Default with { ExtendedMessages = true };
        var w = new ArrayBufferWriter<byte>();
        Assert.That(UpdatePacker.Announce(w, AfiSafi.Ipv4Unicast, new NextHop(IpAddr.Parse("192.0.2.1")), Attrs, V4Routes(2000), ctx), Is.EqualTo(1));
    }

    [Test]
    public void Ipv6_routes_go_in_mp_reach_with_path_ids_where_add_path_is_sent()
    {
        var ctx = CodecContext.Default with { SendAddPath = new FamilySet(AfiSafi.Ipv6Unicast), ReceiveAddPath = new FamilySet(AfiSafi.Ipv6Unicast) };
        var routes = Enumerable.Range(0, 1500).Select(i => new Nlri(Prefix.V6(((UInt128)0x20010db8u << 96) + ((UInt128)(uint)i << 64), 64), (uint)i + 1)).ToArray();
        var w = new ArrayBufferWriter<byte>();
        var nh = new NextHop(IpAddr.Parse("2001:db8::1"), IpAddr.Parse("fe80::1"));
        UpdatePacker.Announce(w, AfiSafi.Ipv6Unicast, nh, Attrs, routes, ctx);
        var msgs = Split(w, ctx);
        Assert.That(msgs.Count, Is.GreaterThan(1));
        Assert.That(msgs.SelectMany(m => m.MpReach!.Nlri), Is.EqualTo(routes));
        Assert.That(msgs.All(m => m.MpReach!.NextHop == nh));
    }

    [Test]
    public void Ipv4_routes_with_an_ipv6_next_hop_go_in_mp_reach_RFC8950()
    {
        var w = new ArrayBufferWriter<byte>();
        UpdatePacker.Announce(w, AfiSafi.Ipv4Unicast, new NextHop(IpAddr.Parse("2001:db8::1")), Attrs, V4Routes(3), CodecContext.Default);
        var m = Split(w, CodecContext.Default).Single();
        Assert.That(m.Nlri.IsEmpty);
        Assert.That(m.MpReach!.Nlri.Count, Is.EqualTo(3));
    }

    [TestCase(1, TestName = "Withdrawals of ipv4 unicast go in the body and split")]
    [TestCase(2, TestName = "Withdrawals of ipv6 unicast go in mp_unreach and split")]
    public void Withdrawals_split(int afi)
    {
        var family = afi == 1 ? AfiSafi.Ipv4Unicast : AfiSafi.Ipv6Unicast;
        var routes = afi == 1 ? V4Routes(3000) : Enumerable.Range(0, 3000).Select(i => (Nlri)Prefix.V6((UInt128)(uint)i << 80, 48)).ToArray();
        var w = new ArrayBufferWriter<byte>();
        UpdatePacker.Withdraw(w, family, routes, CodecContext.Default);
        var msgs = Split(w, CodecContext.Default);
        Assert.That(msgs.Count, Is.GreaterThan(1));
        Assert.That(msgs.SelectMany(m => m.WithdrawnRoutes()).Select(x => x.Route), Is.EqualTo(routes));
    }

    [Test]
    public void Encoders_write_exactly_their_length_into_a_dirty_buffer()
    {
        var u = UpdateMessage.Announce(Attrs.Append(new NextHopAttribute(IpAddr.Parse("192.0.2.1"))).ToArray(), Prefix.Parse("10.0.0.0/8"));
        var clean = MessageEncoder.Encode(u);
        var dirty = TestKit.Hex.Dirty(clean.Length + 8);
        int n = MessageEncoder.Write(dirty, u, CodecContext.Default);
        Assert.That(dirty.AsSpan(0, n).ToArray(), Is.EqualTo(clean));
        Assert.That(dirty.AsSpan(n).ToArray(), Is.All.EqualTo((byte)0xAA));
    }

    [Test]
    public void An_update_too_large_for_the_session_is_refused_by_the_single_message_encoder()
    {
        var u = UpdateMessage.Announce(Attrs, V4Routes(2000));
        Assert.Throws<InvalidOperationException>(() => MessageEncoder.Encode(u));
    }
}
