using System.Runtime.InteropServices;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>Why a received route takes no part in the decision process (it stays in Adj-RIB-In).</summary>
public enum Ineligible : byte
{
    None,
    /// <summary>Our AS is in the AS_PATH (RFC 4271 §9.1.2).</summary>
    AsPathLoop,
    /// <summary>The ORIGINATOR_ID is our router ID (RFC 4456 §8).</summary>
    OriginatorIsUs,
    /// <summary>Our CLUSTER_ID is in the CLUSTER_LIST (RFC 4456 §8).</summary>
    ClusterLoop,
    /// <summary>The neighbor is configured with <c>import = "none"</c>.</summary>
    ImportNone,
}

/// <summary>One path for a prefix: who it came from, its Add-Path identifier, its attributes.</summary>
internal struct Route
{
    public int Peer;
    public uint PathId;
    public RouteAttributes Attributes;
    public Ineligible Ineligible;
}

/// <summary>
/// Everything the RIB holds for one prefix: the paths received for it (Adj-RIB-In of every peer
/// at once), which one is best (Loc-RIB), and what each peer was last sent (Adj-RIB-Out, indexed
/// by peer slot). One object per prefix, none per route.
/// </summary>
internal sealed class RibEntry
{
    private static readonly Route[] NoRoutes = [];

    public Route[] Paths = NoRoutes;
    public int Count;
    public int Best = -1;
    public BestPathStep BestStep;

    /// <summary>Attributes last advertised per peer slot; null = nothing advertised.</summary>
    public RouteAttributes?[]? Out;

    public Span<Route> Routes => Paths.AsSpan(0, Count);

    public int Find(int peer, uint pathId)
    {
        for (int i = 0; i < Count; i++)
            if (Paths[i].Peer == peer && Paths[i].PathId == pathId) return i;
        return -1;
    }

    public void Add(in Route route)
    {
        if (Count == Paths.Length) Array.Resize(ref Paths, Math.Max(1, Paths.Length * 2));
        Paths[Count++] = route;
    }

    public void RemoveAt(int index)
    {
        Count--;
        if (index < Count) Array.Copy(Paths, index + 1, Paths, index, Count - index);
        Paths[Count] = default;
        if (Best == index) Best = -1;
        else if (Best > index) Best--;
    }

    public RouteAttributes? OutFor(int peer) => Out is { } o && peer < o.Length ? o[peer] : null;

    public void SetOut(int peer, RouteAttributes? attributes)
    {
        if (attributes is null)
        {
            if (Out is { } o && peer < o.Length) o[peer] = null;
            return;
        }
        if (Out is null || peer >= Out.Length) Array.Resize(ref Out, Math.Max(peer + 1, (Out?.Length ?? 0) * 2));
        Out[peer] = attributes;
    }

    public bool HasOut
    {
        get
        {
            if (Out is null) return false;
            foreach (var o in Out) if (o is not null) return true;
            return false;
        }
    }

    public bool IsEmpty => Count == 0 && !HasOut;
}

/// <summary>
/// The prefixes of one address family. IPv4 keys are packed into a <see cref="ulong"/>
/// (address and length: 8 octets a key); IPv6 keys are <see cref="Prefix"/> values.
/// </summary>
internal sealed class RibTable
{
    private readonly Dictionary<ulong, RibEntry>? _v4;
    private readonly Dictionary<Prefix, RibEntry>? _v6;

    public RibTable(AfiSafi family)
    {
        Family = family;
        if (family.Afi == Afi.Ipv6) _v6 = []; else _v4 = [];
    }

    public AfiSafi Family { get; }

    public int Count => _v4?.Count ?? _v6!.Count;

    private static ulong Key(Prefix p) => ((ulong)p.Address.V4Value << 8) | p.Length;

    private static Prefix FromKey(ulong key) => Prefix.V4((uint)(key >> 8), (int)(key & 0xFF));

    public RibEntry? Find(Prefix prefix)
    {
        if (_v4 is not null) return _v4.GetValueOrDefault(Key(prefix));
        return _v6!.GetValueOrDefault(prefix);
    }

    public RibEntry GetOrAdd(Prefix prefix)
    {
        if (_v4 is not null)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_v4, Key(prefix), out _);
            return slot ??= new RibEntry();
        }
        ref var slot6 = ref CollectionsMarshal.GetValueRefOrAddDefault(_v6!, prefix, out _);
        return slot6 ??= new RibEntry();
    }

    public void Remove(Prefix prefix)
    {
        if (_v4 is not null) _v4.Remove(Key(prefix));
        else _v6!.Remove(prefix);
    }

    /// <summary>Every prefix and its entry. The table must not change while this is enumerated.</summary>
    public IEnumerable<(Prefix Prefix, RibEntry Entry)> All()
    {
        if (_v4 is not null)
        {
            foreach (var (key, entry) in _v4) yield return (FromKey(key), entry);
        }
        else
        {
            foreach (var (prefix, entry) in _v6!) yield return (prefix, entry);
        }
    }
}
