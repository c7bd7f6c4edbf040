using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Akka.Actor;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

/// <summary>Two in-process speakers over in-memory pipes, timers on the TestKit's virtual scheduler.</summary>
[TestFixture]
public class SimulationTests() : AkkaTest(virtualTime: true)
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    /// <summary>A session (10.0.0.1, AS65001) that dials a scripted peer (10.0.0.2, AS65002) over an in-memory pipe; returns once in OpenSent.</summary>
    private async Task<(ActorRef<SessionCommand> Session, ScriptedPeer Peer, Probe<RibCommand> Rib)> DialScriptedPeerAsync(int holdTime)
    {
        var rib = CreateProbe<RibCommand>("rib");
        ScriptedPeer? peer = null;
        var connector = new InMemoryConnector(request =>
        {
            var (client, server) = InMemoryConnector.Pair(A, request.Remote.Address);
            peer = new ScriptedPeer(server.Pipe);
            return client;
        });
        var session = Sys.Spawn<SessionCommand>(PeerSessionActor.Props(TestConfigs.Session(65001, "10.0.0.1", "10.0.0.2", 65002, holdTime),
            rib, connector, new PeerCounters()), "s");
        await session.WaitForAsync(Kit, s => s.State == SessionState.OpenSent, "OpenSent on our connection");
        return (session, peer!, rib);
    }

    /// <summary>As <see cref="DialScriptedPeerAsync"/>, then plays the peer's OPEN exchange up to Established.</summary>
    private async Task<(ActorRef<SessionCommand> Session, ScriptedPeer Peer, Probe<RibCommand> Rib)> EstablishedWithScriptedPeerAsync(int holdTime)
    {
        var (session, peer, rib) = await DialScriptedPeerAsync(holdTime);
        await peer.HandshakeAsync(65002, 0x0A000002, (ushort)holdTime, AfiSafi.Ipv4Unicast);
        await rib.ExpectAsync<RibCommand.PeerUp>();
        return (session, peer, rib);
    }

    [Test]
    public async Task Two_speakers_establish_and_keepalives_hold_the_session_for_three_hold_periods()
    {
        var ribA = CreateProbe<RibCommand>("ribA");
        var ribB = CreateProbe<RibCommand>("ribB");
        ActorRef<SessionCommand>? b = null;
        var connectorA = new InMemoryConnector(request =>
        {
            var (client, server) = InMemoryConnector.Pair(A, request.Remote.Address);
            b!.Tell(new SessionCommand.Incoming(server));
            return client;
        });
        b = Sys.Spawn<SessionCommand>(PeerSessionActor.Props(TestConfigs.Session(65002, "10.0.0.2", "10.0.0.1", 65001, holdTime: 9, passive: true),
            ribB, new InMemoryConnector(_ => null), new PeerCounters()), "b");
        var a = Sys.Spawn<SessionCommand>(PeerSessionActor.Props(TestConfigs.Session(65001, "10.0.0.1", "10.0.0.2", 65002, holdTime: 30),
            ribA, connectorA, new PeerCounters()), "a");

        var upA = await ribA.ExpectAsync<RibCommand.PeerUp>();
        var upB = await ribB.ExpectAsync<RibCommand.PeerUp>();
        Assert.That(upA.Session.HoldTime, Is.EqualTo(TimeSpan.FromSeconds(9)), "the smaller hold time wins (RFC 4271 §4.2)");
        Assert.That(upA.Session.KeepaliveTime, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(upA.Session.Families.Items, Is.EquivalentTo(new[] { AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast }));
        Assert.That(upB.Session.PeerAs, Is.EqualTo(65001u));

        // one virtual second at a time; every third, both sides must have taken the keepalive the other sent
        for (int second = 1; second <= 3 * 9; second++)
        {
            Advance(TimeSpan.FromSeconds(1));
            if (second % 3 != 0) continue;
            int expected = second / 3;
            await a.WaitForAsync(Kit, s => s.KeepalivesIn >= expected, $"keepalive {expected} at A");
            await b.WaitForAsync(Kit, s => s.KeepalivesIn >= expected, $"keepalive {expected} at B");
        }
        var statusA = await a.StatusAsync();
        var statusB = await b.StatusAsync();
        Assert.That(statusA.State, Is.EqualTo(SessionState.Established));
        Assert.That(statusB.State, Is.EqualTo(SessionState.Established));
        Assert.That(statusA.KeepalivesIn, Is.GreaterThanOrEqualTo(9), "one every 3 s for 27 s");
        Assert.That(statusA.Flaps + statusB.Flaps, Is.Zero);
        Assert.That(statusA.Uptime, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(27)));
    }

    [Test]
    public async Task A_peer_that_falls_silent_is_dropped_when_the_hold_timer_expires_with_notification_4_0()
    {
        var (session, peer, rib) = await EstablishedWithScriptedPeerAsync(holdTime: 9);

        Advance(TimeSpan.FromSeconds(8));
        // the status is answered after whatever the 8 s fired has been handled
        Assert.That((await session.StatusAsync()).State, Is.EqualTo(SessionState.Established));
        Advance(TimeSpan.FromSeconds(1));
        var notification = await peer.ExpectAsync<NotificationMessage>();
        Assert.That((notification.Code, notification.Subcode), Is.EqualTo((NotificationCode.HoldTimerExpired, (byte)0)));
        var down = await rib.ExpectAsync<RibCommand.PeerDown>();
        Assert.That(down.Reason, Does.Contain("hold timer"));
        var status = await session.StatusAsync();
        Assert.That(status.LastNotificationOut, Is.EqualTo("HoldTimerExpired/Unspecific"));
    }

    [Test]
    public async Task Traffic_from_the_peer_pushes_the_hold_deadline_back()
    {
        var (session, peer, rib) = await EstablishedWithScriptedPeerAsync(holdTime: 9);
        for (int i = 0; i < 5; i++)
        {
            Advance(TimeSpan.FromSeconds(6));
            await peer.SendAsync(KeepaliveMessage.Instance);
            await session.WaitForAsync(Kit, s => s.KeepalivesIn >= 2 + i, "the keepalive to be counted");
        }
        Assert.That((await session.StatusAsync()).State, Is.EqualTo(SessionState.Established), "30 s with a 9 s hold time, kept up by keepalives");
    }

    [TestCase(0x0A000009u, true, TestName = "Collision: a peer with the higher BGP identifier keeps its own connection (RFC 4271 §6.8)")]
    [TestCase(0x0A000000u, false, TestName = "Collision: a peer with the lower BGP identifier loses its connection to ours (RFC 4271 §6.8)")]
    public async Task Simultaneous_opens_are_resolved_by_bgp_identifier(uint peerId, bool incomingWins)
    {
        // our identifier is 10.0.0.1
        var (session, outgoing, rib) = await DialScriptedPeerAsync(holdTime: 90);
        await outgoing.ExpectAsync<OpenMessage>();

        var (peerEnd, ourEnd) = InMemoryConnector.Pair(B, A);
        var incoming = new ScriptedPeer(peerEnd.Pipe);
        session.Tell(new SessionCommand.Incoming(ourEnd));
        await incoming.ExpectAsync<OpenMessage>();

        var open = new OpenMessage(65002, 90, peerId, new EquatableArray<Capability>([new FourOctetAsCapability(65002), new MultiprotocolCapability(AfiSafi.Ipv4Unicast)]));
        await outgoing.SendAsync(open);
        var (winner, loser) = incomingWins ? (incoming, outgoing) : (outgoing, incoming);
        var cease = await loser.ExpectAsync<NotificationMessage>();
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.ConnectionCollisionResolution)));
        await loser.ExpectClosedAsync();

        if (incomingWins) await winner.SendAsync(open);
        await winner.SendAsync(KeepaliveMessage.Instance);
        await rib.ExpectAsync<RibCommand.PeerUp>();
        var status = await session.StatusAsync();
        Assert.That(status.State, Is.EqualTo(SessionState.Established));
        Assert.That(status.EstablishedTransitions, Is.EqualTo(1));
    }

    [Test]
    public async Task Told_its_peer_went_past_max_prefixes_the_session_closes_with_cease_1_naming_the_family_and_limit()
    {
        var (session, peer, rib) = await DialScriptedPeerAsync(holdTime: 90);
        await peer.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        var up = await rib.ExpectAsync<RibCommand.PeerUp>();

        // news about an earlier session of this peer changes nothing
        session.Tell(new SessionCommand.PrefixLimitExceeded(AfiSafi.Ipv4Unicast, 1000, up.Info!.SessionId - 1));
        // answered after the stale news was handled
        Assert.That((await session.StatusAsync()).State, Is.EqualTo(SessionState.Established));

        session.Tell(new SessionCommand.PrefixLimitExceeded(AfiSafi.Ipv4Unicast, 1000, up.Info.SessionId));
        var cease = await peer.ExpectAsync<NotificationMessage>();
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.MaximumPrefixesReached)));
        Assert.That(Convert.ToHexString(cease.Data.AsSpan()), Is.EqualTo("000101" + "000003E8"), "AFI 1, SAFI 1, limit 1000 (RFC 4486 §4)");
        await rib.ExpectAsync<RibCommand.PeerDown>();
        var status = await session.StatusAsync();
        Assert.That(status.State, Is.EqualTo(SessionState.Idle));
        Assert.That(status.LastError, Does.Contain("max_prefixes ipv4-unicast=1000 exceeded"));
    }

    [Test]
    public async Task Route_refresh_from_the_peer_asks_the_rib_to_send_again_and_soft_reset_in_sends_one_per_family()
    {
        var (session, peer, rib) = await EstablishedWithScriptedPeerAsync(holdTime: 90);

        await peer.SendAsync(new RouteRefreshMessage(Afi.Ipv4, Safi.Unicast));
        var refresh = await rib.FishAsync<RibCommand.RefreshOut>();
        Assert.That(refresh.Family, Is.EqualTo(AfiSafi.Ipv4Unicast));

        var done = await session.AskAsync<SessionCommand, RouteRefreshResult>(r => new SessionCommand.RequestRouteRefresh(null, r), TimeSpan.FromSeconds(5));
        Assert.That(done.Families, Is.EqualTo(new[] { AfiSafi.Ipv4Unicast }));
        var sent = await peer.ExpectAsync<RouteRefreshMessage>();
        Assert.That(sent.Family, Is.EqualTo(AfiSafi.Ipv4Unicast));

        var refused = await session.AskAsync<SessionCommand, RouteRefreshResult>(r => new SessionCommand.RequestRouteRefresh(AfiSafi.Ipv6Unicast, r), TimeSpan.FromSeconds(5));
        Assert.That(refused.Error, Does.Contain("ipv6-unicast was not negotiated"));
    }
}

