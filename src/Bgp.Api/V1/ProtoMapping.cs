using System.Net;
using Bgp.Actors.Rib;
using Grpc.Core;
using Google.Protobuf;
using W = Bgp.Wire;

namespace Bgp.Api.V1;

/// <summary>Between the API's messages and the daemon's types. Invalid input becomes INVALID_ARGUMENT.</summary>
internal static class ProtoMapping
{
    public static W.AfiSafi? ToAfiSafi(Family family) => family switch
    {
        Family.Ipv4Unicast => W.AfiSafi.Ipv4Unicast,
        Family.Ipv6Unicast => W.AfiSafi.Ipv6Unicast,
        _ => null,
    };

    public static Family ToFamily(W.AfiSafi family) =>
        family == W.AfiSafi.Ipv4Unicast ? Family.Ipv4Unicast
        : family == W.AfiSafi.Ipv6Unicast ? Family.Ipv6Unicast
        : Family.Unspecified;

    /// <summary>A family named in a request: unspecified is taken from the prefix (or null when there is none).</summary>
    public static W.AfiSafi? FamilyOf(Family family, W.Prefix? prefix)
    {
        if (family != Family.Unspecified)
            return ToAfiSafi(family) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown family {family}"));
        return prefix is { } p ? (p.IsV6 ? W.AfiSafi.Ipv6Unicast : W.AfiSafi.Ipv4Unicast) : null;
    }

    public static IPAddress Address(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is required"));
        if (!IPAddress.TryParse(text, out var address) || text.Contains('%'))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: `{text}` is not an IP address"));
        return address;
    }

    public static W.Prefix Prefix(string text, string field = "prefix")
    {
        if (string.IsNullOrWhiteSpace(text)) throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is required"));
        if (!W.Prefix.TryParse(text, out var prefix)) throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: `{text}` is not a prefix (address/length)"));
        return prefix;
    }

    public static SessionState ToProto(Bgp.Actors.Fsm.SessionState state) => state switch
    {
        Bgp.Actors.Fsm.SessionState.Idle => SessionState.Idle,
        Bgp.Actors.Fsm.SessionState.Connect => SessionState.Connect,
        Bgp.Actors.Fsm.SessionState.Active => SessionState.Active,
        Bgp.Actors.Fsm.SessionState.OpenSent => SessionState.OpenSent,
        Bgp.Actors.Fsm.SessionState.OpenConfirm => SessionState.OpenConfirm,
        Bgp.Actors.Fsm.SessionState.Established => SessionState.Established,
        _ => SessionState.Unspecified,
    };

    public static string Text(IPAddress? address) => address?.ToString() ?? "";

    // ---- attributes out ----------------------------------------------------------------------

    /// <summary>
    /// Converts attribute sets (and their next hops) to messages and text once per set within a call,
    /// and peer addresses to text once per peer: a full table shares a few thousand sets and a few
    /// peers, so a listing of a million routes formats little more than the prefixes.
    /// </summary>
    public sealed class AttributeCache
    {
        private readonly Dictionary<RouteAttributes, Converted> _seen = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<IPAddress, string> _peers = [];

        public sealed record Converted(PathAttribute[] Attributes, string NextHop, string NextHopLinkLocal);

        public Converted For(RouteAttributes attributes)
        {
            if (_seen.TryGetValue(attributes, out var known)) return known;
            var converted = new Converted(attributes.Attributes.Select(ToProto).ToArray(), attributes.NextHop.Address.ToString(),
                attributes.NextHop.LinkLocal?.ToString() ?? "");
            if (_seen.Count < 100_000) _seen[attributes] = converted;
            return converted;
        }

        public string Peer(IPAddress address)
        {
            if (_peers.TryGetValue(address, out var text)) return text;
            text = address.ToString();
            if (_peers.Count < 10_000) _peers[address] = text;
            return text;
        }
    }

    public static Route ToProto(RibRoute route, AttributeCache cache)
    {
        var r = NewRoute(route.Family, route.Nlri.Prefix, route.Attributes, cache);
        r.PathId = route.Nlri.PathId;
        r.PeerAddress = route.PeerRole == PeerRole.Local ? "" : cache.Peer(route.Peer);
        r.Best = route.IsBest;
        r.Ineligible = route.Ineligible == Ineligible.None ? "" : route.Ineligible.ToString();
        return r;
    }

    public static Route NewRoute(W.AfiSafi family, W.Prefix prefix, RouteAttributes attributes, AttributeCache cache)
    {
        var converted = cache.For(attributes);
        var r = new Route
        {
            Family = ToFamily(family),
            Prefix = prefix.ToString(),
            NextHop = converted.NextHop,
            NextHopLinkLocal = converted.NextHopLinkLocal,
        };
        r.Attributes.AddRange(converted.Attributes);
        return r;
    }

    public static PathAttribute ToProto(W.PathAttribute attribute) => attribute switch
    {
        W.OriginAttribute o => new PathAttribute { Origin = (Origin)(int)o.Value },
        W.AsPathAttribute p => new PathAttribute { AsPath = ToProto(p.Path) },
        W.MedAttribute m => new PathAttribute { Med = m.Value },
        W.LocalPrefAttribute l => new PathAttribute { LocalPref = l.Value },
        W.AtomicAggregateAttribute => new PathAttribute { AtomicAggregate = true },
        W.AggregatorAttribute a => new PathAttribute { Aggregator = new Aggregator { Asn = a.Asn, Address = a.Address.ToString() } },
        W.CommunitiesAttribute c => new PathAttribute { Communities = new Communities { Communities_ = { c.Communities.Select(x => x.Value) } } },
        W.OriginatorIdAttribute o => new PathAttribute { OriginatorId = o.RouterId.ToString() },
        W.ClusterListAttribute c => new PathAttribute { ClusterList = new ClusterList { ClusterIds = { c.ClusterIds.Select(id => new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(id)).ToString()) } } },
        W.ExtendedCommunitiesAttribute e => new PathAttribute
        {
            ExtendedCommunities = new ExtendedCommunities { Communities = { e.Communities.Select(x => ByteString.CopyFrom(BigEndian(x.Value))) } },
        },
        W.LargeCommunitiesAttribute l => new PathAttribute
        {
            LargeCommunities = new LargeCommunities
            {
                Communities = { l.Communities.Select(x => new LargeCommunity { GlobalAdmin = x.GlobalAdministrator, LocalData1 = x.LocalData1, LocalData2 = x.LocalData2 }) },
            },
        },
        W.OtcAttribute o => new PathAttribute { OnlyToCustomer = o.Asn },
        W.AigpAttribute a when a.Metric is { } metric => new PathAttribute { Aigp = metric },
        _ => new PathAttribute { Raw = Raw(attribute) },
    };

    private static RawAttribute Raw(W.PathAttribute attribute)
    {
        // an attribute the API does not type (or a raw one): flags, type and value as on the wire
        var ctx = W.CodecContext.Default;
        var buffer = new byte[W.AttributeEncoder.EncodedLength([attribute], ctx) + 4];
        int written = W.AttributeEncoder.WriteOne(buffer, attribute, ctx);
        int header = (buffer[0] & (byte)W.AttrFlags.ExtendedLength) != 0 ? 4 : 3;
        return new RawAttribute
        {
            Flags = buffer[0],
            Type = buffer[1],
            Value = ByteString.CopyFrom(buffer, header, written - header),
        };
    }

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    public static AsPath ToProto(W.AsPath path)
    {
        var result = new AsPath();
        foreach (var segment in path.Segments)
            result.Segments.Add(new AsPathSegment { Type = (AsPathSegment.Types.Type)(int)segment.SegmentType, Asns = { segment.Asns } });
        return result;
    }

    // ---- attributes in (injection) -----------------------------------------------------------

    public static W.PathAttribute FromProto(PathAttribute attribute) => attribute.AttributeCase switch
    {
        PathAttribute.AttributeOneofCase.Origin => attribute.Origin switch
        {
            Origin.Igp => W.OriginAttribute.Igp,
            Origin.Egp => new W.OriginAttribute(W.Origin.Egp),
            Origin.Incomplete => new W.OriginAttribute(W.Origin.Incomplete),
            _ => throw Invalid($"unknown origin {attribute.Origin}"),
        },
        PathAttribute.AttributeOneofCase.AsPath => new W.AsPathAttribute(FromProto(attribute.AsPath)),
        PathAttribute.AttributeOneofCase.Med => new W.MedAttribute(attribute.Med),
        PathAttribute.AttributeOneofCase.LocalPref => new W.LocalPrefAttribute(attribute.LocalPref),
        PathAttribute.AttributeOneofCase.AtomicAggregate => W.AtomicAggregateAttribute.Instance,
        PathAttribute.AttributeOneofCase.Aggregator => new W.AggregatorAttribute(attribute.Aggregator.Asn, V4(attribute.Aggregator.Address, "aggregator.address")),
        PathAttribute.AttributeOneofCase.Communities => new W.CommunitiesAttribute(new W.EquatableArray<W.Community>([.. attribute.Communities.Communities_.Select(c => new W.Community(c))])),
        PathAttribute.AttributeOneofCase.OriginatorId => new W.OriginatorIdAttribute(V4(attribute.OriginatorId, "originator_id")),
        PathAttribute.AttributeOneofCase.ClusterList => new W.ClusterListAttribute(new W.EquatableArray<uint>([.. attribute.ClusterList.ClusterIds.Select(id => V4(id, "cluster_ids").V4Value)])),
        PathAttribute.AttributeOneofCase.ExtendedCommunities => new W.ExtendedCommunitiesAttribute(new W.EquatableArray<W.ExtendedCommunity>([.. attribute.ExtendedCommunities.Communities.Select(ExtendedCommunity)])),
        PathAttribute.AttributeOneofCase.LargeCommunities => new W.LargeCommunitiesAttribute(new W.EquatableArray<W.LargeCommunity>([.. attribute.LargeCommunities.Communities.Select(l => new W.LargeCommunity(l.GlobalAdmin, l.LocalData1, l.LocalData2))])),
        PathAttribute.AttributeOneofCase.OnlyToCustomer => new W.OtcAttribute(attribute.OnlyToCustomer),
        PathAttribute.AttributeOneofCase.Aigp => W.AigpAttribute.FromMetric(attribute.Aigp),
        PathAttribute.AttributeOneofCase.Raw => FromRaw(attribute.Raw),
        _ => throw Invalid("an attribute with nothing set"),
    };

    private static W.PathAttribute FromRaw(RawAttribute raw)
    {
        if (raw.Type is 0 or > 255) throw Invalid($"raw attribute type {raw.Type} is not 1-255");
        if (raw.Flags > 255 || (raw.Flags & (uint)W.AttrFlags.Optional) == 0)
            throw Invalid($"raw attribute type {raw.Type}: only optional attributes (flags with 0x80) may be given raw");
        if ((W.AttrType)raw.Type is W.AttrType.NextHop or W.AttrType.MpReachNlri or W.AttrType.MpUnreachNlri)
            throw Invalid("NEXT_HOP and MP_REACH/MP_UNREACH are not attributes here: give next_hop");
        if (raw.Value.Length > 4000) throw Invalid($"raw attribute type {raw.Type} is longer than 4,000 octets");
        return new W.RawAttribute((byte)raw.Type, raw.Value.ToByteArray()) { Flags = (W.AttrFlags)raw.Flags };
    }

    private static W.ExtendedCommunity ExtendedCommunity(ByteString bytes) => bytes.Length == 8
        ? new W.ExtendedCommunity(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.Span))
        : throw Invalid($"an extended community is 8 octets, not {bytes.Length}");

    public static W.AsPath FromProto(AsPath path)
    {
        var segments = new List<W.AsPathSegment>();
        foreach (var s in path.Segments)
        {
            if (s.Type is < AsPathSegment.Types.Type.AsSet or > AsPathSegment.Types.Type.AsConfedSet) throw Invalid($"unknown AS_PATH segment type {s.Type}");
            if (s.Asns.Count is 0 or > 255) throw Invalid("an AS_PATH segment holds 1 to 255 AS numbers");
            segments.Add(new W.AsPathSegment((W.AsPathSegmentType)(int)s.Type, new W.EquatableArray<uint>([.. s.Asns])));
        }
        return new W.AsPath(new W.EquatableArray<W.AsPathSegment>([.. segments]));
    }

    private static W.IpAddr V4(string text, string field) =>
        W.IpAddr.TryParse(text, out var a) && a.IsV4 ? a : throw Invalid($"{field}: `{text}` is not an IPv4 address");

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
