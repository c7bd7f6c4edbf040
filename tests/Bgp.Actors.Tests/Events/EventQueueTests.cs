using System.Net;
using Bgp.Actors.Events;
using Bgp.Actors.Fsm;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Events;

/// <summary>The bounded queue behind every watch stream, and the hub that fans session events out.</summary>
[TestFixture]
public sealed class EventQueueTests
{
    private static readonly IPAddress PeerA = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress PeerB = IPAddress.Parse("10.0.0.2");

    private static NeighborChangeEvent Change(int n, IPAddress? peer = null) => new(DateTimeOffset.UnixEpoch.AddSeconds(n), peer ?? PeerA, $"change {n}");

    private static async Task<List<QueuedEvent<BgpEvent>>> ReadAvailableAsync(EventQueue<BgpEvent> queue)
    {
        var result = new List<QueuedEvent<BgpEvent>>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await foreach (var e in queue.ReadAllAsync(stop.Token)) result.Add(e);
        }
        catch (OperationCanceledException)
        {
        }
        return result;
    }

    [Test]
    public async Task A_full_queue_drops_and_reports_the_gap_where_it_happened()
    {
        var queue = new EventQueue<BgpEvent>(3);
        for (int i = 0; i < 3; i++) Assert.That(queue.Offer(Change(i)), Is.True);
        Assert.That(queue.Offer(Change(3)), Is.False, "full");
        Assert.That(queue.Offer(Change(4)), Is.False, "still full");
        Assert.That(queue.DroppedTotal, Is.EqualTo(2));

        var read = await ReadAvailableAsync(queue);
        Assert.That(read.Select(e => e.IsLag ? $"lag {e.Lagged}" : ((NeighborChangeEvent)e.Item!).Change),
            Is.EqualTo(new[] { "change 0", "change 1", "change 2", "lag 2" }), "the gap comes after what was queued before it");
    }

    [Test]
    public async Task Events_after_a_gap_follow_the_lag_entry()
    {
        var queue = new EventQueue<BgpEvent>(2);
        queue.Offer(Change(0));
        queue.Offer(Change(1));
        queue.Offer(Change(2)); // dropped
        var first = await ReadAvailableAsync(queue);
        Assert.That(first, Has.Count.EqualTo(3), "two items and the lag");
        Assert.That(queue.Offer(Change(3)), Is.True);
        var second = await ReadAvailableAsync(queue);
        Assert.That(second.Select(e => e.IsLag), Is.EqualTo(new[] { false }), "a gap is reported once");
        Assert.That(((NeighborChangeEvent)second[0].Item!).Change, Is.EqualTo("change 3"));

        // a gap while the reader is away is reported before the next item, not after it
        var again = new EventQueue<BgpEvent>(1);
        again.Offer(Change(10));
        again.Offer(Change(11)); // dropped
        var one = new List<QueuedEvent<BgpEvent>>();
        await using (var reader = again.ReadAllAsync().GetAsyncEnumerator())
        {
            Assert.That(await reader.MoveNextAsync(), Is.True);
            one.Add(reader.Current);
            again.Offer(Change(12));
            Assert.That(await reader.MoveNextAsync(), Is.True);
            one.Add(reader.Current);
            Assert.That(await reader.MoveNextAsync(), Is.True);
            one.Add(reader.Current);
        }
        Assert.That(one.Select(e => e.IsLag ? $"lag {e.Lagged}" : ((NeighborChangeEvent)e.Item!).Change),
            Is.EqualTo(new[] { "change 10", "lag 1", "change 12" }));
    }

    [Test]
    public async Task Closing_ends_the_reader_and_refuses_further_offers()
    {
        var queue = new EventQueue<BgpEvent>(4);
        queue.Offer(Change(0));
        await using var reader = queue.ReadAllAsync().GetAsyncEnumerator();
        Assert.That(await reader.MoveNextAsync(), Is.True, "the queued event");
        var waiting = reader.MoveNextAsync().AsTask();   // a reader parked on an empty queue
        Assert.That(waiting.IsCompleted, Is.False);
        queue.Close();
        Assert.That(await waiting.WaitAsync(TimeSpan.FromSeconds(5)), Is.False, "closing ends the parked reader");
        Assert.That(queue.Offer(Change(1)), Is.False);
        Assert.That(queue.IsClosed, Is.True);
    }

    [Test]
    public void Concurrent_publishers_lose_nothing_that_fits()
    {
        var queue = new EventQueue<BgpEvent>(40_000);
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < 10_000; i++) queue.Offer(Change(i));
        });
        Assert.That(queue.DroppedTotal, Is.Zero);
        queue.Close();
        int n = 0;
        var e = queue.ReadAllAsync().GetAsyncEnumerator();
        while (e.MoveNextAsync().AsTask().Result) n++;
        Assert.That(n, Is.EqualTo(40_000));
    }

    [Test]
    public void The_hub_keeps_a_bounded_history_and_filters_it()
    {
        var hub = new EventHub(TimeProvider.System, historySize: 4);
        for (int i = 0; i < 6; i++) hub.Publish(Change(i, i % 2 == 0 ? PeerA : PeerB));
        hub.Publish(new SessionStateEvent(DateTimeOffset.UnixEpoch, PeerA, 65001, SessionState.OpenConfirm, SessionState.Established, "KeepAliveMsg"));
        var all = hub.Recent(EventFilter.All);
        Assert.That(all, Has.Count.EqualTo(4), "the oldest were overwritten");
        Assert.That(all[0], Is.TypeOf<NeighborChangeEvent>().And.Property("Change").EqualTo("change 3"), "oldest first");
        Assert.That(all[^1], Is.TypeOf<SessionStateEvent>());
        Assert.That(hub.Recent(EventFilter.All with { Peer = PeerB }).Select(e => ((NeighborChangeEvent)e).Change),
            Is.EqualTo(new[] { "change 3", "change 5" }));
        Assert.That(hub.Recent(EventFilter.All with { Neighbors = false }), Has.Count.EqualTo(1));
        Assert.That(hub.Recent(EventFilter.All, limit: 2), Has.Count.EqualTo(2));
        Assert.That(hub.Published, Is.EqualTo(7));
    }

    [Test]
    public async Task A_subscriber_gets_history_then_live_events_without_overlap_and_is_pruned_when_closed()
    {
        var hub = new EventHub(TimeProvider.System);
        hub.Publish(Change(0));
        hub.Publish(Change(1, PeerB));
        var queue = new EventQueue<BgpEvent>(16);
        var history = hub.Subscribe(EventFilter.All with { Peer = PeerA }, queue, withHistory: true);
        hub.Publish(Change(2));
        hub.Publish(Change(3, PeerB));
        Assert.That(history.Select(e => ((NeighborChangeEvent)e).Change), Is.EqualTo(new[] { "change 0" }));
        var live = await ReadAvailableAsync(queue);
        Assert.That(live.Select(e => ((NeighborChangeEvent)e.Item!).Change), Is.EqualTo(new[] { "change 2" }));
        Assert.That(hub.Subscribers, Is.EqualTo(1));
        queue.Close();
        hub.Publish(Change(4));
        Assert.That(hub.Subscribers, Is.Zero);
    }
}
