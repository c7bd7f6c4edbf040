using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
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
    /// <summary>The import policy rejected it.</summary>
    PolicyRejected,
}

/// <summary>
/// One path for a prefix: who it came from, its Add-Path identifier, its attributes as used (after
/// import policy) and, when those differ, as received (24 bytes).
/// </summary>
internal struct Route
{
    public RouteAttributes Attributes;
    /// <summary>The attributes as received, when import processing changed them (null: the same as <see cref="Attributes"/>).</summary>
    public RouteAttributes? Received;
    public uint PathId;
    public ushort Peer;
    public Ineligible Ineligible;
}

/// <summary>
/// Everything the RIB holds for one prefix apart from the Adj-RIB-Out (which lives with each peer,
/// <see cref="PeerExport"/>): the paths received for it (Adj-RIB-In of every peer at once) and which
/// one is best (Loc-RIB). A 40-byte value stored inline in its table's chunks: the first path is held
/// in place, so the common single-path prefix costs no object at all.
/// </summary>
internal struct RibEntry
{
    public const ushort MaxPaths = ushort.MaxValue - 1;
    private const ushort FreeMarker = ushort.MaxValue;

    public Route First;
    /// <summary>Paths 1..Count-1 (null while there is at most one).</summary>
    public Route[]? More;
    /// <summary>Next entry in the hash chain or the free list, as index + 1 (0 ends it).</summary>
    internal int Next;
    private ushort _count;
    private ushort _bestPlusOne;

    public readonly int Count => _count == FreeMarker ? 0 : _count;
    public readonly bool IsFree => _count == FreeMarker;

    /// <summary>Index of the best path, -1 when no path is eligible.</summary>
    public int Best
    {
        readonly get => _bestPlusOne - 1;
        set => _bestPlusOne = (ushort)(value + 1);
    }

    [UnscopedRef]
    public ref Route Path(int i) => ref i == 0 ? ref First : ref More![i - 1];

    public readonly int Find(int peer, uint pathId)
    {
        int count = Count;
        if (count == 0) return -1;
        if (First.Peer == peer && First.PathId == pathId) return 0;
        for (int i = 1; i < count; i++)
            if (More![i - 1].Peer == peer && More[i - 1].PathId == pathId) return i;
        return -1;
    }

    /// <summary>Adds a path; false when the prefix already holds <see cref="MaxPaths"/>.</summary>
    public bool Add(in Route route)
    {
        int count = Count;
        if (count >= MaxPaths) return false;
        if (count == 0) First = route;
        else
        {
            More ??= new Route[1];
            if (count - 1 == More.Length) Array.Resize(ref More, Math.Min(More.Length * 2, MaxPaths));
            More[count - 1] = route;
        }
        _count = (ushort)(count + 1);
        return true;
    }

    public void RemoveAt(int index)
    {
        int count = Count - 1;
        if (index == 0)
        {
            if (count > 0)
            {
                First = More![0];
                Array.Copy(More, 1, More, 0, count - 1);
                More[count - 1] = default;
            }
            else First = default;
        }
        else
        {
            if (index < count) Array.Copy(More!, index, More!, index - 1, count - index);
            More![count - 1] = default;
        }
        if (count <= 1) More = null;
        _count = (ushort)count;
        int best = Best;
        if (best == index) Best = -1;
        else if (best > index) Best = best - 1;
    }

    internal void MarkFree(int nextFree)
    {
        this = default;
        _count = FreeMarker;
        Next = nextFree;
    }
}

/// <summary>Fixed-size chunks so that no table ever copies (or doubles) a large array as it grows.</summary>
internal static class RibChunks
{
    public const int Bits = 14;
    public const int Size = 1 << Bits;
    public const int Mask = Size - 1;
}

/// <summary>
/// The prefixes of one address family, each at a stable index: entries are stored inline in fixed-size
/// chunks (no object per prefix, no large copies when growing), found through a chained hash index of
/// four bytes a bucket. IPv4 keys are packed into a <see cref="ulong"/>; IPv6 keys are <see cref="Prefix"/>
/// values. Freed indexes are reused. Per-peer state (Adj-RIB-Out, dirty marks) is kept by index.
/// </summary>
internal sealed class RibTable
{
    private readonly bool _v4;
    private RibEntry[][] _entries = [];
    private ulong[][] _keys4 = [];
    private Prefix[][] _keys6 = [];
    private int[] _buckets = new int[64];
    private int _shift = 64 - 6;   // Fibonacci hashing: the top log2(buckets) bits
    private int _used;        // indexes handed out so far (the high-water mark)
    private int _freeHead;    // free list, index + 1
    private int _count;

    public RibTable(AfiSafi family, int slot)
    {
        Family = family;
        Slot = slot;
        _v4 = family.Afi != Afi.Ipv6;
    }

    public AfiSafi Family { get; }

    /// <summary>The family's position in <see cref="Rib.Families"/> (and in <see cref="RibPeer.Exports"/>).</summary>
    public int Slot { get; }

    /// <summary>Prefixes held.</summary>
    public int Count => _count;

    /// <summary>Prefixes with a best route (kept by the RIB's reselection).</summary>
    public long BestCount { get; set; }

    /// <summary>Every index in use is below this.</summary>
    public int IndexLimit => _used;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref RibEntry At(int index) => ref _entries[index >> RibChunks.Bits][index & RibChunks.Mask];

    public Prefix PrefixAt(int index) => _v4
        ? FromKey(_keys4[index >> RibChunks.Bits][index & RibChunks.Mask])
        : _keys6[index >> RibChunks.Bits][index & RibChunks.Mask];

    public bool InUse(int index) => (uint)index < (uint)_used && !At(index).IsFree;

    private static ulong Key(Prefix p) => ((ulong)p.Address.V4Value << 8) | p.Length;

    private static Prefix FromKey(ulong key) => Prefix.V4((uint)(key >> 8), (int)(key & 0xFF));

    private int Bucket(Prefix prefix)
    {
        ulong h = _v4 ? Key(prefix) : (ulong)(uint)prefix.GetHashCode();
        return (int)((h * 0x9E3779B97F4A7C15UL) >> _shift);
    }

    private bool KeyIs(int index, Prefix prefix) => _v4
        ? _keys4[index >> RibChunks.Bits][index & RibChunks.Mask] == Key(prefix)
        : _keys6[index >> RibChunks.Bits][index & RibChunks.Mask].Equals(prefix);

    /// <summary>The prefix's index, or -1.</summary>
    public int Find(Prefix prefix)
    {
        for (int i = _buckets[Bucket(prefix)] - 1; i >= 0; i = At(i).Next - 1)
            if (KeyIs(i, prefix)) return i;
        return -1;
    }

    /// <summary>The prefix's index, adding an empty entry when it has none.</summary>
    public int GetOrAdd(Prefix prefix)
    {
        int bucket = Bucket(prefix);
        for (int i = _buckets[bucket] - 1; i >= 0; i = At(i).Next - 1)
            if (KeyIs(i, prefix)) return i;

        int index;
        if (_freeHead != 0)
        {
            index = _freeHead - 1;
            _freeHead = At(index).Next;
        }
        else
        {
            index = _used++;
            if ((index >> RibChunks.Bits) == _entries.Length) AddChunk();
        }
        At(index) = default;
        if (_v4) _keys4[index >> RibChunks.Bits][index & RibChunks.Mask] = Key(prefix);
        else _keys6[index >> RibChunks.Bits][index & RibChunks.Mask] = prefix;
        _count++;
        if (_count > _buckets.Length) Rehash(_buckets.Length * 2);
        else Link(index, bucket);
        return index;
    }

    /// <summary>Removes the prefix at <paramref name="index"/>; the index may be handed out again.</summary>
    public void Remove(int index)
    {
        var prefix = PrefixAt(index);
        ref int link = ref _buckets[Bucket(prefix)];
        while (link - 1 != index) link = ref At(link - 1).Next;
        link = At(index).Next;
        At(index).MarkFree(_freeHead);
        if (!_v4) _keys6[index >> RibChunks.Bits][index & RibChunks.Mask] = default;
        _freeHead = index + 1;
        _count--;
    }

    private void Link(int index, int bucket)
    {
        At(index).Next = _buckets[bucket];
        _buckets[bucket] = index + 1;
    }

    private void Rehash(int size)
    {
        _buckets = new int[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        for (int i = 0; i < _used; i++)
            if (!At(i).IsFree) Link(i, Bucket(PrefixAt(i)));
    }

    private void AddChunk()
    {
        Array.Resize(ref _entries, _entries.Length + 1);
        _entries[^1] = new RibEntry[RibChunks.Size];
        if (_v4)
        {
            Array.Resize(ref _keys4, _keys4.Length + 1);
            _keys4[^1] = new ulong[RibChunks.Size];
        }
        else
        {
            Array.Resize(ref _keys6, _keys6.Length + 1);
            _keys6[^1] = new Prefix[RibChunks.Size];
        }
    }

    /// <summary>Every index in use. The table must not change while this is enumerated.</summary>
    public IEnumerable<int> All()
    {
        for (int i = 0; i < _used; i++)
            if (!At(i).IsFree) yield return i;
    }
}

/// <summary>
/// One peer's output state for one family, by table index: the Adj-RIB-Out (attributes last sent;
/// chunks allocated on first use, so a peer that is sent nothing costs nothing) and the dirty marks
/// (one bit a prefix) that the output path drains round-robin.
/// </summary>
internal sealed class PeerExport
{
    private RouteAttributes?[]?[] _out = [];
    private ulong[] _dirty = [];
    private int _cursor;   // index to resume scanning at

    /// <summary>Prefixes marked and not yet taken.</summary>
    public int DirtyCount { get; private set; }

    public RouteAttributes? OutAt(int index)
    {
        int chunk = index >> RibChunks.Bits;
        return chunk < _out.Length && _out[chunk] is { } c ? c[index & RibChunks.Mask] : null;
    }

    public void SetOut(int index, RouteAttributes? attributes)
    {
        int chunk = index >> RibChunks.Bits;
        if (chunk >= _out.Length)
        {
            if (attributes is null) return;
            Array.Resize(ref _out, chunk + 1);
        }
        var c = _out[chunk];
        if (c is null)
        {
            if (attributes is null) return;
            _out[chunk] = c = new RouteAttributes?[RibChunks.Size];
        }
        c[index & RibChunks.Mask] = attributes;
    }

    /// <summary>Every index with something sent, and what.</summary>
    public IEnumerable<(int Index, RouteAttributes Sent)> AllOut()
    {
        for (int chunk = 0; chunk < _out.Length; chunk++)
        {
            if (_out[chunk] is not { } c) continue;
            for (int i = 0; i < c.Length; i++)
                if (c[i] is { } sent) yield return ((chunk << RibChunks.Bits) + i, sent);
        }
    }

    public void MarkDirty(int index)
    {
        int word = index >> 6;
        if (word >= _dirty.Length) Array.Resize(ref _dirty, Math.Max(word + 1, _dirty.Length * 2));
        ulong bit = 1UL << (index & 63);
        if ((_dirty[word] & bit) != 0) return;
        _dirty[word] |= bit;
        DirtyCount++;
    }

    public bool IsDirty(int index)
    {
        int word = index >> 6;
        return word < _dirty.Length && (_dirty[word] & (1UL << (index & 63))) != 0;
    }

    /// <summary>
    /// Takes (clears) the next dirty index after the last one taken, wrapping around, so prefixes
    /// that keep changing cannot starve the others; -1 when none is dirty.
    /// </summary>
    public int TakeDirty()
    {
        if (DirtyCount == 0) return -1;
        // one pass over every word from the cursor's, then the cursor's word again for the bits below it
        for (int n = 0; n <= _dirty.Length + 1; n++)
        {
            int word = _cursor >> 6;
            if (word >= _dirty.Length) { _cursor = 0; word = 0; }
            ulong w = _dirty[word] & (ulong.MaxValue << (_cursor & 63));
            if (w != 0)
            {
                int index = (word << 6) + BitOperations.TrailingZeroCount(w);
                _dirty[word] &= ~(1UL << (index & 63));
                DirtyCount--;
                _cursor = index + 1;
                return index;
            }
            _cursor = (word + 1) << 6;
        }
        throw new InvalidOperationException("dirty count out of step with the dirty marks");
    }
}
