using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>Per-attribute decode state handed to each decoder: the session's context and an error slot.</summary>
internal struct AttrDecodeContext
{
    public CodecContext Codec;
    /// <summary>Set by a decoder that finds its value malformed.</summary>
    public string? Error;
    /// <summary>A decoder may strengthen or weaken the table's reaction (MP_* without a usable AFI/SAFI).</summary>
    public ErrorAction? ActionOverride;
    public AfiSafi? Family;
}

internal delegate PathAttribute? AttrDecoder(ReadOnlySpan<byte> value, ref AttrDecodeContext ctx);

/// <summary>
/// One row per typed attribute: expected Optional/Transitive bits, the RFC 7606 reaction when it is
/// malformed, the NOTIFICATION subcode a session reset would use, and the decoder. The driver in
/// <see cref="UpdateDecoder"/> handles framing, flags and duplicates once for all of them.
/// </summary>
internal sealed record AttrDescriptor(
    AttrType Type, string Name, AttrFlags Flags, ErrorAction OnMalformed, UpdateErrorSubcode Subcode, AttrDecoder Decode);

internal static class AttributeTable
{
    private const AttrFlags WK = AttrFlags.WellKnown;
    private const AttrFlags OT = AttrFlags.OptionalTransitive;
    private const AttrFlags ON = AttrFlags.OptionalNonTransitive;
    private const ErrorAction Withdraw = ErrorAction.TreatAsWithdraw;
    private const ErrorAction Discard = ErrorAction.AttributeDiscard;

    public static readonly AttrDescriptor?[] ByCode = Build();

    private static AttrDescriptor?[] Build()
    {
        var t = new AttrDescriptor?[256];
        void Add(AttrType type, string name, AttrFlags flags, ErrorAction onMalformed, UpdateErrorSubcode sub, AttrDecoder d) =>
            t[(int)type] = new AttrDescriptor(type, name, flags, onMalformed, sub, d);

        // RFC 7606 §7.1
        Add(AttrType.Origin, "ORIGIN", WK, Withdraw, UpdateErrorSubcode.InvalidOriginAttribute, DecodeOrigin);
        // RFC 7606 §7.2
        Add(AttrType.AsPath, "AS_PATH", WK, Withdraw, UpdateErrorSubcode.MalformedAsPath, DecodeAsPath);
        // RFC 7606 §7.3
        Add(AttrType.NextHop, "NEXT_HOP", WK, Withdraw, UpdateErrorSubcode.InvalidNextHopAttribute, DecodeNextHop);
        // RFC 7606 §7.4
        Add(AttrType.MultiExitDisc, "MULTI_EXIT_DISC", ON, Withdraw, UpdateErrorSubcode.AttributeLengthError, DecodeMed);
        // RFC 7606 §7.5
        Add(AttrType.LocalPref, "LOCAL_PREF", WK, Withdraw, UpdateErrorSubcode.AttributeLengthError, DecodeLocalPref);
        // RFC 7606 §7.6
        Add(AttrType.AtomicAggregate, "ATOMIC_AGGREGATE", WK, Discard, UpdateErrorSubcode.AttributeLengthError, DecodeAtomicAggregate);
        // RFC 7606 §7.7
        Add(AttrType.Aggregator, "AGGREGATOR", OT, Discard, UpdateErrorSubcode.AttributeLengthError, DecodeAggregator);
        // RFC 7606 §7.8
        Add(AttrType.Communities, "COMMUNITIES", OT, Withdraw, UpdateErrorSubcode.OptionalAttributeError, DecodeCommunities);
        // RFC 7606 §7.9
        Add(AttrType.OriginatorId, "ORIGINATOR_ID", ON, Withdraw, UpdateErrorSubcode.AttributeLengthError,
            (v, ref c) => Fixed4(v, ref c) is { } x ? new OriginatorIdAttribute(IpAddr.V4(x)) : null);
        // RFC 7606 §7.10
        Add(AttrType.ClusterList, "CLUSTER_LIST", ON, Withdraw, UpdateErrorSubcode.AttributeLengthError, DecodeClusterList);
        // RFC 7606 §7.11 (the decoder sets the family, or asks for a reset when it cannot be read)
        Add(AttrType.MpReachNlri, "MP_REACH_NLRI", ON, ErrorAction.AfiSafiDisable, UpdateErrorSubcode.OptionalAttributeError, MpDecoders.DecodeReach);
        Add(AttrType.MpUnreachNlri, "MP_UNREACH_NLRI", ON, ErrorAction.AfiSafiDisable, UpdateErrorSubcode.OptionalAttributeError, MpDecoders.DecodeUnreach);
        // RFC 7606 §7.14
        Add(AttrType.ExtendedCommunities, "EXTENDED_COMMUNITIES", OT, Withdraw, UpdateErrorSubcode.OptionalAttributeError, DecodeExtCommunities);
        // RFC 6793 §6: malformed AS4_PATH / AS4_AGGREGATOR are discarded
        Add(AttrType.As4Path, "AS4_PATH", OT, Discard, UpdateErrorSubcode.OptionalAttributeError,
            (v, ref c) => AsPathCodec.TryRead(v, 4, out var p, out c.Error) ? new As4PathCarrier(p) : null);
        Add(AttrType.As4Aggregator, "AS4_AGGREGATOR", OT, Discard, UpdateErrorSubcode.OptionalAttributeError,
            (v, ref c) => v.Length == 8
                ? new As4AggregatorCarrier(BinaryPrimitives.ReadUInt32BigEndian(v), IpAddr.ReadV4(v[4..]))
                : Fail(ref c, $"length {v.Length}, expected 8"));
        // RFC 7606 §7.15
        Add(AttrType.Ipv6ExtendedCommunities, "IPV6_EXTENDED_COMMUNITIES", OT, Withdraw, UpdateErrorSubcode.OptionalAttributeError, DecodeIpv6ExtCommunities);
        // RFC 7311 §3: a malformed AIGP is discarded
        Add(AttrType.Aigp, "AIGP", ON, Discard, UpdateErrorSubcode.OptionalAttributeError, DecodeAigp);
        // RFC 8092 §6
        Add(AttrType.LargeCommunities, "LARGE_COMMUNITIES", OT, Withdraw, UpdateErrorSubcode.OptionalAttributeError, DecodeLargeCommunities);
        // RFC 9234 §5
        Add(AttrType.Otc, "OTC", OT, Withdraw, UpdateErrorSubcode.AttributeLengthError,
            (v, ref c) => Fixed4(v, ref c) is { } x ? new OtcAttribute(x) : null);
        return t;
    }

    public static string NameOf(byte code) => ByCode[code]?.Name ?? $"ATTR_{code}";

    private static PathAttribute? Fail(ref AttrDecodeContext c, string error)
    {
        c.Error = error;
        return null;
    }

    private static uint? Fixed4(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (v.Length == 4) return BinaryPrimitives.ReadUInt32BigEndian(v);
        c.Error = $"length {v.Length}, expected 4";
        return null;
    }

    internal static PathAttribute? DecodeMed(ReadOnlySpan<byte> v, ref AttrDecodeContext c) =>
        Fixed4(v, ref c) is { } x ? ScalarAttributeCache.Med(x) : null;

    internal static PathAttribute? DecodeLocalPref(ReadOnlySpan<byte> v, ref AttrDecodeContext c) =>
        Fixed4(v, ref c) is { } x ? ScalarAttributeCache.LocalPref(x) : null;

    internal static PathAttribute? DecodeOrigin(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (v.Length != 1) return Fail(ref c, $"length {v.Length}, expected 1");
        return v[0] <= (byte)Origin.Incomplete ? OriginAttribute.Of((Origin)v[0]) : Fail(ref c, $"undefined ORIGIN value {v[0]}");
    }

    internal static PathAttribute? DecodeAsPath(ReadOnlySpan<byte> v, ref AttrDecodeContext c) =>
        AsPathCodec.TryRead(v, c.Codec.FourOctetAs ? 4 : 2, out var path, out c.Error) ? new AsPathAttribute(path) : null;

    internal static PathAttribute? DecodeNextHop(ReadOnlySpan<byte> v, ref AttrDecodeContext c) =>
        v.Length == 4 ? ScalarAttributeCache.NextHop(BinaryPrimitives.ReadUInt32BigEndian(v)) : Fail(ref c, $"length {v.Length}, expected 4");

    private static PathAttribute? DecodeAtomicAggregate(ReadOnlySpan<byte> v, ref AttrDecodeContext c) =>
        v.Length == 0 ? AtomicAggregateAttribute.Instance : Fail(ref c, $"length {v.Length}, expected 0");

    private static PathAttribute? DecodeAggregator(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        // RFC 7606 §7.7: 6 octets on a 2-octet session, 8 on a 4-octet one.
        int expected = c.Codec.FourOctetAs ? 8 : 6;
        if (v.Length != expected) return Fail(ref c, $"length {v.Length}, expected {expected}");
        return expected == 8
            ? new AggregatorAttribute(BinaryPrimitives.ReadUInt32BigEndian(v), IpAddr.ReadV4(v[4..]))
            : new AggregatorAttribute(BinaryPrimitives.ReadUInt16BigEndian(v), IpAddr.ReadV4(v[2..]));
    }

    private static bool NonZeroMultiple(ReadOnlySpan<byte> v, int unit, ref AttrDecodeContext c)
    {
        if (v.Length != 0 && v.Length % unit == 0) return true;
        c.Error = $"length {v.Length} is not a non-zero multiple of {unit}";
        return false;
    }

    internal static PathAttribute? DecodeCommunities(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (!NonZeroMultiple(v, 4, ref c)) return null;
        var items = new Community[v.Length / 4];
        for (int i = 0; i < items.Length; i++) items[i] = new Community(BinaryPrimitives.ReadUInt32BigEndian(v[(i * 4)..]));
        return new CommunitiesAttribute(items);
    }

    private static PathAttribute? DecodeClusterList(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (!NonZeroMultiple(v, 4, ref c)) return null;
        var items = new uint[v.Length / 4];
        for (int i = 0; i < items.Length; i++) items[i] = BinaryPrimitives.ReadUInt32BigEndian(v[(i * 4)..]);
        return new ClusterListAttribute(items);
    }

    private static PathAttribute? DecodeExtCommunities(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (!NonZeroMultiple(v, 8, ref c)) return null;
        var items = new ExtendedCommunity[v.Length / 8];
        for (int i = 0; i < items.Length; i++) items[i] = new ExtendedCommunity(BinaryPrimitives.ReadUInt64BigEndian(v[(i * 8)..]));
        return new ExtendedCommunitiesAttribute(items);
    }

    private static PathAttribute? DecodeIpv6ExtCommunities(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (!NonZeroMultiple(v, Ipv6ExtendedCommunity.WireLength, ref c)) return null;
        var items = new Ipv6ExtendedCommunity[v.Length / Ipv6ExtendedCommunity.WireLength];
        for (int i = 0; i < items.Length; i++) items[i] = Ipv6ExtendedCommunity.Read(v[(i * Ipv6ExtendedCommunity.WireLength)..]);
        return new Ipv6ExtendedCommunitiesAttribute(items);
    }

    private static PathAttribute? DecodeLargeCommunities(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (!NonZeroMultiple(v, LargeCommunity.WireLength, ref c)) return null;
        var items = new LargeCommunity[v.Length / LargeCommunity.WireLength];
        for (int i = 0; i < items.Length; i++)
        {
            var s = v[(i * 12)..];
            items[i] = new LargeCommunity(BinaryPrimitives.ReadUInt32BigEndian(s),
                BinaryPrimitives.ReadUInt32BigEndian(s[4..]), BinaryPrimitives.ReadUInt32BigEndian(s[8..]));
        }
        return new LargeCommunitiesAttribute(items);
    }

    /// <summary>
    /// AIGP (RFC 7311 §3): Type(1) Length(2, including these 3 octets) Value; the AIGP TLV (type 1) is 11 octets.
    /// </summary>
    private static PathAttribute? DecodeAigp(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        var tlvs = new List<AigpTlv>(1);
        int i = 0;
        bool sawMetric = false;
        while (i < v.Length)
        {
            if (v.Length - i < 3) return Fail(ref c, "truncated TLV header");
            byte type = v[i];
            int len = BinaryPrimitives.ReadUInt16BigEndian(v[(i + 1)..]);
            if (len < 3 || i + len > v.Length) return Fail(ref c, $"TLV length {len} overruns the attribute");
            if (type == AigpAttribute.MetricTlvType)
            {
                if (len != 11) return Fail(ref c, $"AIGP TLV length {len}, expected 11");
                if (sawMetric) return Fail(ref c, "more than one AIGP TLV");
                sawMetric = true;
            }
            tlvs.Add(new AigpTlv(type, v.Slice(i + 3, len - 3).ToArray()));
            i += len;
        }
        if (tlvs.Count == 0) return Fail(ref c, "no TLVs");
        return new AigpAttribute(tlvs.ToArray());
    }
}

/// <summary>AS4_PATH as decoded, before RFC 6793 §4.2.3 folds it into AS_PATH; never left in a message.</summary>
internal sealed record As4PathCarrier(AsPath Path) : PathAttribute
{
    public override AttrType Type => AttrType.As4Path;
}

/// <summary>AS4_AGGREGATOR as decoded, before it is folded into AGGREGATOR; never left in a message.</summary>
internal sealed record As4AggregatorCarrier(uint Asn, IpAddr Address) : PathAttribute
{
    public override AttrType Type => AttrType.As4Aggregator;
}
