using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>
/// A route's path attributes and next hop, interned: every route with the same attributes (across
/// all peers and prefixes) points at one instance, so a full table costs one reference per route,
/// not one attribute list. <see cref="Attributes"/> holds everything but NEXT_HOP, MP_REACH_NLRI
/// and MP_UNREACH_NLRI (the next hop is <see cref="NextHop"/>, the NLRI are the table's keys),
/// in type-code order, which is also the order they are encoded in.
/// </summary>
/// <remarks>
/// Values the decision process and the export rules read per route are computed once here.
/// Instances are owned by the RIB actor (<see cref="AttributeTable"/> counts references and drops
/// an instance when the last route using it goes); nothing here is thread-safe or needs to be.
/// </remarks>
public sealed class RouteAttributes : IEquatable<RouteAttributes>
{
    private readonly int _hash;

    public RouteAttributes(EquatableArray<PathAttribute> attributes, NextHop nextHop)
    {
        Attributes = attributes;
        NextHop = nextHop;
        _hash = HashCode.Combine(attributes, nextHop);
        Origin = Wire.Origin.Incomplete;
        AsPath = AsPath.Empty;
        foreach (var a in attributes)
        {
            switch (a)
            {
                case OriginAttribute o: Origin = o.Value; break;
                case AsPathAttribute p: AsPath = p.Path; break;
                case MedAttribute m: Med = m.Value; break;
                case LocalPrefAttribute l: LocalPref = l.Value; break;
                case OriginatorIdAttribute o: OriginatorId = o.RouterId; break;
                case ClusterListAttribute c: ClusterList = c.ClusterIds; break;
                case ExtendedCommunitiesAttribute e: ExtendedCommunities = e.Communities; break;
                case LargeCommunitiesAttribute l: LargeCommunities = l.Communities; break;
                case CommunitiesAttribute c:
                    Communities = c.Communities;
                    foreach (var community in c.Communities)
                    {
                        if (community == Community.NoExport) NoExport = true;
                        else if (community == Community.NoAdvertise) NoAdvertise = true;
                        else if (community == Community.NoExportSubconfed) NoExportSubconfed = true;
                    }
                    break;
            }
        }
        AsPathLength = AsPath.Length;
        NeighborAs = NeighborAsOf(AsPath);
    }

    /// <summary>Everything but NEXT_HOP / MP_REACH_NLRI / MP_UNREACH_NLRI, in type-code order.</summary>
    public EquatableArray<PathAttribute> Attributes { get; }

    public NextHop NextHop { get; }

    public Origin Origin { get; }
    public AsPath AsPath { get; }
    public int AsPathLength { get; }
    public uint? Med { get; }
    public uint? LocalPref { get; }
    public IpAddr? OriginatorId { get; }
    public EquatableArray<uint> ClusterList { get; }
    public EquatableArray<Community> Communities { get; }
    public EquatableArray<ExtendedCommunity> ExtendedCommunities { get; }
    public EquatableArray<LargeCommunity> LargeCommunities { get; }
    public bool NoExport { get; }
    public bool NoAdvertise { get; }
    public bool NoExportSubconfed { get; }

    /// <summary>
    /// The AS MED is compared within (RFC 4271 §9.1.2.2 c): the first AS of the path after any
    /// confederation segments (RFC 5065 §5.3), or null for a path that starts otherwise or is empty
    /// (a route from inside our own AS).
    /// </summary>
    public uint? NeighborAs { get; }

    /// <summary>References from routes (maintained by <see cref="AttributeTable"/>).</summary>
    internal int References;

    /// <summary>Import and export results memoised on this set (see <see cref="AttributeMemo"/>); owned by the RIB.</summary>
    internal AttributeMemo? Memo;

    private string? _asPathText;
    private (Policy.AsPathRegex Regex, bool Match)[]? _asPathMatches;

    /// <summary>Whether the AS path matches the expression; the answer is kept, since many routes share these attributes.</summary>
    public bool MatchesAsPath(Policy.AsPathRegex regex)
    {
        if (regex.IsNative) return regex.IsMatch(AsPath);
        var cache = _asPathMatches;
        if (cache is not null)
            foreach (var (r, match) in cache)
                if (ReferenceEquals(r, regex)) return match;
        bool result = regex.IsMatch(_asPathText ??= Policy.AsPathRegex.Text(AsPath));
        if (cache is null) _asPathMatches = [(regex, result)];
        else if (cache.Length < 32) _asPathMatches = [.. cache, (regex, result)];
        return result;
    }

    public T? Get<T>() where T : PathAttribute
    {
        foreach (var a in Attributes) if (a is T t) return t;
        return null;
    }

    public bool Has(AttrType type)
    {
        foreach (var a in Attributes) if (a.Type == type) return true;
        return false;
    }

    private static uint? NeighborAsOf(AsPath path)
    {
        foreach (var segment in path.Segments)
        {
            if (segment.IsConfederation) continue;
            return segment.SegmentType == AsPathSegmentType.AsSequence && segment.Asns.Count > 0 ? segment.Asns[0] : null;
        }
        return null;
    }

    /// <summary>
    /// The attributes a route is stored with, from those it was received with: NEXT_HOP and the
    /// MP attributes come out (the caller passes the next hop), the rest sorted by type code.
    /// </summary>
    public static EquatableArray<PathAttribute> Normalize(ReadOnlySpan<PathAttribute> received)
    {
        int keep = 0;
        bool sorted = true;
        int last = -1;
        foreach (var a in received)
        {
            if (a.Type is AttrType.NextHop or AttrType.MpReachNlri or AttrType.MpUnreachNlri) continue;
            keep++;
            if ((int)a.Type < last) sorted = false;
            last = (int)a.Type;
        }
        var result = new PathAttribute[keep];
        int i = 0;
        foreach (var a in received)
            if (a.Type is not (AttrType.NextHop or AttrType.MpReachNlri or AttrType.MpUnreachNlri)) result[i++] = a;
        if (!sorted) Array.Sort(result, static (x, y) => ((int)x.Type).CompareTo((int)y.Type));
        return new EquatableArray<PathAttribute>(result);
    }

    public bool Equals(RouteAttributes? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && NextHop == other.NextHop && Attributes.Equals(other.Attributes)));

    public override bool Equals(object? obj) => obj is RouteAttributes other && Equals(other);

    public override int GetHashCode() => _hash;

    public override string ToString() => $"next hop {NextHop}, {string.Join(", ", Attributes.Select(a => a.Type))}";
}

/// <summary>
/// The intern table for <see cref="RouteAttributes"/>: one instance per distinct attribute set,
/// reference-counted by the routes that use it.
/// </summary>
public sealed class AttributeTable
{
    private readonly Dictionary<RouteAttributes, RouteAttributes> _sets = [];

    /// <summary>Distinct attribute sets in use.</summary>
    public int Count => _sets.Count;

    /// <summary>The interned instance equal to <paramref name="candidate"/>, without taking a reference.</summary>
    public RouteAttributes Intern(RouteAttributes candidate)
    {
        if (_sets.TryGetValue(candidate, out var existing)) return existing;
        _sets.Add(candidate, candidate);
        return candidate;
    }

    public void AddRef(RouteAttributes attributes) => attributes.References++;

    /// <summary>Drops one reference; the set leaves the table with its last one.</summary>
    public void Release(RouteAttributes attributes)
    {
        if (--attributes.References <= 0)
        {
            attributes.References = 0;
            attributes.Memo = null;
            _sets.Remove(attributes);
        }
    }

    /// <summary>Removes sets interned but never referenced (after an UPDATE whose routes were all refused).</summary>
    public void Sweep(RouteAttributes attributes)
    {
        if (attributes.References == 0) _sets.Remove(attributes);
    }
}
