using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>
/// Writes path attributes (RFC 4271 §4.3). On a 2-octet session, 4-octet ASNs in AS_PATH and
/// AGGREGATOR become AS_TRANS and AS4_PATH / AS4_AGGREGATOR are added (RFC 6793 §4.2.2).
/// <code>
/// +---------------+---------------+-------------------+---------+
/// | Flags (1)     | Type Code (1) | Length (1 or 2)   | Value   |
/// +---------------+---------------+-------------------+---------+
/// </code>
/// </summary>
public static class AttributeEncoder
{
    private const int As4PathCode = (int)AttrType.As4Path;

    /// <summary>Octets the attributes take, headers included.</summary>
    public static int EncodedLength(ReadOnlySpan<PathAttribute> attrs, CodecContext ctx)
    {
        int n = 0;
        foreach (var a in attrs)
        {
            int len = ValueLength(a, ctx);
            n += HeaderLength(a, len) + len;
        }
        n += As4Length(attrs, ctx);
        return n;
    }

    public static int Write(Span<byte> dst, ReadOnlySpan<PathAttribute> attrs, CodecContext ctx)
    {
        int i = 0;
        bool as4Pending = !ctx.FourOctetAs;
        foreach (var a in attrs)
        {
            if (as4Pending && (int)a.Type > As4PathCode + 1)
            {
                i += WriteAs4(dst[i..], attrs, ctx);
                as4Pending = false;
            }
            i += WriteOne(dst[i..], a, ctx);
        }
        if (as4Pending) i += WriteAs4(dst[i..], attrs, ctx);
        return i;
    }

    /// <summary>Writes one attribute with its header and returns the octets written.</summary>
    public static int WriteOne(Span<byte> dst, PathAttribute a, CodecContext ctx)
    {
        int len = ValueLength(a, ctx);
        int hdr = HeaderLength(a, len);
        byte flags = (byte)FlagsFor(a, len);
        dst[0] = flags;
        dst[1] = a is RawAttribute r ? r.TypeCode : (byte)a.Type;
        if (hdr == 4) BinaryPrimitives.WriteUInt16BigEndian(dst[2..], (ushort)len);
        else dst[2] = (byte)len;
        WriteValue(dst.Slice(hdr, len), a, ctx);
        return hdr + len;
    }

    internal static AttrFlags FlagsFor(PathAttribute a, int len)
    {
        AttrFlags f;
        if (a is RawAttribute) f = a.Flags & ~AttrFlags.ExtendedLength;
        else f = AttributeTable.ByCode[(byte)a.Type]!.Flags | (a.Flags & AttrFlags.Partial);
        if (len > 255 || (a.Flags & AttrFlags.ExtendedLength) != 0) f |= AttrFlags.ExtendedLength;
        return f;
    }

    private static int HeaderLength(PathAttribute a, int len) =>
        len > 255 || (a.Flags & AttrFlags.ExtendedLength) != 0 ? 4 : 3;

    public static int ValueLength(PathAttribute a, CodecContext ctx) => a switch
    {
        OriginAttribute => 1,
        AsPathAttribute p => AsPathCodec.EncodedLength(p.Path, ctx.FourOctetAs ? 4 : 2),
        NextHopAttribute or MedAttribute or LocalPrefAttribute or OriginatorIdAttribute or OtcAttribute => 4,
        AtomicAggregateAttribute => 0,
        AggregatorAttribute => ctx.FourOctetAs ? 8 : 6,
        CommunitiesAttribute c => c.Communities.Count * 4,
        ClusterListAttribute c => c.ClusterIds.Count * 4,
        MpReachAttribute m => MpReachValueLength(m, m.Nlri.AsSpan(), ctx),
        MpUnreachAttribute u => 3 + (u.IsTyped ? NlriLength(u.Nlri.AsSpan(), ctx.SendAddPath.Contains(u.Family)) : u.RawNlri.Count),
        ExtendedCommunitiesAttribute e => e.Communities.Count * 8,
        Ipv6ExtendedCommunitiesAttribute e => e.Communities.Count * Ipv6ExtendedCommunity.WireLength,
        LargeCommunitiesAttribute l => l.Communities.Count * LargeCommunity.WireLength,
        AigpAttribute g => AigpLength(g),
        RawAttribute r => r.Value.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(a), $"cannot encode {a.GetType().Name}"),
    };

    internal static int MpReachValueLength(MpReachAttribute m, ReadOnlySpan<Nlri> nlri, CodecContext ctx) =>
        m.IsTyped
            ? 5 + m.NextHop.WireLength + NlriLength(nlri, ctx.SendAddPath.Contains(m.Family))
            : 5 + m.RawNextHop.Count + m.RawNlri.Count;

    internal static int NlriLength(ReadOnlySpan<Nlri> nlri, bool addPath)
    {
        int n = 0;
        foreach (ref readonly var x in nlri) n += NlriCodec.EncodedLength(x, addPath);
        return n;
    }

    private static int AigpLength(AigpAttribute g)
    {
        int n = 0;
        foreach (var t in g.Tlvs) n += 3 + t.Value.Count;
        return n;
    }

    private static void WriteValue(Span<byte> v, PathAttribute a, CodecContext ctx)
    {
        switch (a)
        {
            case OriginAttribute o: v[0] = (byte)o.Value; break;
            case AsPathAttribute p: AsPathCodec.Write(v, p.Path, ctx.FourOctetAs ? 4 : 2); break;
            case NextHopAttribute n: BinaryPrimitives.WriteUInt32BigEndian(v, n.Address.V4Value); break;
            case MedAttribute m: BinaryPrimitives.WriteUInt32BigEndian(v, m.Value); break;
            case LocalPrefAttribute l: BinaryPrimitives.WriteUInt32BigEndian(v, l.Value); break;
            case OriginatorIdAttribute o: BinaryPrimitives.WriteUInt32BigEndian(v, o.RouterId.V4Value); break;
            case OtcAttribute o: BinaryPrimitives.WriteUInt32BigEndian(v, o.Asn); break;
            case AtomicAggregateAttribute: break;
            case AggregatorAttribute g:
                if (ctx.FourOctetAs)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(v, g.Asn);
                    BinaryPrimitives.WriteUInt32BigEndian(v[4..], g.Address.V4Value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16BigEndian(v, g.Asn > ushort.MaxValue ? BgpLimits.AsTrans : (ushort)g.Asn);
                    BinaryPrimitives.WriteUInt32BigEndian(v[2..], g.Address.V4Value);
                }
                break;
            case CommunitiesAttribute c:
                for (int i = 0; i < c.Communities.Count; i++) BinaryPrimitives.WriteUInt32BigEndian(v[(i * 4)..], c.Communities[i].Value);
                break;
            case ClusterListAttribute c:
                for (int i = 0; i < c.ClusterIds.Count; i++) BinaryPrimitives.WriteUInt32BigEndian(v[(i * 4)..], c.ClusterIds[i]);
                break;
            case MpReachAttribute m: WriteMpReachValue(v, m, m.Nlri.AsSpan(), ctx); break;
            case MpUnreachAttribute u:
                WriteFamily(v, u.Family);
                if (u.IsTyped) WriteNlri(v[3..], u.Nlri.AsSpan(), ctx.SendAddPath.Contains(u.Family)); // v ends with the NLRI
                else u.RawNlri.AsSpan().CopyTo(v[3..]);
                break;
            case ExtendedCommunitiesAttribute e:
                for (int i = 0; i < e.Communities.Count; i++) BinaryPrimitives.WriteUInt64BigEndian(v[(i * 8)..], e.Communities[i].Value);
                break;
            case Ipv6ExtendedCommunitiesAttribute e:
                for (int i = 0; i < e.Communities.Count; i++) e.Communities[i].WriteTo(v[(i * Ipv6ExtendedCommunity.WireLength)..]);
                break;
            case LargeCommunitiesAttribute l:
                for (int i = 0; i < l.Communities.Count; i++)
                {
                    var s = v[(i * 12)..];
                    var c = l.Communities[i];
                    BinaryPrimitives.WriteUInt32BigEndian(s, c.GlobalAdministrator);
                    BinaryPrimitives.WriteUInt32BigEndian(s[4..], c.LocalData1);
                    BinaryPrimitives.WriteUInt32BigEndian(s[8..], c.LocalData2);
                }
                break;
            case AigpAttribute g:
            {
                int i = 0;
                foreach (var t in g.Tlvs)
                {
                    v[i] = t.TlvType;
                    BinaryPrimitives.WriteUInt16BigEndian(v[(i + 1)..], (ushort)(3 + t.Value.Count));
                    t.Value.AsSpan().CopyTo(v[(i + 3)..]);
                    i += 3 + t.Value.Count;
                }
                break;
            }
            case RawAttribute r: r.Value.AsSpan().CopyTo(v); break;
        }
    }

    internal static int WriteMpReachValue(Span<byte> v, MpReachAttribute m, ReadOnlySpan<Nlri> nlri, CodecContext ctx)
    {
        WriteFamily(v, m.Family);
        int i = 3;
        if (m.IsTyped)
        {
            v[i++] = (byte)m.NextHop.WireLength;
            i += m.NextHop.Address.WriteTo(v[i..]);
            if (m.NextHop.LinkLocal is { } ll) i += ll.WriteTo(v[i..]);
            v[i++] = 0; // Reserved (RFC 4760 §3)
            i += WriteNlri(v[i..], nlri, ctx.SendAddPath.Contains(m.Family));
        }
        else
        {
            v[i++] = (byte)m.RawNextHop.Count;
            m.RawNextHop.AsSpan().CopyTo(v[i..]);
            i += m.RawNextHop.Count;
            v[i++] = 0;
            m.RawNlri.AsSpan().CopyTo(v[i..]);
            i += m.RawNlri.Count;
        }
        return i;
    }

    internal static void WriteFamily(Span<byte> v, AfiSafi f)
    {
        BinaryPrimitives.WriteUInt16BigEndian(v, (ushort)f.Afi);
        v[2] = (byte)f.Safi;
    }

    internal static int WriteNlri(Span<byte> dst, ReadOnlySpan<Nlri> nlri, bool addPath) =>
        NlriCodec.WriteAll(dst, nlri, addPath);

    // --- RFC 6793 §4.2.2: AS4_PATH / AS4_AGGREGATOR towards a 2-octet speaker -------------------

    private static (AsPath? Path, AggregatorAttribute? Aggregator) As4Needs(ReadOnlySpan<PathAttribute> attrs, CodecContext ctx)
    {
        if (ctx.FourOctetAs) return (null, null);
        AsPath? path = null;
        AggregatorAttribute? agg = null;
        foreach (var a in attrs)
        {
            if (a is AsPathAttribute p && p.Path.HasFourOctetAsn) path = p.Path;
            else if (a is AggregatorAttribute g && g.Asn > ushort.MaxValue) agg = g;
        }
        return (path, agg);
    }

    private static int As4Length(ReadOnlySpan<PathAttribute> attrs, CodecContext ctx)
    {
        var (path, agg) = As4Needs(attrs, ctx);
        int n = 0;
        if (path is { } p)
        {
            int len = AsPathCodec.EncodedLength(p, 4, skipConfed: true);
            n += (len > 255 ? 4 : 3) + len;
        }
        if (agg is not null) n += 3 + 8;
        return n;
    }

    private static int WriteAs4(Span<byte> dst, ReadOnlySpan<PathAttribute> attrs, CodecContext ctx)
    {
        var (path, agg) = As4Needs(attrs, ctx);
        int i = 0;
        if (path is { } p)
        {
            int len = AsPathCodec.EncodedLength(p, 4, skipConfed: true);
            bool ext = len > 255;
            dst[0] = (byte)(AttrFlags.OptionalTransitive | (ext ? AttrFlags.ExtendedLength : 0));
            dst[1] = (byte)AttrType.As4Path;
            if (ext) BinaryPrimitives.WriteUInt16BigEndian(dst[2..], (ushort)len); else dst[2] = (byte)len;
            i = ext ? 4 : 3;
            i += AsPathCodec.Write(dst[i..], p, 4, skipConfed: true);
        }
        if (agg is not null)
        {
            dst[i] = (byte)AttrFlags.OptionalTransitive;
            dst[i + 1] = (byte)AttrType.As4Aggregator;
            dst[i + 2] = 8;
            BinaryPrimitives.WriteUInt32BigEndian(dst[(i + 3)..], agg.Asn);
            BinaryPrimitives.WriteUInt32BigEndian(dst[(i + 7)..], agg.Address.V4Value);
            i += 11;
        }
        return i;
    }
}
