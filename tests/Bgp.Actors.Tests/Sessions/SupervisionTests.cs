using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

[TestFixture]
public class SupervisionTests : AkkaTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Test]
    public async Task A_fault_in_one_session_restarts_that_session_only_and_leaves_the_others_and_the_rib_alone()
    {
        var config = TestConfigs.Load("""
            [global]
            asn = 65000
            router_id = "10.0.0.1"
            listen_addresses = []

            # export = "none": the scripted peers then see only what this test is about (no re-advertised routes)
            [[neighbors]]
            address = "10.0.0.2"
            remote_asn = 65002
            connect_retry = 1
            export = "none"

            [[neighbors]]
            address = "10.0.0.3"
            remote_asn = 65003
            connect_retry = 1
            export = "none"

            [[neighbors]]
            address = "10.0.0.4"
            remote_asn = 65004
            connect_retry = 1
            export = "none"
            """);
        var rib = Sys.Spawn<RibCommand>(RibActor.Props(RibSettings.From(config.Global)), "rib");
        var peers = new System.Collections.Concurrent.ConcurrentQueue<(IPAddress Address, ScriptedPeer Peer)>();
        var connector = new InMemoryConnector(request =>
        {
            var (client, server) = InMemoryConnector.Pair(IPAddress.Parse("10.0.0.1"), request.Remote.Address);
            peers.Enqueue((request.Remote.Address, new ScriptedPeer(server.Pipe)));
            return client;
        });
        var manager = Sys.Spawn<ManagerCommand>(PeerManagerActor.Props(config, rib, connector, listener: null,
            (n, g) => new PeerSessionSettings(n, g) { Seed = 7, IdleHoldTime = TimeSpan.FromMilliseconds(100) }), "peers");

        var scripted = new Dictionary<IPAddress, ScriptedPeer>();
        Kit.AwaitCondition(() => peers.Count >= 3, Wait);
        while (peers.TryDequeue(out var p)) scripted[p.Address] = p.Peer;
        Assert.That(scripted, Has.Count.EqualTo(3));
        foreach (var (address, peer) in scripted)
        {
            uint asn = 65000u + address.GetAddressBytes()[3];
            await peer.HandshakeAsync(asn, 0x0A000000u + address.GetAddressBytes()[3], 90, AfiSafi.Ipv4Unicast);
            await peer.SendAsync(new UpdateMessage(default,
                new EquatableArray<PathAttribute>([new OriginAttribute(Origin.Igp), new AsPathAttribute(AsPath.FromSequence(asn)),
                    new NextHopAttribute(IpAddr.Parse("198.18.0." + address.GetAddressBytes()[3]))]),
                new EquatableArray<Nlri>([new Nlri(Prefix.Parse($"10.{address.GetAddressBytes()[3]}.0.0/16")),
                    new Nlri(Prefix.Parse($"10.{address.GetAddressBytes()[3]}.1.0/24"))])));
        }
        long loaded = 0;
        await Kit.AwaitTrueAsync(async () => (loaded = (await rib.AskAsync<RibCommand, RibSummary>(r => new RibCommand.GetSummary(r), Wait)).TotalPrefixes) == 6,
            () => $"6 prefixes in the RIB, it has {loaded}");

        var faulty = IPAddress.Parse("10.0.0.3");
        manager.Tell(new ManagerCommand.InjectFault(faulty, "injected by the supervision test"));

        var cease = await scripted[faulty].ExpectAsync<NotificationMessage>();
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.AdministrativeReset)));
        // the restarted session connects again (after its 100 ms restart backoff)
        Kit.AwaitCondition(() => !peers.IsEmpty, Wait);
        Assert.That(peers.TryDequeue(out var again), Is.True, "the restarted session dialled out again");
        Assert.That(again.Address, Is.EqualTo(faulty));
        await again.Peer.HandshakeAsync(65003, 0x0A000003, 90, AfiSafi.Ipv4Unicast);

        var statuses = await manager.AskAsync<ManagerCommand, IReadOnlyList<PeerStatus>>(r => new ManagerCommand.ListPeers(r), Wait);
        foreach (var status in statuses.Where(s => !s.Address.Equals(faulty)))
        {
            Assert.That(status.State, Is.EqualTo(SessionState.Established), $"{status.Address} untouched");
            Assert.That(status.EstablishedTransitions, Is.EqualTo(1), $"{status.Address} never flapped");
        }
        var restarted = await manager.AskAsync<ManagerCommand, PeerStatus?>(r => new ManagerCommand.GetPeer(faulty, r), Wait);
        Assert.That(restarted!.EstablishedTransitions, Is.EqualTo(2), "counters survive the restart");
        Assert.That(restarted.Flaps, Is.EqualTo(1));

        var summary = await rib.AskAsync<RibCommand, RibSummary>(r => new RibCommand.GetSummary(r), Wait);
        Assert.That(summary.Peers[IPAddress.Parse("10.0.0.2")].Total, Is.EqualTo(2));
        Assert.That(summary.Peers[IPAddress.Parse("10.0.0.4")].Total, Is.EqualTo(2));
        Assert.That(summary.Peers.TryGetValue(faulty, out var gone) ? gone.Total : 0, Is.Zero, "only the faulty peer's routes were withdrawn");
        foreach (var peer in scripted.Values) await peer.DisposeAsync();
        await again.Peer.DisposeAsync();
    }

    [Test]
    public async Task A_session_that_fails_more_than_ten_times_within_a_minute_is_stopped_for_good()
    {
        var config = TestConfigs.Load("""
            [global]
            asn = 65000
            router_id = "10.0.0.1"
            listen_addresses = []

            [[neighbors]]
            address = "10.0.0.2"
            remote_asn = 65002
            """);
        var rib = Sys.Spawn<RibCommand>(RibActor.Props(RibSettings.From(config.Global)), "rib");
        var manager = Sys.Spawn<ManagerCommand>(PeerManagerActor.Props(config, rib, new InMemoryConnector(_ => null), listener: null), "peers");
        // answered after the manager's start, which spawns the sessions
        await manager.AskAsync<ManagerCommand, IReadOnlyList<PeerStatus>>(r => new ManagerCommand.ListPeers(r), Wait);
        var session = await Sys.ActorSelection("/user/peers/10.0.0.2").ResolveOne(Wait);
        Kit.Watch(session);
        var address = IPAddress.Parse("10.0.0.2");
        for (int i = 0; i < PeerManagerActor.MaxRestarts; i++) manager.Tell(new ManagerCommand.InjectFault(address, $"fault {i}"));
        var status = await new ActorRef<SessionCommand>(session).StatusAsync();
        Assert.That(status.Address, Is.EqualTo(address), "restarted ten times, still there");
        manager.Tell(new ManagerCommand.InjectFault(address, "one too many"));
        Kit.ExpectTerminated(session, Wait);
    }
}
