using System.Text;

namespace Bgp.Wire;

/// <summary>One AS_PATH segment (RFC 4271 §4.3, RFC 5065 §3).</summary>
public readonly record struct AsPathSegment(AsPathSegmentType SegmentType, EquatableArray<uint> Asns)
{
    public static AsPathSegment Sequence(params uint[] asns) => new(AsPathSegmentType.AsSequence, asns);
    public static AsPathSegment Set(params uint[] asns) => new(AsPathSegmentType.AsSet, asns);

    public bool IsConfederation =>
        SegmentType is AsPathSegmentType.ConfedSequence or AsPathSegmentType.ConfedSet;

    /// <summary>The segment's weight in path length (RFC 4271 §9.1.2.2 a; RFC 5065 §5.3: confed segments count 0).</summary>
    public int PathLength => SegmentType switch
    {
        AsPathSegmentType.AsSequence => Asns.Count,
        AsPathSegmentType.AsSet => 1,
        _ => 0,
    };
}

/// <summary>
/// An AS path with 4-octet ASNs (a value: one allocation fewer per decoded route). A path that is one
/// AS_SEQUENCE, the shape of nearly every route, holds just its ASN array; any other keeps an array of
/// segments. Equality is by segments, whatever the representation.
/// </summary>
public readonly struct AsPath : IEquatable<AsPath>
{
    /// <summary>null: empty; <c>uint[]</c>: one AS_SEQUENCE; <see cref="AsPathSegment"/>[]: anything else.</summary>
    private readonly object? _data;

    public AsPath(EquatableArray<AsPathSegment> segments)
    {
        if (segments.Count == 1 && segments[0].SegmentType == AsPathSegmentType.AsSequence)
            _data = segments[0].Asns.ExactArray();
        else if (segments.Count > 0)
            _data = segments.ExactArray();
    }

    private AsPath(uint[] sequence) => _data = sequence;

    public static readonly AsPath Empty = default;

    /// <summary>One AS_SEQUENCE of <paramref name="asns"/> (the array is held, not copied).</summary>
    public static AsPath FromSequence(params uint[] asns) => asns.Length == 0 ? Empty : new AsPath(asns);

    /// <summary>The segments, in order (a view: nothing is copied).</summary>
    public AsPathSegments Segments => new(_data);

    public bool Equals(AsPath other)
    {
        var a = Segments;
        var b = other.Segments;
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (a[i] != b[i]) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is AsPath other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var s in Segments) h.Add(s);
        return h.ToHashCode();
    }

    public static bool operator ==(AsPath a, AsPath b) => a.Equals(b);
    public static bool operator !=(AsPath a, AsPath b) => !a.Equals(b);

    /// <summary>Path length for best-path selection (RFC 4271 §9.1.2.2 a).</summary>
    public int Length
    {
        get
        {
            int n = 0;
            foreach (var s in Segments) n += s.PathLength;
            return n;
        }
    }

    public bool IsEmpty => Segments.IsEmpty;

    /// <summary>The neighbour AS: first AS of a leading AS_SEQUENCE (RFC 4271 §9.1.2.2 c), else null.</summary>
    public uint? FirstAs =>
        !Segments.IsEmpty && Segments[0].SegmentType == AsPathSegmentType.AsSequence && Segments[0].Asns.Count > 0
            ? Segments[0].Asns[0] : null;

    /// <summary>The originating AS: last AS of a trailing AS_SEQUENCE, else null (aggregates ending in a set).</summary>
    public uint? OriginAs
    {
        get
        {
            if (Segments.IsEmpty) return null;
            var last = Segments[^1];
            return last.SegmentType == AsPathSegmentType.AsSequence && last.Asns.Count > 0 ? last.Asns[^1] : null;
        }
    }

    public bool Contains(uint asn)
    {
        foreach (var s in Segments)
            foreach (var a in s.Asns)
                if (a == asn) return true;
        return false;
    }

    /// <summary>True when any ASN needs four octets (the session must then send AS4_PATH on a 2-octet session).</summary>
    public bool HasFourOctetAsn
    {
        get
        {
            foreach (var s in Segments)
                foreach (var a in s.Asns)
                    if (a > ushort.MaxValue) return true;
            return false;
        }
    }

    /// <summary>
    /// Merges a 2-octet session's AS_PATH with its AS4_PATH (RFC 6793 §4.2.3): when AS_PATH has
    /// fewer ASes than AS4_PATH, AS4_PATH is ignored; otherwise the leading excess of AS_PATH is
    /// kept and AS4_PATH appended. Confederation segments of AS4_PATH are ignored (§6) and those
    /// of AS_PATH are kept in front.
    /// </summary>
    public static AsPath Reconstruct(AsPath asPath, AsPath as4Path)
    {
        int as4Len = 0;
        foreach (var s in as4Path.Segments) if (!s.IsConfederation) as4Len += s.PathLength;
        int asLen = asPath.Length;
        if (asLen < as4Len) return asPath;

        int keep = asLen - as4Len;
        var result = new List<AsPathSegment>(asPath.Segments.Count + as4Path.Segments.Count);
        foreach (var seg in asPath.Segments)
        {
            if (seg.IsConfederation) { result.Add(seg); continue; }
            if (keep == 0) break;
            if (seg.SegmentType == AsPathSegmentType.AsSet)
            {
                result.Add(seg);
                keep--;
            }
            else
            {
                int take = Math.Min(keep, seg.Asns.Count);
                result.Add(take == seg.Asns.Count ? seg : new AsPathSegment(seg.SegmentType, seg.Asns.AsSpan()[..take].ToArray()));
                keep -= take;
            }
        }
        foreach (var seg in as4Path.Segments)
            if (!seg.IsConfederation) result.Add(seg);

        // Join a kept AS_SEQUENCE tail with a leading AS4 AS_SEQUENCE so the result stays canonical.
        for (int i = result.Count - 1; i > 0; i--)
        {
            if (result[i].SegmentType == AsPathSegmentType.AsSequence
                && result[i - 1].SegmentType == AsPathSegmentType.AsSequence
                && result[i - 1].Asns.Count + result[i].Asns.Count <= 255)
            {
                result[i - 1] = new AsPathSegment(AsPathSegmentType.AsSequence,
                    [.. result[i - 1].Asns.AsSpan(), .. result[i].Asns.AsSpan()]);
                result.RemoveAt(i);
            }
        }
        return new AsPath(new EquatableArray<AsPathSegment>(result.ToArray()));
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var seg in Segments)
        {
            if (sb.Length > 0) sb.Append(' ');
            var (open, close, sep) = seg.SegmentType switch
            {
                AsPathSegmentType.AsSet => ("{", "}", ","),
                AsPathSegmentType.ConfedSequence => ("(", ")", " "),
                AsPathSegmentType.ConfedSet => ("[", "]", ","),
                _ => ("", "", " "),
            };
            sb.Append(open).AppendJoin(sep, seg.Asns.AsSpan().ToArray()).Append(close);
        }
        return sb.ToString();
    }
}

/// <summary>The segments of an <see cref="AsPath"/>: an indexable view over either of its representations.</summary>
public readonly struct AsPathSegments : IReadOnlyList<AsPathSegment>
{
    private readonly object? _data;

    internal AsPathSegments(object? data) => _data = data;

    public int Count => _data switch
    {
        null => 0,
        uint[] => 1,
        _ => ((AsPathSegment[])_data).Length,
    };

    public bool IsEmpty => _data is null;

    public AsPathSegment this[int index]
    {
        get
        {
            if (_data is uint[] sequence)
            {
                if (index != 0) throw new ArgumentOutOfRangeException(nameof(index));
                return new AsPathSegment(AsPathSegmentType.AsSequence, new EquatableArray<uint>(sequence));
            }
            if (_data is null) throw new ArgumentOutOfRangeException(nameof(index));
            return ((AsPathSegment[])_data)[index];
        }
    }

    public AsPathSegment[] ToArray()
    {
        var result = new AsPathSegment[Count];
        for (int i = 0; i < result.Length; i++) result[i] = this[i];
        return result;
    }

    public Enumerator GetEnumerator() => new(this);
    IEnumerator<AsPathSegment> IEnumerable<AsPathSegment>.GetEnumerator() => ((IEnumerable<AsPathSegment>)ToArray()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ToArray().GetEnumerator();

    public struct Enumerator
    {
        private readonly AsPathSegments _segments;
        private readonly int _count;
        private int _index;

        internal Enumerator(AsPathSegments segments)
        {
            _segments = segments;
            _count = segments.Count;
            _index = -1;
        }

        public bool MoveNext() => ++_index < _count;
        public readonly AsPathSegment Current => _segments[_index];
    }
}
