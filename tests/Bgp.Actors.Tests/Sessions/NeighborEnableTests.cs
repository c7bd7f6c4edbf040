using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Events;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

/// <summary>
/// Enabling and disabling neighbors through the peer manager, by command and by configuration.
/// A neighbor event (enabled, disabled) is the cause of the session events that follow it, so a watcher
/// sees it first: the peer manager publishes it before it tells the session. Published after, the session
/// (on another thread) could win the race, and a client reading "disabled, then the session going down"
/// would skip the session event while waiting for the neighbor one (a daemon test hit that once).
/// The clock makes the race deterministic: the manager's reading of the time for its event takes 100 ms,
/// so if the session had already been told, its events would come first every time.
/// </summary>
[TestFixture]
public class NeighborEnableTests : AkkaTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly IPAddress Peer = IPAddress.Parse("10.0.0.2");

    private const string Config = """
        [global]
        asn = 65000
        router_id = "10.0.0.1"
        listen_addresses = []

        [[neighbors]]
        address = "10.0.0.2"
        remote_asn = 65002
        connect_retry = 1
        export = "none"
        """;

    [Test]
    public async Task A_configuration_with_enabled_false_stops_the_session_and_true_brings_it_back_without_other_changes()
    {
        var config = TestConfigs.Load(Config);
        await using var f = new Fixture(Sys, config, TimeProvider.System);
        var (events, manager) = (f.Events, f.Manager);
        var peer = await f.NextDialAsync();
        await peer.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        await NextAsync(events, e => e is SessionStateEvent { To: SessionState.Established }, "Established");

        var off = TestConfigs.Load(Config + "\nenabled = false\n");
        var diff = (await manager.AskAsync<ManagerCommand, ConfigApplied>(r => new ManagerCommand.ApplyConfig(off, r), Wait)).Diff!;
        Assert.That(diff.Changes.Select(c => (c.Path, c.ResetsSession)), Is.EqualTo(new[] { ("neighbors[10.0.0.2].enabled", false) }));
        var cease = await peer.ExpectAsync<NotificationMessage>(Wait);
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.AdministrativeShutdown)));
        Assert.That(await NextAsync(events, e => e is NeighborChangeEvent, "the neighbor event"), Has.Property("Change").EqualTo("disabled"));
        var status = await manager.AskAsync<ManagerCommand, PeerStatus?>(r => new ManagerCommand.GetPeer(Peer, r), Wait);
        Assert.That((status!.Enabled, status.State), Is.EqualTo((false, SessionState.Idle)));
        await f.ExpectNoDialAsync(TimeSpan.FromMilliseconds(300));   // idle hold is 10 ms and connect retry 1 s: a disabled session dials nobody

        diff = (await manager.AskAsync<ManagerCommand, ConfigApplied>(r => new ManagerCommand.ApplyConfig(config, r), Wait)).Diff!;
        Assert.That(diff.Changes.Select(c => c.Path), Is.EqualTo(new[] { "neighbors[10.0.0.2].enabled" }));
        var again = await f.NextDialAsync();
        await again.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        await NextAsync(events, e => e is SessionStateEvent { To: SessionState.Established }, "Established again");
        status = await manager.AskAsync<ManagerCommand, PeerStatus?>(r => new ManagerCommand.GetPeer(Peer, r), Wait);
        Assert.That((status!.Enabled, status.EstablishedTransitions), Is.EqualTo((true, 2)));
    }

    [Test]
    public async Task A_reload_with_a_part_that_cannot_be_applied_applies_nothing_and_says_why()
    {
        var config = TestConfigs.Load(Config);
        var refused = IPAddress.Parse("10.0.0.3");
        await using var f = new Fixture(Sys, config, TimeProvider.System, n => n.Address.Equals(refused));
        var (events, manager) = (f.Events, f.Manager);
        var peer = await f.NextDialAsync();
        await peer.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        await NextAsync(events, e => e is SessionStateEvent { To: SessionState.Established }, "Established");

        // disable 10.0.0.2 (applies in place) and add 10.0.0.3, whose settings cannot be built
        var mixed = TestConfigs.Load(Config + "\nenabled = false\n\n[[neighbors]]\naddress = \"10.0.0.3\"\nremote_asn = 65003\n");
        var applied = await manager.AskAsync<ManagerCommand, ConfigApplied>(r => new ManagerCommand.ApplyConfig(mixed, r), Wait);
        Assert.That((applied.Success, applied.Diff), Is.EqualTo((false, (ConfigDiff?)null)));
        Assert.That(applied.Error, Does.Contain("neighbor 10.0.0.3").And.Contain("cannot use 10.0.0.3"));

        var peers = await manager.AskAsync<ManagerCommand, IReadOnlyList<PeerStatus>>(r => new ManagerCommand.ListPeers(r), Wait);
        Assert.That(peers.Select(p => (p.Address, p.Enabled, p.State)), Is.EqualTo(new[] { (Peer, true, SessionState.Established) }),
            "10.0.0.2 not disabled, 10.0.0.3 not added");

        // the manager was not restarted by the failure: the next valid change applies, to the same session, and the first
        // thing the peer hears is that change's Cease (a reset by the refused reload would have come first)
        var off = TestConfigs.Load(Config + "\nenabled = false\n");
        applied = await manager.AskAsync<ManagerCommand, ConfigApplied>(r => new ManagerCommand.ApplyConfig(off, r), Wait);
        Assert.That(applied.Success, Is.True, applied.Error);
        var cease = await peer.ExpectAsync<NotificationMessage>(Wait);
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.AdministrativeShutdown)));
        var status = await manager.AskAsync<ManagerCommand, PeerStatus?>(r => new ManagerCommand.GetPeer(Peer, r), Wait);
        Assert.That((status!.Enabled, status.EstablishedTransitions), Is.EqualTo((false, 1)));
    }

    [Test]
    public async Task Disable_and_enable_publish_the_neighbor_event_before_the_session_events_they_cause()
    {
        await using var f = new Fixture(Sys, TestConfigs.Load(Config), new SlowForTheManager());
        var (events, manager) = (f.Events, f.Manager);
        for (int cycle = 0; cycle < 3; cycle++)
        {
            var peer = await f.NextDialAsync();
            await peer.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
            await NextAsync(events, e => e is SessionStateEvent { To: SessionState.Established }, "Established");

            var disabled = new Reply<PeerChangeResult>();
            manager.Tell(new ManagerCommand.DisablePeer(Peer, $"cycle {cycle}", disabled));
            var first = await NextAsync(events, _ => true, "the first event after disabling");
            Assert.That(first, Is.InstanceOf<NeighborChangeEvent>().With.Property("Change").EqualTo($"disabled: cycle {cycle}"),
                $"cycle {cycle}: the neighbor event comes before the session's");
            var down = await NextAsync(events, _ => true, "the session going down");
            Assert.That(down, Is.InstanceOf<SessionStateEvent>().With.Property("From").EqualTo(SessionState.Established));
            await NextAsync(events, e => e is NotificationEvent { Sent: true, Subcode: (byte)CeaseSubcode.AdministrativeShutdown }, "the Cease");
            await disabled.Task.WaitAsync(Wait);

            var enabled = new Reply<PeerChangeResult>();
            manager.Tell(new ManagerCommand.EnablePeer(Peer, enabled));
            first = await NextAsync(events, _ => true, "the first event after enabling");
            Assert.That(first, Is.InstanceOf<NeighborChangeEvent>().With.Property("Change").EqualTo("enabled"),
                $"cycle {cycle}: the neighbor event comes before the session's");
            await enabled.Task.WaitAsync(Wait);
        }
    }

    /// <summary>System time, read 100 ms late when the peer manager asks (its event's time stamp).</summary>
    private sealed class SlowForTheManager : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            var frames = new System.Diagnostics.StackTrace(1, false).GetFrames();
            if (frames.Any(f => f.GetMethod()?.DeclaringType is { } t && (t == typeof(PeerManagerActor) || t.DeclaringType == typeof(PeerManagerActor))))
                Thread.Sleep(100);
            return base.GetUtcNow();
        }
    }

    /// <summary>A peer manager with one neighbor on in-memory pipes, its event stream, and the peers its session dials.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly EventQueue<BgpEvent> _queue = new(4096);
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
        private readonly List<ScriptedPeer> _peers = [];

        /// <param name="refuse">Neighbors whose settings cannot be built (the factory throws), to test an apply that fails.</param>
        public Fixture(Akka.Actor.ActorSystem system, BgpConfig config, TimeProvider time, Func<NeighborConfig, bool>? refuse = null)
        {
            BgpActorSystem.Configure(system, null, time);
            var hub = new EventHub(TimeProvider.System);
            hub.Subscribe(EventFilter.All, _queue, withHistory: false);
            Events = _queue.ReadAllAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
            var rib = system.Spawn<RibCommand>(RibActor.Props(RibSettings.From(config.Global)), "rib");
            var connector = new InMemoryConnector(request =>
            {
                var (client, server) = InMemoryConnector.Pair(IPAddress.Parse("10.0.0.1"), request.Remote.Address);
                _dialled.Writer.TryWrite(new ScriptedPeer(server.Pipe));
                return client;
            });
            Manager = system.Spawn<ManagerCommand>(PeerManagerActor.Props(config, rib, connector, listener: null,
                (n, g) => refuse?.Invoke(n) == true
                    ? throw new InvalidOperationException($"cannot use {n.Address}")
                    : new PeerSessionSettings(n, g) { Seed = 7, IdleHoldTime = TimeSpan.FromMilliseconds(10) }, hub), "peers");
        }

        /// <summary>Read with the fixture's 60 s bound.</summary>
        public IAsyncEnumerator<QueuedEvent<BgpEvent>> Events { get; }

        private readonly System.Threading.Channels.Channel<ScriptedPeer> _dialled = System.Threading.Channels.Channel.CreateUnbounded<ScriptedPeer>();

        public ActorRef<ManagerCommand> Manager { get; }

        /// <summary>The next connection the session opens, waited for (at most 5 s), not polled.</summary>
        public async Task<ScriptedPeer> NextDialAsync()
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                var peer = await _dialled.Reader.ReadAsync(wait.Token);
                _peers.Add(peer);
                return peer;
            }
            catch (OperationCanceledException)
            {
                throw new AssertionException("the session did not dial out within 5 s");
            }
        }

        /// <summary>Asserts that the session opens no connection within <paramref name="wait"/>.</summary>
        public async Task ExpectNoDialAsync(TimeSpan wait)
        {
            using var cts = new CancellationTokenSource(wait);
            try
            {
                var peer = await _dialled.Reader.ReadAsync(cts.Token);
                _peers.Add(peer);
                Assert.Fail("the disabled session dialled out");
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var p in _peers) await p.DisposeAsync();
            while (_dialled.Reader.TryRead(out var p)) await p.DisposeAsync();
            _queue.Close();
            await Events.DisposeAsync();
            _stop.Dispose();
        }
    }

    private static async Task<BgpEvent> NextAsync(IAsyncEnumerator<QueuedEvent<BgpEvent>> events, Func<BgpEvent, bool> wanted, string what)
    {
        for (int i = 0; i < 100; i++)
        {
            // bounded by the enumerator's 60 s token
            if (!await events.MoveNextAsync()) break;
            var item = events.Current.Item ?? throw new AssertionException($"events were lost waiting for {what}");
            if (wanted(item)) return item;
        }
        throw new AssertionException($"no {what} among the next 100 events");
    }
}
