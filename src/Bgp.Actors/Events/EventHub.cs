using System.Net;

namespace Bgp.Actors.Events;

/// <summary>What a subscriber wants: the kinds of events, and optionally one neighbor's only.</summary>
public sealed record EventFilter(bool Sessions = true, bool Notifications = true, bool Neighbors = true, IPAddress? Peer = null)
{
    public static readonly EventFilter All = new();

    public bool Matches(BgpEvent e) =>
        (Peer is null || Peer.Equals(e.Peer)) && e switch
        {
            SessionStateEvent => Sessions,
            NotificationEvent => Notifications,
            NeighborChangeEvent => Neighbors,
            _ => false,
        };
}

/// <summary>
/// Session, NOTIFICATION and neighbor events from every session and the peer manager, fanned out
/// to subscribers (each an <see cref="EventQueue{T}"/>: a slow one loses events with a lag entry,
/// never slows a session) and kept in a ring of the most recent ones. Route changes do not pass
/// through here: they come from the RIB's own watchers (<see cref="Rib.RouteWatch"/>), which can
/// start with a consistent copy of the table.
/// </summary>
public sealed class EventHub(TimeProvider time, int historySize = EventHub.DefaultHistory)
{
    public const int DefaultHistory = 1024;

    private readonly Lock _gate = new();
    private readonly BgpEvent?[] _history = new BgpEvent?[Math.Max(1, historySize)];
    private int _next;
    private long _published;
    private (EventFilter Filter, EventQueue<BgpEvent> Queue)[] _subscribers = [];

    public TimeProvider Time { get; } = time;

    /// <summary>Events published since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    public void Publish(BgpEvent e)
    {
        (EventFilter Filter, EventQueue<BgpEvent> Queue)[] subscribers;
        lock (_gate)
        {
            _history[_next] = e;
            _next = (_next + 1) % _history.Length;
            _published++;
            subscribers = _subscribers;
        }
        bool anyClosed = false;
        foreach (var (filter, queue) in subscribers)
        {
            if (queue.IsClosed) anyClosed = true;
            else if (filter.Matches(e)) queue.Offer(e);
        }
        if (anyClosed) Prune();
    }

    /// <summary>The most recent events that pass <paramref name="filter"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<BgpEvent> Recent(EventFilter filter, int limit = int.MaxValue)
    {
        lock (_gate) return RecentLocked(filter, limit);
    }

    /// <summary>
    /// Subscribes <paramref name="queue"/>; returns the recent history up to that moment (when asked),
    /// so history and live events neither overlap nor leave a gap. Close the queue to unsubscribe.
    /// </summary>
    public IReadOnlyList<BgpEvent> Subscribe(EventFilter filter, EventQueue<BgpEvent> queue, bool withHistory)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, (filter, queue)];
            return withHistory ? RecentLocked(filter, int.MaxValue) : [];
        }
    }

    private List<BgpEvent> RecentLocked(EventFilter filter, int limit)
    {
        var result = new List<BgpEvent>();
        for (int i = 0; i < _history.Length; i++)
            if (_history[(_next + i) % _history.Length] is { } e && filter.Matches(e)) result.Add(e);
        return result.Count > limit ? result.GetRange(result.Count - limit, limit) : result;
    }

    private void Prune()
    {
        lock (_gate) _subscribers = [.. _subscribers.Where(s => !s.Queue.IsClosed)];
    }
}
