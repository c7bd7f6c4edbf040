using System.Collections;

namespace Bgp.Actors.Config.Toml;

/// <summary>
/// An append-only list kept in fixed chunks below the large-object threshold: a 100,000-statement
/// file then neither regrows one huge array nor lands it on the large object heap, whose
/// allocations bring on full collections.
/// </summary>
internal sealed class ChunkedList<T> : IReadOnlyList<T>
{
    private const int ChunkSize = 256;

    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _chunks[index / ChunkSize][index % ChunkSize];
        }
    }

    public void Add(T item)
    {
        if (Count % ChunkSize == 0) _chunks.Add(new T[ChunkSize]);
        _chunks[^1][Count % ChunkSize] = item;
        Count++;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return _chunks[i / ChunkSize][i % ChunkSize];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
