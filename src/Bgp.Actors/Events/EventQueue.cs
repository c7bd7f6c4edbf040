using System.Threading.Channels;

namespace Bgp.Actors.Events;

/// <summary>What a subscriber reads: an item, or how many items were dropped at this point because it fell behind.</summary>
public readonly record struct QueuedEvent<T>(T? Item, long Lagged) where T : class
{
    public bool IsLag => Item is null;
}

/// <summary>
/// A bounded queue between publishers that must never wait (the RIB, sessions) and one slow reader
/// (a gRPC stream). When the queue is full the publisher drops the item and counts it; the reader
/// gets a lag entry with that count exactly where the gap is, after everything queued before it,
/// so it knows it missed events and can list the current state again. Nothing is lost silently.
/// </summary>
public sealed class EventQueue<T> where T : class
{
    private readonly Channel<QueuedEvent<T>> _channel;
    private readonly Lock _gate = new();
    private long _dropped;
    private int _items;
    private long _droppedTotal;
    private volatile bool _closed;

    public EventQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        // The bound is kept by counting items (lag entries do not count: there is at most one
        // between two items), so the channel itself need not be bounded.
        _channel = Channel.CreateUnbounded<QueuedEvent<T>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    }

    public int Capacity { get; }

    /// <summary>Items dropped since the queue was created.</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>The reader has gone: publishers may forget this queue.</summary>
    public bool IsClosed => _closed;

    /// <summary>Queues an item without waiting; false when it was dropped (full) or the queue is closed.</summary>
    public bool Offer(T item)
    {
        if (_closed) return false;
        lock (_gate)
        {
            if (Volatile.Read(ref _items) >= Capacity) return Drop();
            if (_dropped > 0)
            {
                // the gap is reported before anything that follows it
                if (!_channel.Writer.TryWrite(new QueuedEvent<T>(null, _dropped))) return false;
                _dropped = 0;
            }
            if (!_channel.Writer.TryWrite(new QueuedEvent<T>(item, 0))) return false;
            Interlocked.Increment(ref _items);
            return true;
        }
    }

    private bool Drop()
    {
        _dropped++;
        Interlocked.Increment(ref _droppedTotal);
        return false;
    }

    /// <summary>
    /// Reads items (and lag entries) until <paramref name="ct"/> is cancelled or <see cref="Close"/>
    /// is called. A gap at the end of the queue is reported as soon as the queue runs empty.
    /// </summary>
    public async IAsyncEnumerable<QueuedEvent<T>> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var reader = _channel.Reader;
        while (true)
        {
            while (reader.TryRead(out var next))
            {
                if (!next.IsLag) Interlocked.Decrement(ref _items);
                yield return next;
            }
            long lag;
            lock (_gate)
            {
                // nothing is queued, so nothing published before the gap is still waiting
                lag = Volatile.Read(ref _items) == 0 ? _dropped : 0;
                if (lag > 0) _dropped = 0;
            }
            if (lag > 0)
            {
                yield return new QueuedEvent<T>(null, lag);
                continue;
            }
            if (!await reader.WaitToReadAsync(ct).ConfigureAwait(false)) yield break;
        }
    }

    /// <summary>Ends the reader's enumeration (after what is queued) and tells publishers to forget the queue.</summary>
    public void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
    }
}
