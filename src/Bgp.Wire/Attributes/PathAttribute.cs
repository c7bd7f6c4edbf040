namespace Bgp.Wire;

/// <summary>
/// A path attribute (RFC 4271 §4.3): a closed hierarchy with one sealed record per typed attribute
/// and <see cref="RawAttribute"/> for everything else.
/// </summary>
/// <remarks>
/// <see cref="Flags"/> keeps only what the wire said beyond the type's own Optional/Transitive bits:
/// the Partial bit (which RFC 4271 §5 says must survive propagation) and the Extended Length bit
/// (kept so a re-encoded message matches the original byte for byte). A raw attribute keeps all four.
/// </remarks>
public abstract record PathAttribute
{
    private protected PathAttribute() { }
    public abstract AttrType Type { get; }
    public AttrFlags Flags { get; init; }
}

/// <summary>ORIGIN (RFC 4271 §5.1.1).</summary>
public sealed record OriginAttribute(Origin Value) : PathAttribute
{
    public override AttrType Type => AttrType.Origin;
    public static readonly OriginAttribute Igp = new(Origin.Igp);
    public static readonly OriginAttribute Egp = new(Origin.Egp);
    public static readonly OriginAttribute Incomplete = new(Origin.Incomplete);

    private static readonly OriginAttribute[] s_byValue = [Igp, Egp, Incomplete];

    /// <summary>The shared instance for a defined ORIGIN value.</summary>
    public static OriginAttribute Of(Origin value) => s_byValue[(int)value];
}

/// <summary>AS_PATH (RFC 4271 §5.1.2), always held with 4-octet ASNs whatever the session encodes.</summary>
public sealed record AsPathAttribute(AsPath Path) : PathAttribute
{
    public override AttrType Type => AttrType.AsPath;
}

/// <summary>NEXT_HOP (RFC 4271 §5.1.3): an IPv4 address.</summary>
public sealed record NextHopAttribute(IpAddr Address) : PathAttribute
{
    public override AttrType Type => AttrType.NextHop;
}

/// <summary>MULTI_EXIT_DISC (RFC 4271 §5.1.4).</summary>
public sealed record MedAttribute(uint Value) : PathAttribute
{
    public override AttrType Type => AttrType.MultiExitDisc;
}

/// <summary>LOCAL_PREF (RFC 4271 §5.1.5).</summary>
public sealed record LocalPrefAttribute(uint Value) : PathAttribute
{
    public override AttrType Type => AttrType.LocalPref;
}

/// <summary>ATOMIC_AGGREGATE (RFC 4271 §5.1.6): no value.</summary>
public sealed record AtomicAggregateAttribute : PathAttribute
{
    public static readonly AtomicAggregateAttribute Instance = new();
    public override AttrType Type => AttrType.AtomicAggregate;
}

/// <summary>AGGREGATOR (RFC 4271 §5.1.7), with a 4-octet AS whatever the session encodes (RFC 6793).</summary>
public sealed record AggregatorAttribute(uint Asn, IpAddr Address) : PathAttribute
{
    public override AttrType Type => AttrType.Aggregator;
}

/// <summary>COMMUNITIES (RFC 1997).</summary>
public sealed record CommunitiesAttribute(EquatableArray<Community> Communities) : PathAttribute
{
    public override AttrType Type => AttrType.Communities;
}

/// <summary>ORIGINATOR_ID (RFC 4456 §8).</summary>
public sealed record OriginatorIdAttribute(IpAddr RouterId) : PathAttribute
{
    public override AttrType Type => AttrType.OriginatorId;
}

/// <summary>CLUSTER_LIST (RFC 4456 §8): cluster ids, most recent first.</summary>
public sealed record ClusterListAttribute(EquatableArray<uint> ClusterIds) : PathAttribute
{
    public override AttrType Type => AttrType.ClusterList;
}

/// <summary>
/// MP_REACH_NLRI (RFC 4760 §3). For the families this codec types (IPv4/IPv6 unicast and
/// multicast) <see cref="NextHop"/> and <see cref="Nlri"/> are decoded; for every other family the
/// next hop and NLRI stay raw in <see cref="RawNextHop"/> and <see cref="RawNlri"/>.
/// </summary>
public sealed record MpReachAttribute(
    AfiSafi Family,
    NextHop NextHop,
    EquatableArray<Nlri> Nlri,
    EquatableArray<byte> RawNextHop = default,
    EquatableArray<byte> RawNlri = default) : PathAttribute
{
    public override AttrType Type => AttrType.MpReachNlri;
    public bool IsTyped => Family.IsPrefixFamily;
}

/// <summary>MP_UNREACH_NLRI (RFC 4760 §4); untyped families keep their withdrawn NLRI raw.</summary>
public sealed record MpUnreachAttribute(
    AfiSafi Family,
    EquatableArray<Nlri> Nlri,
    EquatableArray<byte> RawNlri = default) : PathAttribute
{
    public override AttrType Type => AttrType.MpUnreachNlri;
    public bool IsTyped => Family.IsPrefixFamily;
}

/// <summary>EXTENDED_COMMUNITIES (RFC 4360).</summary>
public sealed record ExtendedCommunitiesAttribute(EquatableArray<ExtendedCommunity> Communities) : PathAttribute
{
    public override AttrType Type => AttrType.ExtendedCommunities;
}

/// <summary>IPv6 Address Specific Extended Community (RFC 5701).</summary>
public sealed record Ipv6ExtendedCommunitiesAttribute(EquatableArray<Ipv6ExtendedCommunity> Communities) : PathAttribute
{
    public override AttrType Type => AttrType.Ipv6ExtendedCommunities;
}

/// <summary>LARGE_COMMUNITIES (RFC 8092).</summary>
public sealed record LargeCommunitiesAttribute(EquatableArray<LargeCommunity> Communities) : PathAttribute
{
    public override AttrType Type => AttrType.LargeCommunities;
}

/// <summary>Only to Customer (RFC 9234 §5): the AS that first marked the route.</summary>
public sealed record OtcAttribute(uint Asn) : PathAttribute
{
    public override AttrType Type => AttrType.Otc;
}

/// <summary>AIGP (RFC 7311 §3): TLVs; type 1 carries the 8-octet accumulated metric.</summary>
public sealed record AigpAttribute(EquatableArray<AigpTlv> Tlvs) : PathAttribute
{
    public override AttrType Type => AttrType.Aigp;

    public const byte MetricTlvType = 1;

    public ulong? Metric
    {
        get
        {
            foreach (var t in Tlvs)
                if (t.TlvType == MetricTlvType && t.Value.Count == 8)
                    return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(t.Value.AsSpan());
            return null;
        }
    }

    public static AigpAttribute FromMetric(ulong metric)
    {
        var v = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(v, metric);
        return new AigpAttribute(new EquatableArray<AigpTlv>([new AigpTlv(MetricTlvType, v)]));
    }
}

public readonly record struct AigpTlv(byte TlvType, EquatableArray<byte> Value);

/// <summary>
/// Any attribute this codec does not type (including AS4_PATH/AS4_AGGREGATOR on a 4-octet session
/// never reach here: they are folded or discarded). Re-encoded byte for byte with its own flags.
/// </summary>
public sealed record RawAttribute(byte TypeCode, EquatableArray<byte> Value) : PathAttribute
{
    public override AttrType Type => (AttrType)TypeCode;

    /// <summary>
    /// The attribute as it must be sent on to another peer: an unrecognised optional transitive
    /// attribute gets the Partial bit (RFC 4271 §5). Returns null for an optional non-transitive
    /// attribute, which must not be passed on.
    /// </summary>
    public RawAttribute? PassedOn()
    {
        if ((Flags & AttrFlags.Optional) == 0) return this;
        if ((Flags & AttrFlags.Transitive) == 0) return null;
        return (Flags & AttrFlags.Partial) != 0 ? this : this with { Flags = Flags | AttrFlags.Partial };
    }
}
