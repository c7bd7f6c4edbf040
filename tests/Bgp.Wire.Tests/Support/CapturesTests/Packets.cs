using System.Buffers.Binary;
using System.Net;
using Bgp.Wire.Tests.Support.Captures;

namespace Bgp.Wire.Tests.Support.CapturesTests;

/// <summary>Builds synthetic frames, layer by layer, for the capture reader's tests. Checksums are left zero: the reader ignores them.</summary>
internal static class Packets
{
    public static readonly IPAddress A4 = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress B4 = IPAddress.Parse("192.0.2.2");
    public static readonly IPAddress A6 = IPAddress.Parse("2001:db8::1");
    public static readonly IPAddress B6 = IPAddress.Parse("2001:db8::2");

    /// <summary>A TCP header (no options unless <paramref name="optionWords"/>) and payload.</summary>
    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, uint sequence, TcpFlags flags, byte[] payload, int optionWords = 0)
    {
        int headerLength = 20 + optionWords * 4;
        var b = new byte[headerLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), sequence);
        b[12] = (byte)(headerLength / 4 << 4);
        b[13] = (byte)flags;
        b.AsSpan(20, optionWords * 4).Fill(0x01); // NOPs
        payload.CopyTo(b, headerLength);
        return b;
    }

    /// <summary>An IPv4 packet around <paramref name="payload"/>, with <paramref name="optionWords"/> words of NOP options.</summary>
    public static byte[] Ipv4(IPAddress source, IPAddress destination, byte[] payload, int optionWords = 0, ushort fragment = 0, byte protocol = 6)
    {
        int headerLength = 20 + optionWords * 4;
        var b = new byte[headerLength + payload.Length];
        b[0] = (byte)(0x40 | headerLength / 4);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)b.Length);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), fragment);
        b[8] = 64;
        b[9] = protocol;
        source.GetAddressBytes().CopyTo(b, 12);
        destination.GetAddressBytes().CopyTo(b, 16);
        b.AsSpan(20, optionWords * 4).Fill(0x01);
        payload.CopyTo(b, headerLength);
        return b;
    }

    /// <summary>An IPv6 packet; each of <paramref name="extensions"/> is a next-header value given an 8-byte empty extension header.</summary>
    public static byte[] Ipv6(IPAddress source, IPAddress destination, byte[] payload, params byte[] extensions)
    {
        var b = new byte[40 + extensions.Length * 8 + payload.Length];
        b[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)(b.Length - 40));
        b[6] = extensions.Length > 0 ? extensions[0] : (byte)6;
        b[7] = 64;
        source.GetAddressBytes().CopyTo(b, 8);
        destination.GetAddressBytes().CopyTo(b, 24);
        for (int i = 0; i < extensions.Length; i++)
        {
            int at = 40 + i * 8;
            b[at] = i + 1 < extensions.Length ? extensions[i + 1] : (byte)6;
            b[at + 1] = 0; // hdr ext len 0: 8 bytes (for the fragment header, offset 0 = first fragment)
        }
        payload.CopyTo(b, 40 + extensions.Length * 8);
        return b;
    }

    /// <summary>Ethernet II with optional tags: each tag is an 802.1Q/802.1ad TPID.</summary>
    public static byte[] Ethernet(byte[] ip, params ushort[] tagTypes)
    {
        ushort etherType = (ip[0] >> 4) == 6 ? (ushort)0x86DD : (ushort)0x0800;
        var b = new byte[14 + tagTypes.Length * 4 + ip.Length];
        b.AsSpan(0, 12).Fill(0x02);
        int at = 12;
        foreach (var tpid in tagTypes)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at + 2), 100); // VLAN 100
            at += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), etherType);
        ip.CopyTo(b, at + 2);
        return b;
    }

    public static byte[] Sll(byte[] ip)
    {
        var b = new byte[16 + ip.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), 1); // ARPHRD_ETHER
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), 6);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(14), (ip[0] >> 4) == 6 ? (ushort)0x86DD : (ushort)0x0800);
        ip.CopyTo(b, 16);
        return b;
    }

    public static byte[] Sll2(byte[] ip)
    {
        var b = new byte[20 + ip.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ip[0] >> 4) == 6 ? (ushort)0x86DD : (ushort)0x0800);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(8), 1);
        b[11] = 6;
        ip.CopyTo(b, 20);
        return b;
    }

    /// <summary>BSD loopback: the address family in the writer's byte order (AF_INET 2, AF_INET6 30 on Darwin).</summary>
    public static byte[] Null(byte[] ip, bool bigEndian)
    {
        var b = new byte[4 + ip.Length];
        uint family = (ip[0] >> 4) == 6 ? 30u : 2u;
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, family);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, family);
        ip.CopyTo(b, 4);
        return b;
    }

    /// <summary>A BGP message: marker, length, type and <paramref name="body"/>.</summary>
    public static byte[] BgpMessage(byte type, int bodyLength = 0)
    {
        var b = new byte[19 + bodyLength];
        b.AsSpan(0, 16).Fill(0xFF);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(16), (ushort)b.Length);
        b[18] = type;
        for (int i = 19; i < b.Length; i++) b[i] = (byte)i;
        return b;
    }

    public static byte[] Keepalive() => BgpMessage(4);

    /// <summary>A BMP v3 message of <paramref name="type"/> with a filler body.</summary>
    public static byte[] BmpMessage(byte type, int bodyLength)
    {
        var b = new byte[6 + bodyLength];
        b[0] = 3;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(1), (uint)b.Length);
        b[5] = type;
        for (int i = 6; i < b.Length; i++) b[i] = (byte)(0x40 + i % 16);
        return b;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
