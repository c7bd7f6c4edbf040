using System.Buffers.Binary;
using System.Net;

namespace Bgp.Wire.Tests.Support.Captures;

internal static partial class PacketDecoder
{
    // IANA "Assigned Internet Protocol Numbers": TCP and the IPv6 extension headers (RFC 8200 §4, RFC 4302, RFC 6275, RFC 7401, RFC 5533).
    private const byte ProtocolTcp = 6;
    private const byte HopByHopOptions = 0;
    private const byte Routing = 43;
    private const byte Fragment = 44;
    private const byte AuthenticationHeader = 51;
    private const byte DestinationOptions = 60;
    private const byte Mobility = 135;
    private const byte Hip = 139;
    private const byte Shim6 = 140;
    private const int MaxExtensionHeaders = 16;

    /// <summary>
    /// IPv4 (RFC 791). The payload ends at Total Length, which drops link-layer padding; a capture cut short by the
    /// snapshot length keeps what it has and says so. Fragments after the first carry no TCP header and are skipped.
    /// <code>
    /// ver/IHL(1) TOS(1) total length(2) id(2) flags/fragment offset(2) TTL(1) protocol(1) checksum(2) source(4) destination(4) options
    /// </code>
    /// </summary>
    private static DecodeStatus DecodeIpv4(ReadOnlySpan<byte> f, int at, out TcpPacket packet, out string? problem)
    {
        packet = default;
        problem = null;
        if (!NeedBytes(f, at + 20, "IPv4 header", ref problem)) return DecodeStatus.Malformed;
        var ip = f[at..];
        if (ip[0] >> 4 != 4) { problem = $"IPv4 header with version {ip[0] >> 4}"; return DecodeStatus.Malformed; }
        int headerLength = (ip[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (totalLength == 0) totalLength = ip.Length; // segmentation offload leaves it zero
        if (headerLength < 20 || headerLength > totalLength || headerLength > ip.Length)
        {
            problem = $"IPv4 header length {headerLength} with total length {totalLength} and {ip.Length} bytes captured";
            return DecodeStatus.Malformed;
        }
        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        if (ip[9] != ProtocolTcp) return DecodeStatus.NotTcp;
        if ((fragment & 0x1FFF) != 0) { problem = "IPv4 fragment after the first, skipped"; return DecodeStatus.NotTcp; }
        string? note = (fragment & 0x2000) != 0 ? "first IPv4 fragment; the rest of the datagram is not reassembled" : null;
        var direction = (new IPAddress(ip.Slice(12, 4)), new IPAddress(ip.Slice(16, 4)));
        var status = DecodeTcp(f, at + headerLength, at + totalLength, direction, out packet, out problem);
        problem ??= note;
        return status;
    }

    /// <summary>
    /// IPv6 (RFC 8200) and the extension headers whose length can be read generically.
    /// <code>
    /// ver/class/flow(4) payload length(2) next header(1) hop limit(1) source(16) destination(16), then extension headers
    /// </code>
    /// </summary>
    private static DecodeStatus DecodeIpv6(ReadOnlySpan<byte> f, int at, out TcpPacket packet, out string? problem)
    {
        packet = default;
        problem = null;
        if (!NeedBytes(f, at + 40, "IPv6 header", ref problem)) return DecodeStatus.Malformed;
        var ip = f[at..];
        if (ip[0] >> 4 != 6) { problem = $"IPv6 header with version {ip[0] >> 4}"; return DecodeStatus.Malformed; }
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        int end = payloadLength == 0 ? f.Length : at + 40 + payloadLength; // 0: a jumbogram (RFC 2675) or offload
        byte next = ip[6];
        var direction = (new IPAddress(ip.Slice(8, 16)), new IPAddress(ip.Slice(24, 16)));
        int cursor = at + 40;
        for (int i = 0; next != ProtocolTcp; i++)
        {
            if (i == MaxExtensionHeaders) { problem = $"more than {MaxExtensionHeaders} IPv6 extension headers"; return DecodeStatus.Malformed; }
            if (!NeedBytes(f, cursor + 8, "IPv6 extension header", ref problem)) return DecodeStatus.Malformed;
            int length;
            switch (next)
            {
                case HopByHopOptions or Routing or DestinationOptions or Mobility or Hip or Shim6:
                    length = (f[cursor + 1] + 1) * 8; // RFC 8200 §4.3: length in 8-octet units, not counting the first 8
                    break;
                case Fragment: // only the first fragment carries the TCP header
                    if ((BinaryPrimitives.ReadUInt16BigEndian(f[(cursor + 2)..]) & 0xFFF8) != 0)
                    {
                        problem = "IPv6 fragment after the first, skipped";
                        return DecodeStatus.NotTcp;
                    }
                    length = 8;
                    break;
                case AuthenticationHeader: // RFC 4302 §2.2: length in 4-octet units, minus 2
                    length = (f[cursor + 1] + 2) * 4;
                    break;
                default: // ESP, no next header, or an upper layer other than TCP
                    return DecodeStatus.NotTcp;
            }
            next = f[cursor];
            cursor += length;
        }
        return DecodeTcp(f, cursor, end, direction, out packet, out problem);
    }

    /// <summary>
    /// TCP (RFC 9293 §3.1): the payload starts after Data Offset 32-bit words and ends at the IP end.
    /// <code>
    /// source port(2) destination port(2) sequence(4) acknowledgment(4) data offset/reserved(1) flags(1) window(2) checksum(2) urgent(2) options
    /// </code>
    /// </summary>
    private static DecodeStatus DecodeTcp(ReadOnlySpan<byte> f, int at, int ipEnd, (IPAddress Source, IPAddress Destination) addresses,
        out TcpPacket packet, out string? problem)
    {
        packet = default;
        problem = null;
        if (ipEnd < at) { problem = "IP length ends before the TCP header"; return DecodeStatus.Malformed; }
        if (!NeedBytes(f, at + 20, "TCP header", ref problem)) return DecodeStatus.Malformed;
        var tcp = f[at..];
        int headerLength = (tcp[12] >> 4) * 4;
        if (headerLength < 20 || at + headerLength > Math.Min(ipEnd, f.Length))
        {
            problem = $"TCP data offset {headerLength} does not fit the segment";
            return DecodeStatus.Malformed;
        }
        int end = ipEnd;
        if (end > f.Length)
        {
            problem = $"frame truncated by the capture: {end - f.Length} bytes of TCP payload missing";
            end = f.Length;
        }
        var source = new TcpEndpoint(addresses.Source, BinaryPrimitives.ReadUInt16BigEndian(tcp));
        var destination = new TcpEndpoint(addresses.Destination, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]));
        packet = new TcpPacket(new TcpDirection(source, destination), BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            (TcpFlags)tcp[13], at + headerLength, end - at - headerLength);
        return DecodeStatus.Tcp;
    }
}
