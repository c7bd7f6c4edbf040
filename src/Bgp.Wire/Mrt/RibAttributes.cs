using System.Buffers;
using System.Buffers.Binary;

namespace Bgp.Wire.Mrt;

/// <summary>
/// Path attribute blocks as MRT RIB entries carry them. RFC 6396 §4.3.4 abbreviates
/// MP_REACH_NLRI there to the next hop alone, since the NLRI is the record's prefix:
/// <code>
/// full (RFC 4760 §3)                     in a RIB entry (RFC 6396 §4.3.4)
/// +---------------------------------+    +---------------------------------+
/// | AFI (2) | SAFI (1)              |    | Next Hop Length (1)             |
/// | Next Hop Length (1)             |    | Next Hop (variable)             |
/// | Next Hop (variable)             |    +---------------------------------+
/// | Reserved (1)                    |
/// | NLRI (variable)                 |
/// +---------------------------------+
/// </code>
/// On decode the abbreviated form is expanded with the record's family and handed to
/// <see cref="UpdateDecoder.DecodeAttributes"/>; it comes out as an <see cref="MpReachAttribute"/> without NLRI,
/// which the encoder writes abbreviated again. A full-form MP_REACH_NLRI (some writers use it) is
/// recognised because its length is not one more than its first octet.
/// </summary>
internal static class RibAttributes
{
    private const byte MpReachCode = (byte)AttrType.MpReachNlri;

    public static EquatableArray<PathAttribute> Decode(
        ReadOnlySpan<byte> attrs, CodecContext ctx, AfiSafi family, out EquatableArray<WireError> errors)
    {
        errors = default;
        if (attrs.IsEmpty) return default;
        // Room for one expanded MP_REACH_NLRI (4 more octets, 1 more for the longer header).
        var buffer = ArrayPool<byte>.Shared.Rent(attrs.Length + 16);
        try
        {
            int len = Expand(attrs, buffer, family);
            var decoded = UpdateDecoder.DecodeAttributes(buffer.AsSpan(0, len), ctx, out var wireErrors);
            if (wireErrors is { Any: true }) errors = wireErrors.All.ToArray();
            return decoded ?? default;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies the attributes, expanding an abbreviated MP_REACH_NLRI; returns the octets written.</summary>
    private static int Expand(ReadOnlySpan<byte> src, Span<byte> dst, AfiSafi family)
    {
        int i = 0, o = 0;
        bool done = false;
        while (i < src.Length)
        {
            int rest = src.Length - i;
            bool ext = rest >= 1 && (src[i] & (byte)AttrFlags.ExtendedLength) != 0;
            int hdr = ext ? 4 : 3;
            if (rest < hdr) break;
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(src[(i + 2)..]) : src[i + 2];
            if (len > rest - hdr) break;
            var value = src.Slice(i + hdr, len);
            if (!done && src[i + 1] == MpReachCode && len >= 1 && value[0] + 1 == len)
            {
                done = true; // RFC 7606 §3(g): a second MP_REACH_NLRI is the decoder's to reject, unchanged
                int full = len + 4;
                bool fullExt = ext || full > 255;
                dst[o] = (byte)(src[i] | (fullExt ? (byte)AttrFlags.ExtendedLength : 0));
                dst[o + 1] = MpReachCode;
                if (fullExt) { BinaryPrimitives.WriteUInt16BigEndian(dst[(o + 2)..], (ushort)full); o += 4; }
                else { dst[o + 2] = (byte)full; o += 3; }
                AttributeEncoder.WriteFamily(dst[o..], family);
                value.CopyTo(dst[(o + 3)..]);
                dst[o + 3 + len] = 0; // Reserved
                o += full;
            }
            else
            {
                src.Slice(i, hdr + len).CopyTo(dst[o..]);
                o += hdr + len;
            }
            i += hdr + len;
        }
        // Whatever could not be walked goes through as is, for the decoder to report.
        src[i..].CopyTo(dst[o..]);
        return o + (src.Length - i);
    }

    /// <summary>The attributes with any NLRI-less MP_REACH_NLRI swapped for its abbreviated raw form.</summary>
    public static ReadOnlySpan<PathAttribute> ForRib(EquatableArray<PathAttribute> attrs)
    {
        var span = attrs.AsSpan();
        int k = -1;
        for (int j = 0; j < span.Length; j++)
            if (span[j] is MpReachAttribute { Nlri.IsEmpty: true, RawNlri.IsEmpty: true }) { k = j; break; }
        if (k < 0) return span;
        var copy = span.ToArray();
        var m = (MpReachAttribute)copy[k];
        var value = new byte[1 + (m.IsTyped ? m.NextHop.WireLength : m.RawNextHop.Count)];
        if (m.IsTyped)
        {
            int n = 1 + m.NextHop.Address.WriteTo(value.AsSpan(1));
            if (m.NextHop.LinkLocal is { } ll) n += ll.WriteTo(value.AsSpan(n));
            value[0] = (byte)(n - 1);
        }
        else
        {
            value[0] = (byte)m.RawNextHop.Count;
            m.RawNextHop.AsSpan().CopyTo(value.AsSpan(1));
        }
        copy[k] = new RawAttribute(MpReachCode, value)
        {
            Flags = AttrFlags.Optional | (m.Flags & (AttrFlags.Partial | AttrFlags.ExtendedLength)),
        };
        return copy;
    }
}
