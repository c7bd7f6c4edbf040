using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// Peels a frame down to its TCP segment: link layer, then IPv4 or IPv6, then TCP. Every read is bounds-checked;
/// a frame that is not TCP over IP yields <see cref="DecodeStatus.NotTcp"/>, one that is damaged yields
/// <see cref="DecodeStatus.Malformed"/> with the reason, one of a link type not handled yields
/// <see cref="DecodeStatus.Unsupported"/>, and nothing throws. A problem may also come with <see cref="DecodeStatus.Tcp"/>
/// (a frame cut by the snapshot length, a first fragment) or <see cref="DecodeStatus.NotTcp"/> (a later fragment).
/// </summary>
internal static partial class PacketDecoder
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;     // IEEE 802.1Q
    private const ushort EtherTypeQinQ = 0x88A8;     // IEEE 802.1ad
    private const ushort EtherTypeQinQOld = 0x9100;  // pre-standard QinQ
    private const ushort EtherTypeMplsUnicast = 0x8847;
    private const ushort EtherTypeMplsMulticast = 0x8848;
    private const int MaxTags = 8;

    public enum DecodeStatus { Tcp, NotTcp, Malformed, Unsupported }

    /// <summary>Decodes a frame of <paramref name="linkType"/>; on <see cref="DecodeStatus.Tcp"/>, offsets in the packet are relative to <paramref name="frame"/>.</summary>
    public static DecodeStatus Decode(LinkType linkType, ReadOnlySpan<byte> frame, out TcpPacket packet, out string? problem)
    {
        packet = default;
        problem = null;
        if (!Enum.IsDefined(linkType)) return DecodeStatus.Unsupported;
        int start = LinkPayloadOffset(linkType, frame, out ushort etherType, ref problem);
        if (start < 0) return problem is null ? DecodeStatus.NotTcp : DecodeStatus.Malformed;
        if (etherType == 0) etherType = IpVersionAsEtherType(frame[start..]);
        return etherType switch
        {
            EtherTypeIpv4 => DecodeIpv4(frame, start, out packet, out problem),
            EtherTypeIpv6 => DecodeIpv6(frame, start, out packet, out problem),
            _ => DecodeStatus.NotTcp,
        };
    }

    /// <summary>
    /// Where the network layer starts, and its EtherType (0 when only the IP version nibble can tell).
    /// Returns -1 when the frame carries no IP, setting <paramref name="problem"/> only if it is damaged.
    /// </summary>
    private static int LinkPayloadOffset(LinkType linkType, ReadOnlySpan<byte> f, out ushort etherType, ref string? problem)
    {
        etherType = 0;
        switch (linkType)
        {
            case LinkType.Ethernet:
                return Ethernet(f, 0, out etherType, ref problem);
            case LinkType.Raw or LinkType.RawBsdi or LinkType.RawOpenBsd:
                return 0;
            case LinkType.Ipv4:
                etherType = EtherTypeIpv4;
                return 0;
            case LinkType.Ipv6:
                etherType = EtherTypeIpv6;
                return 0;
            case LinkType.Null or LinkType.Loop:
                // BSD loopback: a 4-byte address family; DLT_NULL writes it in the capturing host's order, so the
                // version nibble of the IP header that follows decides (AF_INET6 differs between BSDs anyway).
                return NeedBytes(f, 4, "loopback header", ref problem) ? 4 : -1;
            case LinkType.LinuxSll:
                // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
                if (!NeedBytes(f, 16, "Linux cooked header", ref problem)) return -1;
                return EtherTypeChain(f, 16, BinaryPrimitives.ReadUInt16BigEndian(f[14..]), out etherType, ref problem);
            case LinkType.LinuxSll2:
                // protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1) address length(1) address(8)
                if (!NeedBytes(f, 20, "Linux cooked v2 header", ref problem)) return -1;
                return EtherTypeChain(f, 20, BinaryPrimitives.ReadUInt16BigEndian(f), out etherType, ref problem);
            case LinkType.CiscoHdlc:
                // address(1) control(1) protocol(2), the protocol being an EtherType
                if (!NeedBytes(f, 4, "Cisco HDLC header", ref problem)) return -1;
                return EtherTypeChain(f, 4, BinaryPrimitives.ReadUInt16BigEndian(f[2..]), out etherType, ref problem);
            case LinkType.Ppp or LinkType.PppHdlc:
                return Ppp(f, out etherType, ref problem);
            case LinkType.JuniperEther:
                return JuniperEther(f, out etherType, ref problem);
            default:
                return -1;
        }
    }

    /// <summary>Ethernet II: destination(6) source(6) EtherType(2), then any 802.1Q/802.1ad tags.</summary>
    private static int Ethernet(ReadOnlySpan<byte> f, int at, out ushort etherType, ref string? problem)
    {
        etherType = 0;
        if (!NeedBytes(f, at + 14, "Ethernet header", ref problem)) return -1;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(f[(at + 12)..]);
        if (type < 0x0600) return -1; // IEEE 802.3 length field: LLC, not IP
        return EtherTypeChain(f, at + 14, type, out etherType, ref problem);
    }

    /// <summary>Follows VLAN tags (TCI(2) EtherType(2) each) and an MPLS label stack to the IP header.</summary>
    private static int EtherTypeChain(ReadOnlySpan<byte> f, int at, ushort type, out ushort etherType, ref string? problem)
    {
        etherType = 0;
        for (int tags = 0; type is EtherTypeVlan or EtherTypeQinQ or EtherTypeQinQOld; tags++)
        {
            if (tags == MaxTags) { problem = $"more than {MaxTags} VLAN tags"; return -1; }
            if (!NeedBytes(f, at + 4, "VLAN tag", ref problem)) return -1;
            type = BinaryPrimitives.ReadUInt16BigEndian(f[(at + 2)..]);
            at += 4;
        }
        if (type is EtherTypeMplsUnicast or EtherTypeMplsMulticast)
        {
            // RFC 3032: 4-byte entries until the bottom-of-stack bit; the payload's version nibble tells the rest.
            for (int labels = 0; ; labels++)
            {
                if (labels == MaxTags) { problem = $"more than {MaxTags} MPLS labels"; return -1; }
                if (!NeedBytes(f, at + 4, "MPLS label", ref problem)) return -1;
                bool bottom = (f[at + 2] & 0x01) != 0;
                at += 4;
                if (bottom) return at;
            }
        }
        if (type is not (EtherTypeIpv4 or EtherTypeIpv6)) return -1;
        etherType = type;
        return at;
    }

    /// <summary>PPP (RFC 1661) with optional RFC 1662 address/control bytes and a 1- or 2-byte protocol field.</summary>
    private static int Ppp(ReadOnlySpan<byte> f, out ushort etherType, ref string? problem)
    {
        etherType = 0;
        int at = f.Length >= 2 && f[0] == 0xFF && f[1] == 0x03 ? 2 : 0;
        if (!NeedBytes(f, at + 1, "PPP protocol", ref problem)) return -1;
        int protocol;
        if ((f[at] & 0x01) != 0) protocol = f[at++]; // RFC 1661 §6.5 protocol-field compression
        else
        {
            if (!NeedBytes(f, at + 2, "PPP protocol", ref problem)) return -1;
            protocol = BinaryPrimitives.ReadUInt16BigEndian(f[at..]);
            at += 2;
        }
        etherType = protocol switch { 0x0021 => EtherTypeIpv4, 0x0057 => EtherTypeIpv6, _ => (ushort)0 };
        return etherType == 0 ? -1 : at;
    }

    /// <summary>
    /// Juniper pseudo-header: magic "MGC"(3) flags(1) [extensions length(2) extension TLVs] then Ethernet,
    /// or, when the "no L2" flag is set, a 4-byte protocol family and the IP packet.
    /// </summary>
    private static int JuniperEther(ReadOnlySpan<byte> f, out ushort etherType, ref string? problem)
    {
        const byte flagNoL2 = 0x02, flagExtensions = 0x80;
        etherType = 0;
        if (!NeedBytes(f, 4, "Juniper header", ref problem)) return -1;
        if (f[0] != (byte)'M' || f[1] != (byte)'G' || f[2] != (byte)'C') { problem = "Juniper header without its magic"; return -1; }
        byte flags = f[3];
        int at = 4;
        if ((flags & flagExtensions) != 0)
        {
            if (!NeedBytes(f, 6, "Juniper extensions length", ref problem)) return -1;
            at = 6 + BinaryPrimitives.ReadUInt16BigEndian(f[4..]);
        }
        if ((flags & flagNoL2) != 0) return NeedBytes(f, at + 4, "Juniper protocol family", ref problem) ? at + 4 : -1;
        return Ethernet(f, at, out etherType, ref problem);
    }

    private static ushort IpVersionAsEtherType(ReadOnlySpan<byte> ip) =>
        ip.IsEmpty ? (ushort)0 : (ip[0] >> 4) switch { 4 => EtherTypeIpv4, 6 => EtherTypeIpv6, _ => (ushort)0 };

    private static bool NeedBytes(ReadOnlySpan<byte> f, int count, string what, ref string? problem)
    {
        if (f.Length >= count) return true;
        problem = $"{what} truncated: frame has {f.Length} bytes, needs {count}";
        return false;
    }
}
