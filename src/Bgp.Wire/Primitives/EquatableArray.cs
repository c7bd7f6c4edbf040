using System.Collections;
using System.Runtime.CompilerServices;

namespace Bgp.Wire;

/// <summary>
/// An immutable array with value equality, so decoded records compare by content
/// (record equality over a bare <c>T[]</c> would compare references and let tests lie).
/// It may view only a leading part of its backing array: decoders fill a buffer sized by an
/// estimate and hand it over without a trimming copy.
/// </summary>
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly T[]? _items;
    private readonly int _count;

    public EquatableArray(T[] items)
    {
        _items = items;
        _count = items?.Length ?? 0;
    }

    /// <summary>Views the first <paramref name="count"/> items; the caller hands over the array.</summary>
    internal EquatableArray(T[] items, int count)
    {
        if ((uint)count > (uint)items.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _items = items;
        _count = count;
    }

    public static EquatableArray<T> Empty => default;

    public int Count => _count;
    public int Length => _count;
    public bool IsEmpty => _count == 0;

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
            return _items![index];
        }
    }

    public ReadOnlySpan<T> AsSpan() => new(_items, 0, _count);

    /// <summary>The items as an array of exactly <see cref="Count"/>: the backing array when it has no spare slots, else a copy.</summary>
    internal T[] ExactArray() => _items is not null && _items.Length == _count ? _items : AsSpan().ToArray();
    public ReadOnlyMemory<T> AsMemory() => new(_items, 0, _count);
    public T[] ToArray() => AsSpan().ToArray();

    /// <summary>The items as a sequence (for iterators, which cannot hold a span).</summary>
    internal ArraySegment<T> Segment => _items is null ? ArraySegment<T>.Empty : new ArraySegment<T>(_items, 0, _count);

    public bool Equals(EquatableArray<T> other) =>
        AsSpan().SequenceEqual(other.AsSpan(), EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var item in AsSpan()) h.Add(item);
        return h.ToHashCode();
    }

    public static bool operator ==(EquatableArray<T> a, EquatableArray<T> b) => a.Equals(b);
    public static bool operator !=(EquatableArray<T> a, EquatableArray<T> b) => !a.Equals(b);

    public static implicit operator EquatableArray<T>(T[] items) => new(items);

    public ReadOnlySpan<T>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Segment).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Segment).GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", Segment) + "]";
}

public static class EquatableArray
{
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items.ToArray());
}
