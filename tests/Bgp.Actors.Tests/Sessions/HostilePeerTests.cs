using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

/// <summary>
/// A scripted peer on real loopback TCP: the session connects to it, it plays the OPEN exchange,
/// then sends bytes a real implementation would not. Each test checks the session's reaction.
/// </summary>
[TestFixture]
public class HostilePeerTests : AkkaTest
{
    private TcpListener _listener = null!;
    private Probe<RibCommand> _rib = null!;
    private ActorRef<SessionCommand> _session = null!;
    private ScriptedPeer _peer = null!;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SetUp]
    public async Task SetUp()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _rib = CreateProbe<RibCommand>("rib");
        var settings = TestConfigs.Session(65001, "10.0.0.1", "127.0.0.1", 65002, holdTime: 3)
            with { RemotePort = ((IPEndPoint)_listener.LocalEndpoint).Port };
        _session = Sys.Spawn<SessionCommand>(PeerSessionActor.Props(settings, _rib, TcpConnector.Instance, new PeerCounters()), "hostile");
        _peer = await ScriptedPeer.AcceptAsync(_listener, Wait);
        await _peer.HandshakeAsync(65002, 0x7F000001, 3, AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast);
        await _rib.ExpectAsync<RibCommand.PeerUp>();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _peer.DisposeAsync();
        _listener.Stop();
        _listener.Dispose();
    }

    private static UpdateMessage Announce(string prefix, byte origin = 0) => new(
        default,
        new EquatableArray<PathAttribute>([
            new OriginAttribute((Origin)origin),
            new AsPathAttribute(AsPath.FromSequence(65002)),
            new NextHopAttribute(IpAddr.Parse("198.18.0.2")),
        ]),
        new EquatableArray<Nlri>([new Nlri(Prefix.Parse(prefix))]));

    /// <summary>An UPDATE with an ORIGIN of value <paramref name="origin"/>, built by hand (our encoder refuses bad values).</summary>
    private static byte[] RawUpdateWithOrigin(byte origin) =>
    [
        .. Enumerable.Repeat((byte)0xFF, 16), 0x00, 0x00, 0x02,
        0x00, 0x00,                                     // no withdrawn routes
        0x00, 0x14,                                     // 20 octets of attributes
        0x40, 0x01, 0x01, origin,                       // ORIGIN
        0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xFD, 0xEA,  // AS_PATH: SEQUENCE 65002
        0x40, 0x03, 0x04, 198, 18, 0, 2,                // NEXT_HOP
        0x18, 10, 9, 9,                                 // 10.9.9.0/24
    ];

    private static byte[] WithLength(byte[] message)
    {
        message[16] = (byte)(message.Length >> 8);
        message[17] = (byte)message.Length;
        return message;
    }

    [Test]
    public async Task A_malformed_origin_is_treated_as_withdraw_and_the_session_stays_established()
    {
        await _peer.SendAsync(Announce("10.9.9.0/24"));
        var first = await _rib.ExpectUpdateAsync();
        Assert.That(first.Announced().Select(r => r.Route.Prefix.ToString()), Is.EqualTo(new[] { "10.9.9.0/24" }));

        await _peer.SendRawAsync(WithLength(RawUpdateWithOrigin(7)));  // RFC 7606 §7.1: invalid ORIGIN → treat-as-withdraw
        var second = await _rib.ExpectUpdateAsync();
        Assert.That(second.Announced(), Is.Empty);
        Assert.That(second.WithdrawnRoutes().Select(r => r.Route.Prefix.ToString()), Is.EqualTo(new[] { "10.9.9.0/24" }));

        await _peer.SendAsync(KeepaliveMessage.Instance);
        var status = await _session.WaitForAsync(Kit, s => s.KeepalivesIn >= 2, "the next keepalive");
        Assert.That(status.State, Is.EqualTo(SessionState.Established));
        Assert.That(status.TreatAsWithdrawIn, Is.EqualTo(1));
        Assert.That(status.NotificationsOut, Is.Zero);
    }

    [Test]
    public async Task An_attribute_list_that_overruns_the_message_resets_the_session_with_3_1()
    {
        byte[] update =
        [
            .. Enumerable.Repeat((byte)0xFF, 16), 0x00, 0x00, 0x02,
            0x00, 0x00,
            0x00, 0x10,                         // claims 16 octets of attributes
            0x40, 0x01, 0x01, 0x00,             // but only 4 follow
        ];
        await _peer.SendRawAsync(WithLength(update));
        var notification = await _peer.ExpectAsync<NotificationMessage>();
        Assert.That((notification.Code, notification.Subcode),
            Is.EqualTo((NotificationCode.UpdateMessageError, (byte)UpdateErrorSubcode.MalformedAttributeList)));
        await _peer.ExpectClosedAsync();
        var down = await _rib.FishAsync<RibCommand.PeerDown>();
        Assert.That(down.Reason, Does.Contain("3/1").Or.Contain("UPDATE"));
    }

    [Test]
    public async Task A_missing_well_known_attribute_resets_nothing_but_withdraws_the_routes()
    {
        // RFC 7606 §3(d): a missing well-known mandatory attribute → treat-as-withdraw
        byte[] update =
        [
            .. Enumerable.Repeat((byte)0xFF, 16), 0x00, 0x00, 0x02,
            0x00, 0x00,
            0x00, 0x04,
            0x40, 0x01, 0x01, 0x00,             // ORIGIN only: no AS_PATH, no NEXT_HOP
            0x18, 10, 9, 8,
        ];
        await _peer.SendRawAsync(WithLength(update));
        var received = await _rib.ExpectUpdateAsync();
        Assert.That(received.Announced(), Is.Empty);
        Assert.That((await _session.StatusAsync()).State, Is.EqualTo(SessionState.Established));
    }

    [Test]
    public async Task An_unknown_message_type_gets_notification_1_3_with_the_type_as_data()
    {
        byte[] message = [.. Enumerable.Repeat((byte)0xFF, 16), 0x00, 19, 9];
        await _peer.SendRawAsync(message);
        var notification = await _peer.ExpectAsync<NotificationMessage>();
        Assert.That((notification.Code, notification.Subcode), Is.EqualTo((NotificationCode.MessageHeaderError, (byte)HeaderErrorSubcode.BadMessageType)));
        Assert.That(notification.Data.ToArray(), Is.EqualTo(new byte[] { 9 }));
        await _peer.ExpectClosedAsync();
    }

    [Test]
    public async Task A_second_open_in_established_is_an_fsm_error_5_3()
    {
        await _peer.SendAsync(new OpenMessage(65002, 3, 0x7F000001, new EquatableArray<Capability>([new FourOctetAsCapability(65002)])));
        var notification = await _peer.ExpectAsync<NotificationMessage>();
        Assert.That((notification.Code, notification.Subcode),
            Is.EqualTo((NotificationCode.FsmError, (byte)FsmErrorSubcode.UnexpectedMessageInEstablished)), "RFC 6608");
    }

    [Test]
    public async Task A_peer_that_goes_silent_is_dropped_at_hold_timer_expiry_with_4_0()
    {
        var started = DateTime.UtcNow;
        var notification = await _peer.ExpectAsync<NotificationMessage>(TimeSpan.FromSeconds(8));
        var elapsed = DateTime.UtcNow - started;
        Assert.That((notification.Code, notification.Subcode), Is.EqualTo((NotificationCode.HoldTimerExpired, (byte)0)));
        Assert.That(elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)).And.LessThan(TimeSpan.FromSeconds(6)), "a 3 s hold time");
        await _peer.ExpectClosedAsync();
        var status = await _session.StatusAsync();
        Assert.That(status.Flaps, Is.EqualTo(1));
        Assert.That(status.LastNotificationOut, Is.EqualTo("HoldTimerExpired/Unspecific"));
    }

    [Test]
    public async Task A_cease_with_a_shutdown_communication_is_recorded_with_its_text()
    {
        await _peer.SendAsync(NotificationMessage.Shutdown("maintenance: moving to a new router"));
        var down = await _rib.FishAsync<RibCommand.PeerDown>();
        var status = await _session.StatusAsync();
        Assert.That(status.LastNotificationIn, Is.EqualTo("Cease/AdministrativeShutdown \"maintenance: moving to a new router\""));
        Assert.That(down.Reason, Is.Not.Empty);
    }
}
