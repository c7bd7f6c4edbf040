using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Actors.Sessions;
using Bgp.Actors.Typed;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

/// <summary>
/// Connections the peer opens to us, on virtual time: a peer that only connects (never listens) gets in
/// while our own dials fail; a connection that stays silent neither blocks the real router nor lives
/// longer than <c>open_timeout</c>.
/// </summary>
[TestFixture]
public class IncomingConnectionTests() : AkkaTest(virtualTime: true)
{
    private static readonly IPAddress Us = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Them = IPAddress.Parse("10.0.0.2");

    private int _dials;

    /// <summary>A session that dials 10.0.0.2 (not passive) and finds nothing listening there.</summary>
    private (ActorRef<SessionCommand> Session, Probe<RibCommand> Rib) SessionWhoseDialsFail()
    {
        var rib = CreateProbe<RibCommand>("rib");
        var refusing = new InMemoryConnector(_ =>
        {
            Interlocked.Increment(ref _dials);
            return null;
        });
        var session = Sys.Spawn<SessionCommand>(PeerSessionActor.Props(TestConfigs.Session(65001, "10.0.0.1", "10.0.0.2", 65002),
            rib, refusing, new PeerCounters()), "session");
        return (session, rib);
    }

    /// <summary>The peer opens a connection to us; its end, scripted.</summary>
    private static ScriptedPeer Connect(ActorRef<SessionCommand> session)
    {
        var (peerEnd, ourEnd) = InMemoryConnector.Pair(Them, Us);
        session.Tell(new SessionCommand.Incoming(ourEnd));
        return new ScriptedPeer(peerEnd.Pipe);
    }

    [Test]
    public async Task A_peer_that_only_connects_is_established_on_its_first_attempt_while_our_dials_fail()
    {
        var (session, rib) = SessionWhoseDialsFail();
        await session.WaitForAsync(Kit, s => s.State == SessionState.Idle && s.LastError is not null && _dials >= 1, "the first dial to fail");

        // Idle in the idle hold after the refused dial: the peer's connection is taken all the same
        await using var peer = Connect(session);
        await peer.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        await rib.ExpectAsync<RibCommand.PeerUp>();
        var status = await session.StatusAsync();
        Assert.That((status.State, status.EstablishedTransitions), Is.EqualTo((SessionState.Established, 1L)));
    }

    [Test]
    public async Task Between_refused_dials_the_session_keeps_dialling_and_still_lets_the_peer_in()
    {
        var (session, rib) = SessionWhoseDialsFail();
        await session.WaitForAsync(Kit, s => s.State == SessionState.Idle && _dials >= 1, "the first dial to fail");
        for (int attempt = 2; attempt <= 4; attempt++)
        {
            // idle hold 1 s, 2 s, 4 s, then the next dial; generous steps of virtual time
            Advance(TimeSpan.FromSeconds(10));
            await session.WaitForAsync(Kit, s => s.State == SessionState.Idle && _dials >= attempt, $"dial {attempt} to fail");
        }
        await using var peer = Connect(session);
        await peer.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        await rib.ExpectAsync<RibCommand.PeerUp>();
    }

    [Test]
    public async Task Silent_connections_from_the_peer_address_give_way_to_the_real_router()
    {
        var (session, rib) = SessionWhoseDialsFail();
        await session.WaitForAsync(Kit, s => s.State == SessionState.Idle && _dials >= 1, "the first dial to fail");

        await using var silent1 = Connect(session);
        await silent1.ExpectAsync<OpenMessage>();
        await using var silent2 = Connect(session);
        await silent2.ExpectAsync<OpenMessage>();
        // two connections in OpenSent that never sent an OPEN: the third is not refused
        await using var router = Connect(session);
        var cease = await silent1.ExpectAsync<NotificationMessage>();
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.ConnectionCollisionResolution)));
        await silent1.ExpectClosedAsync();
        await router.HandshakeAsync(65002, 0x0A000002, 90, AfiSafi.Ipv4Unicast);
        await rib.ExpectAsync<RibCommand.PeerUp>();
        // once Established, the other silent one is closed as the collision's loser
        var loser = await silent2.ExpectAsync<NotificationMessage>();
        Assert.That(loser.Code, Is.EqualTo(NotificationCode.Cease));
        Assert.That((await session.StatusAsync()).State, Is.EqualTo(SessionState.Established));
    }

    [Test]
    public async Task A_connection_that_sends_no_open_within_open_timeout_is_dropped()
    {
        var (session, _) = SessionWhoseDialsFail();
        await session.WaitForAsync(Kit, s => s.State == SessionState.Idle && _dials >= 1, "the first dial to fail");
        await using var silent = Connect(session);
        await silent.ExpectAsync<OpenMessage>();
        await session.WaitForAsync(Kit, s => s.State == SessionState.OpenSent, "OpenSent on the silent connection");

        Advance(TimeSpan.FromSeconds(Bgp.Actors.Config.NeighborConfig.DefaultOpenTimeout - 1));
        Assert.That((await session.StatusAsync()).State, Is.EqualTo(SessionState.OpenSent), "still waiting within open_timeout");
        Advance(TimeSpan.FromSeconds(1));
        var expired = await silent.ExpectAsync<NotificationMessage>();
        Assert.That(expired.Code, Is.EqualTo(NotificationCode.HoldTimerExpired));
        await silent.ExpectClosedAsync();
    }
}
