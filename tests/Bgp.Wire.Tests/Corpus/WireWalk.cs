using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// A deliberately small, independent walk over a well-formed UPDATE's wire layout (RFC 4271 §4.3),
/// so tests can check what the codec kept against the octets themselves rather than against the
/// codec's own reading of them. Returns nothing useful for malformed input; callers use it only
/// on messages the codec decoded cleanly.
/// <code>
/// UPDATE body: wdLen(2) withdrawn | attrLen(2) attributes | NLRI
/// attribute:   flags(1) type(1) length(1, or 2 with Extended Length) value
/// </code>
/// </summary>
public static class WireWalk
{
    /// <summary>One path attribute as it sits in the message: offsets are into the whole message.</summary>
    public readonly record struct WireAttribute(byte Flags, byte Code, int HeaderOffset, int ValueOffset, int Length)
    {
        public bool ExtendedLength => (Flags & 0x10) != 0;
        public int End => ValueOffset + Length;
    }

    /// <summary>An UPDATE's three fields, as (offset, length) into the whole message.</summary>
    public readonly record struct UpdateLayout((int Offset, int Length) Withdrawn, (int Offset, int Length) Attributes, (int Offset, int Length) Nlri);

    public static UpdateLayout Layout(ReadOnlySpan<byte> message)
    {
        int wd = BinaryPrimitives.ReadUInt16BigEndian(message[19..]);
        int attrLenAt = 21 + wd;
        int at = BinaryPrimitives.ReadUInt16BigEndian(message[attrLenAt..]);
        int nlri = attrLenAt + 2 + at;
        return new UpdateLayout((21, wd), (attrLenAt + 2, at), (nlri, message.Length - nlri));
    }

    public static List<WireAttribute> Attributes(ReadOnlySpan<byte> message)
    {
        var (offset, length) = Layout(message).Attributes;
        var list = new List<WireAttribute>();
        int i = offset, end = offset + length;
        while (i + 3 <= end)
        {
            byte flags = message[i];
            bool ext = (flags & 0x10) != 0;
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(message[(i + 2)..]) : message[i + 2];
            int hdr = ext ? 4 : 3;
            list.Add(new WireAttribute(flags, message[i + 1], i, i + hdr, len));
            i += hdr + len;
        }
        return list;
    }

    /// <summary>MP_REACH_NLRI's parts (RFC 4760 §3): family, next hop, the Reserved octet and the NLRI.</summary>
    public readonly struct MpReachParts(AfiSafi family, byte[] nextHop, byte reserved, byte[] nlri)
    {
        public AfiSafi Family { get; } = family;
        public byte[] NextHop { get; } = nextHop;
        public byte Reserved { get; } = reserved;
        public byte[] Nlri { get; } = nlri;
    }

    public static MpReachParts? MpReach(ReadOnlySpan<byte> message)
    {
        foreach (var a in Attributes(message))
        {
            if (a.Code != (byte)AttrType.MpReachNlri) continue;
            var v = message.Slice(a.ValueOffset, a.Length);
            int nh = v[3];
            return new MpReachParts(Family(v), v.Slice(4, nh).ToArray(), v[4 + nh], v[(5 + nh)..].ToArray());
        }
        return null;
    }

    /// <summary>MP_UNREACH_NLRI's parts (RFC 4760 §4): family and withdrawn routes.</summary>
    public static (AfiSafi Family, byte[] Withdrawn)? MpUnreach(ReadOnlySpan<byte> message)
    {
        foreach (var a in Attributes(message))
        {
            if (a.Code != (byte)AttrType.MpUnreachNlri) continue;
            var v = message.Slice(a.ValueOffset, a.Length);
            return (Family(v), v[3..].ToArray());
        }
        return null;
    }

    private static AfiSafi Family(ReadOnlySpan<byte> v) => new((Afi)BinaryPrimitives.ReadUInt16BigEndian(v), (Safi)v[2]);

    /// <summary>
    /// Whether any prefix in a run of NLRI (RFC 4271 §4.3, RFC 7911 §3 with path identifiers) has
    /// bits set past its length: the codec clears them, so such a run cannot come back identical.
    /// </summary>
    public static bool HasHostBits(ReadOnlySpan<byte> run, bool addPath)
    {
        int i = 0;
        while (i < run.Length)
        {
            if (addPath) i += 4;
            int bits = run[i++];
            int bytes = (bits + 7) / 8;
            if (bits % 8 != 0 && (run[i + bytes - 1] & (0xFF >> (bits % 8))) != 0) return true;
            i += bytes;
        }
        return false;
    }
}
