using System.Buffers.Binary;
using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;
using static Bgp.Wire.Tests.Support.Captures.PacketDecoder;

namespace Bgp.Wire.Tests.Support.CapturesTests;

public class PacketDecoderTests
{
    private static readonly byte[] Payload = Packets.Keepalive();
    private static readonly byte[] Segment = Packets.Tcp(40000, 179, 1000, TcpFlags.Ack | TcpFlags.Psh, Payload);
    private static readonly byte[] V4 = Packets.Ipv4(Packets.A4, Packets.B4, Segment);
    private static readonly byte[] V6 = Packets.Ipv6(Packets.A6, Packets.B6, Segment);

    private static IEnumerable<TestCaseData> Framings()
    {
        foreach (var (ip, family) in new[] { (V4, "IPv4"), (V6, "IPv6") })
        {
            yield return new TestCaseData(LinkType.Ethernet, Packets.Ethernet(ip)).SetArgDisplayNames($"Ethernet carries {family}");
            yield return new TestCaseData(LinkType.Ethernet, Packets.Ethernet(ip, 0x8100)).SetArgDisplayNames($"An 802.1Q tag is stepped over ({family})");
            yield return new TestCaseData(LinkType.Ethernet, Packets.Ethernet(ip, 0x88A8, 0x8100)).SetArgDisplayNames($"QinQ tags are stepped over ({family})");
            yield return new TestCaseData(LinkType.LinuxSll, Packets.Sll(ip)).SetArgDisplayNames($"Linux cooked v1 carries {family}");
            yield return new TestCaseData(LinkType.LinuxSll2, Packets.Sll2(ip)).SetArgDisplayNames($"Linux cooked v2 carries {family}");
            yield return new TestCaseData(LinkType.Raw, ip).SetArgDisplayNames($"Raw IP 101 carries {family}");
            yield return new TestCaseData(LinkType.RawBsdi, ip).SetArgDisplayNames($"Raw IP 12 carries {family}");
            yield return new TestCaseData(LinkType.RawOpenBsd, ip).SetArgDisplayNames($"Raw IP 14 carries {family}");
            yield return new TestCaseData(LinkType.Null, Packets.Null(ip, bigEndian: false)).SetArgDisplayNames($"Little-endian BSD loopback carries {family}");
            yield return new TestCaseData(LinkType.Null, Packets.Null(ip, bigEndian: true)).SetArgDisplayNames($"Big-endian BSD loopback carries {family}");
            yield return new TestCaseData(LinkType.CiscoHdlc, Prefix([0x0F, 0x00], ip == V4 ? (ushort)0x0800 : (ushort)0x86DD, ip)).SetArgDisplayNames($"Cisco HDLC carries {family}");
            yield return new TestCaseData(LinkType.Ppp, Prefix([0xFF, 0x03], ip == V4 ? (ushort)0x0021 : (ushort)0x0057, ip)).SetArgDisplayNames($"PPP carries {family}");
        }
        yield return new TestCaseData(LinkType.Ipv4, V4).SetArgDisplayNames("Link type 228 is bare IPv4");
        yield return new TestCaseData(LinkType.Ipv6, V6).SetArgDisplayNames("Link type 229 is bare IPv6");
        yield return new TestCaseData(LinkType.JuniperEther, Juniper(Packets.Ethernet(V4))).SetArgDisplayNames("The Juniper pseudo-header and its extensions are stepped over");
        yield return new TestCaseData(LinkType.Raw, Packets.Ipv4(Packets.A4, Packets.B4, Segment, optionWords: 3)).SetArgDisplayNames("IPv4 options are skipped by the header length");
        yield return new TestCaseData(LinkType.Raw, Packets.Ipv6(Packets.A6, Packets.B6, Segment, 0, 60, 43, 44)).SetArgDisplayNames("IPv6 extension headers are walked to TCP");
        yield return new TestCaseData(LinkType.Raw, Packets.Ipv4(Packets.A4, Packets.B4, Packets.Tcp(40000, 179, 1000, TcpFlags.Ack, Payload, optionWords: 3))).SetArgDisplayNames("TCP options are skipped by the data offset");
        yield return new TestCaseData(LinkType.Ethernet, Packets.Ethernet(V4).Concat(new byte[12]).ToArray()).SetArgDisplayNames("Ethernet padding is cut off by the IP length");
    }

    [TestCaseSource(nameof(Framings))]
    public void Decodes_to_the_TCP_payload(LinkType linkType, byte[] frame)
    {
        var status = Decode(linkType, frame, out var packet, out var problem);

        Assert.That(status, Is.EqualTo(DecodeStatus.Tcp), problem);
        Assert.That(problem, Is.Null);
        Assert.That(frame.AsSpan(packet.PayloadOffset, packet.PayloadLength).ToArray(), Is.EqualTo(Payload));
        Assert.That(packet.Direction.Source.Port, Is.EqualTo(40000));
        Assert.That(packet.Direction.Destination.Port, Is.EqualTo(179));
        Assert.That(packet.Sequence, Is.EqualTo(1000));
    }

    [TestCaseSource(nameof(Framings))]
    public void Never_throws_on_any_truncation_and_never_points_outside_the_frame(LinkType linkType, byte[] frame)
    {
        for (int length = 0; length < frame.Length; length++)
        {
            var cut = frame[..length];
            var status = Decode(linkType, cut, out var packet, out _);
            if (status == DecodeStatus.Tcp)
                Assert.That(packet.PayloadOffset + packet.PayloadLength, Is.LessThanOrEqualTo(length));
        }
    }

    [Test]
    public void A_frame_cut_by_the_snapshot_length_keeps_its_captured_payload_and_says_so()
    {
        var frame = Packets.Ethernet(V4)[..^5];

        var status = Decode(LinkType.Ethernet, frame, out var packet, out var problem);

        Assert.That(status, Is.EqualTo(DecodeStatus.Tcp));
        Assert.That(packet.PayloadLength, Is.EqualTo(Payload.Length - 5));
        Assert.That(problem, Does.Contain("5 bytes of TCP payload missing"));
    }

    [Test]
    public void IPv4_fragments_after_the_first_are_skipped_with_a_note()
    {
        var fragment = Packets.Ipv4(Packets.A4, Packets.B4, Segment, fragment: 0x0010);

        Assert.That(Decode(LinkType.Raw, fragment, out _, out var problem), Is.EqualTo(DecodeStatus.NotTcp));
        Assert.That(problem, Does.Contain("fragment"));
    }

    [Test]
    public void Other_protocols_are_not_TCP_and_not_a_problem()
    {
        var udp = Packets.Ipv4(Packets.A4, Packets.B4, Segment, protocol: 17);
        byte[] arp = [.. new byte[12], 0x08, 0x06, .. new byte[28]];

        Assert.That(Decode(LinkType.Raw, udp, out _, out var udpProblem), Is.EqualTo(DecodeStatus.NotTcp));
        Assert.That(Decode(LinkType.Ethernet, arp, out _, out var arpProblem), Is.EqualTo(DecodeStatus.NotTcp));
        Assert.That(udpProblem, Is.Null);
        Assert.That(arpProblem, Is.Null);
    }

    [Test]
    public void An_unknown_link_type_is_reported_as_unsupported()
    {
        Assert.That(Decode((LinkType)147, V4, out _, out _), Is.EqualTo(DecodeStatus.Unsupported));
    }

    [Test]
    public void A_TCP_data_offset_beyond_the_segment_is_malformed()
    {
        var segment = (byte[])Segment.Clone();
        segment[12] = 0xF0; // 60-byte header in a 39-byte segment

        var status = Decode(LinkType.Raw, Packets.Ipv4(Packets.A4, Packets.B4, segment), out _, out var problem);

        Assert.That(status, Is.EqualTo(DecodeStatus.Malformed));
        Assert.That(problem, Does.Contain("data offset"));
    }

    /// <summary>A link header: <paramref name="head"/>, then a big-endian protocol number, then the packet.</summary>
    private static byte[] Prefix(byte[] head, ushort protocol, byte[] ip)
    {
        var b = new byte[head.Length + 2 + ip.Length];
        head.CopyTo(b, 0);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(head.Length), protocol);
        ip.CopyTo(b, head.Length + 2);
        return b;
    }

    /// <summary>"MGC", flags with extensions present, 4 bytes of extension TLVs, then the Ethernet frame.</summary>
    private static byte[] Juniper(byte[] ethernet) => [.. "MGC"u8, 0x80, 0x00, 0x04, 3, 1, 1, 0, .. ethernet];
}
