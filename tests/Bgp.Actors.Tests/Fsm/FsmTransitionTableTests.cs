using Bgp.Actors.Fsm;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Fsm.SessionState;
using static Bgp.Actors.Fsm.TimerKind;
using static Bgp.Actors.Tests.Fsm.FsmFixtures;

namespace Bgp.Actors.Tests.Fsm;

/// <summary>
/// A walk over every (state, event) pair of RFC 4271 §8.2.2, plus the variants the RFC distinguishes
/// (DelayOpen, passive establishment, hold time zero, damping). Each row names the next state, what
/// happens to the ConnectRetryCounter, and the exact actions in order; timer durations are checked
/// elsewhere (any positive duration matches here).
/// </summary>
[TestFixture]
public sealed class FsmTransitionTableTests
{
    public enum Setup { Normal, DelayOpenConfigured, DelayOpenRunning, PassiveOnly, HoldTimeZero, IdleHoldRunning, FlapDamped, NoAutomaticStart }

    public enum Counter { Same, Incremented, Zeroed }

    public sealed record Row(SessionState From, Setup Setup, FsmEvent Event, SessionState To, Counter Counter, string Why, FsmAction[] Actions, string? EventLabel = null);

    private const ulong StartCounter = 5;

    // ---- events, one of each kind ----
    private static readonly NotificationMessage MaxPrefixes = new(NotificationCode.Cease, (byte)CeaseSubcode.MaximumPrefixesReached);
    private static readonly NotificationMessage BadLength = new(NotificationCode.MessageHeaderError, (byte)HeaderErrorSubcode.BadMessageLength);
    private static readonly NotificationMessage OpenUnspecific = new(NotificationCode.OpenMessageError, (byte)OpenErrorSubcode.Unspecific);
    private static readonly NotificationMessage VersionError = new(NotificationCode.OpenMessageError, (byte)OpenErrorSubcode.UnsupportedVersionNumber, new byte[] { 0, 3 });
    private static readonly NotificationMessage PeerShutdown = NotificationMessage.Shutdown("maintenance");
    private static readonly NotificationMessage MalformedAttributes = new(NotificationCode.UpdateMessageError, (byte)UpdateErrorSubcode.MalformedAttributeList);

    private static readonly FsmEvent[] StartEvents =
    [
        new ManualStart(), new AutomaticStart(), new ManualStartWithPassiveTcpEstablishment(), new AutomaticStartWithPassiveTcpEstablishment(),
    ];

    public static readonly FsmEvent[] AllEvents =
    [
        .. StartEvents, new ManualStop(), new AutomaticStop(MaxPrefixes),
        new ConnectRetryTimerExpires(), new HoldTimerExpires(), new KeepaliveTimerExpires(), new DelayOpenTimerExpires(), new IdleHoldTimerExpires(),
        new TcpConnectionValid(), new TcpCrInvalid(), new TcpCrAcked(), new TcpConnectionConfirmed(), new TcpConnectionFails(),
        new BgpOpen(PeerOpen), new BgpHeaderErr(BadLength), new BgpOpenMsgErr(OpenUnspecific), new OpenCollisionDump(),
        new NotifMsgVerErr(VersionError), new NotifMsg(PeerShutdown), new KeepAliveMsg(), new UpdateMsg(), new UpdateMsgErr(MalformedAttributes),
        new RouteRefreshMsg(),
    ];

    private static FsmEvent E<T>() where T : FsmEvent => AllEvents.OfType<T>().First();

    // ---- expected actions ----
    private static readonly FsmAction DropConn = new DropConnection();
    private static readonly FsmAction Initiate = new InitiateConnection();
    private static readonly FsmAction Listen = new ListenPassively();
    private static readonly FsmAction SendOpenMsg = new SendOpen();
    private static readonly FsmAction SendKa = new SendKeepalive();
    private static readonly FsmAction Deliver = new ProcessUpdate();
    private static readonly FsmAction Down = new SessionDown("");
    private static readonly FsmAction Up = new SessionEstablished(null!);
    private static FsmAction Start(TimerKind k) => new StartTimer(k, TimeSpan.Zero);
    private static FsmAction Stop(TimerKind k) => new StopTimer(k);
    private static FsmAction Notify(NotificationMessage n) => new SendNotification(n);
    private static FsmAction Notify(NotificationCode code, byte subcode) => new SendNotification(new NotificationMessage(code, subcode));
    private static FsmAction FsmErr(FsmErrorSubcode s) => Notify(NotificationCode.FsmError, (byte)s);
    private static readonly FsmAction HoldExpired = Notify(NotificationCode.HoldTimerExpired, 0);
    private static readonly FsmAction CeaseAdmin = Notify(NotificationCode.Cease, (byte)CeaseSubcode.AdministrativeShutdown);
    private static readonly FsmAction CeaseCollision = Notify(NotificationCode.Cease, (byte)CeaseSubcode.ConnectionCollisionResolution);
    private static readonly FsmAction[] Release = [Stop(ConnectRetry), Stop(DelayOpen), Stop(Hold), Stop(Keepalive)];
    private static readonly FsmAction[] Fall = [DropConn, .. Release, Start(IdleHold)];
    private static readonly FsmAction[] StopAll = [DropConn, .. Release];

    private static Row R(SessionState from, FsmEvent ev, SessionState to, Counter c, string why, params FsmAction[] actions) =>
        new(from, Setup.Normal, ev, to, c, why, actions);

    private static Row V(Setup setup, SessionState from, FsmEvent ev, SessionState to, Counter c, string why, params FsmAction[] actions) =>
        new(from, setup, ev, to, c, why, actions);

    public static IEnumerable<Row> Rows()
    {
        // ---------------- Idle ----------------
        yield return R(Idle, new ManualStart(), Connect, Counter.Zeroed, "starts the ConnectRetryTimer, connects and listens (RFC 4271 §8.2.2 Idle, event 1)",
            Start(ConnectRetry), Initiate, Listen);
        yield return R(Idle, new AutomaticStart(), Connect, Counter.Zeroed, "starts like a manual start (RFC 4271 §8.2.2 Idle, event 3)",
            Start(ConnectRetry), Initiate, Listen);
        yield return R(Idle, new ManualStartWithPassiveTcpEstablishment(), Active, Counter.Zeroed, "starts the ConnectRetryTimer and listens without connecting (RFC 4271 §8.2.2 Idle, event 4)",
            Start(ConnectRetry), Listen);
        yield return R(Idle, new AutomaticStartWithPassiveTcpEstablishment(), Active, Counter.Zeroed, "starts the ConnectRetryTimer and listens without connecting (RFC 4271 §8.2.2 Idle, event 5)",
            Start(ConnectRetry), Listen);
        yield return R(Idle, new ManualStop(), Idle, Counter.Zeroed, "only zeroes the counters when no restart is pending (RFC 4271 §8.2.2 Idle ignores event 2)");
        yield return R(Idle, E<AutomaticStop>(), Idle, Counter.Same, "is ignored (RFC 4271 §8.2.2 Idle, event 8)");
        foreach (var ev in new[] { E<ConnectRetryTimerExpires>(), E<HoldTimerExpires>(), E<KeepaliveTimerExpires>(), E<DelayOpenTimerExpires>() })
            yield return R(Idle, ev, Idle, Counter.Same, "is ignored (RFC 4271 §8.2.2 Idle, events 9-12)");
        yield return R(Idle, E<IdleHoldTimerExpires>(), Idle, Counter.Same, "is stale and ignored when no idle hold runs");
        yield return R(Idle, E<TcpCrInvalid>(), Idle, Counter.Same, "is ignored (RFC 4271 §8.2.2 Idle, event 15)");
        foreach (var ev in new[] { E<TcpConnectionValid>(), E<TcpCrAcked>(), E<TcpConnectionConfirmed>() })
            yield return R(Idle, ev, Idle, Counter.Same, "drops the connection because Idle refuses connections (RFC 4271 §8.2.2 Idle)", DropConn);
        foreach (var ev in AllEvents.Where(e => e is TcpConnectionFails or BgpOpen or BgpHeaderErr or BgpOpenMsgErr or OpenCollisionDump
                     or NotifMsgVerErr or NotifMsg or KeepAliveMsg or UpdateMsg or UpdateMsgErr or RouteRefreshMsg))
            yield return R(Idle, ev, Idle, Counter.Same, "is ignored (RFC 4271 §8.2.2 Idle, events 18-28)");

        yield return V(Setup.IdleHoldRunning, Idle, E<IdleHoldTimerExpires>(), Connect, Counter.Zeroed, "is the automatic start (RFC 4271 §8.1.1 DampPeerOscillations)",
            Start(ConnectRetry), Initiate, Listen);
        yield return V(Setup.IdleHoldRunning, Idle, new AutomaticStart(), Idle, Counter.Same, "is ignored while damping holds the session down (RFC 4271 §8.2.2 Idle, events 6-7)");
        yield return V(Setup.IdleHoldRunning, Idle, new AutomaticStartWithPassiveTcpEstablishment(), Active, Counter.Zeroed,
            "lets the connecting peer in when the idle hold only spaces our own dials (deviation: the peer is not oscillating)",
            Stop(IdleHold), Start(ConnectRetry), Listen);
        yield return V(Setup.FlapDamped, Idle, new AutomaticStartWithPassiveTcpEstablishment(), Idle, Counter.Same,
            "is ignored while damping holds an oscillating session down (RFC 4271 §8.1.1)");
        yield return V(Setup.FlapDamped, Idle, E<IdleHoldTimerExpires>(), Connect, Counter.Zeroed, "is the automatic start (RFC 4271 §8.1.1 DampPeerOscillations)",
            Start(ConnectRetry), Initiate, Listen);
        yield return V(Setup.IdleHoldRunning, Idle, new ManualStart(), Connect, Counter.Zeroed, "overrides damping: stops the idle hold and starts",
            Stop(IdleHold), Start(ConnectRetry), Initiate, Listen);
        yield return V(Setup.IdleHoldRunning, Idle, new ManualStop(), Idle, Counter.Zeroed, "cancels the pending automatic restart", Stop(IdleHold));
        yield return V(Setup.PassiveOnly, Idle, new ManualStart(), Active, Counter.Zeroed, "only listens: a passive peer never connects nor runs the ConnectRetryTimer", Listen);
        yield return V(Setup.PassiveOnly, Idle, new AutomaticStart(), Active, Counter.Zeroed, "only listens: a passive peer never connects nor runs the ConnectRetryTimer", Listen);
        yield return V(Setup.NoAutomaticStart, Idle, new AutomaticStart(), Idle, Counter.Same, "is ignored without AllowAutomaticStart (RFC 4271 §8.1.1)");
        yield return V(Setup.NoAutomaticStart, Idle, new ManualStart(), Connect, Counter.Zeroed, "still starts without AllowAutomaticStart",
            Start(ConnectRetry), Initiate, Listen);

        // ---------------- start events outside Idle ----------------
        foreach (var state in new[] { Connect, Active, OpenSent, OpenConfirm, Established })
            foreach (var ev in StartEvents)
                yield return R(state, ev, state, Counter.Same, "is ignored (RFC 4271 §8.2.2, events 1 and 3-7 outside Idle)");

        // ---------------- Connect ----------------
        yield return R(Connect, new ManualStop(), Idle, Counter.Zeroed, "drops the attempt, zeroes the counter and stays down (RFC 4271 §8.2.2 Connect, event 2)", StopAll);
        yield return R(Connect, E<AutomaticStop>(), Idle, Counter.Incremented, "falls back to Idle as any other event (RFC 4271 §8.2.2 Connect)", Fall);
        yield return R(Connect, E<ConnectRetryTimerExpires>(), Connect, Counter.Same, "drops the attempt, restarts the ConnectRetryTimer and connects again (RFC 4271 §8.2.2 Connect, event 9)",
            DropConn, Start(ConnectRetry), Initiate);
        foreach (var ev in new[] { E<HoldTimerExpires>(), E<KeepaliveTimerExpires>(), E<IdleHoldTimerExpires>() })
            yield return R(Connect, ev, Idle, Counter.Incremented, "falls back to Idle as any other event (RFC 4271 §8.2.2 Connect)", Fall);
        yield return R(Connect, E<DelayOpenTimerExpires>(), Connect, Counter.Same, "is stale and ignored when DelayOpen does not run");
        yield return R(Connect, E<TcpConnectionValid>(), Connect, Counter.Same, "is processed without a state change (RFC 4271 §8.2.2 Connect, event 14)");
        yield return R(Connect, E<TcpCrInvalid>(), Connect, Counter.Same, "is rejected without a state change (RFC 4271 §8.2.2 Connect, event 15)");
        yield return R(Connect, E<TcpCrAcked>(), OpenSent, Counter.Same, "stops the ConnectRetryTimer, sends OPEN and sets the large hold timer (RFC 4271 §8.2.2 Connect, event 16)",
            Stop(ConnectRetry), SendOpenMsg, Start(Hold));
        yield return R(Connect, E<TcpConnectionConfirmed>(), OpenSent, Counter.Same, "stops the ConnectRetryTimer, sends OPEN and sets the large hold timer (RFC 4271 §8.2.2 Connect, event 17)",
            Stop(ConnectRetry), SendOpenMsg, Start(Hold));
        yield return R(Connect, E<TcpConnectionFails>(), Idle, Counter.Same, "falls back to Idle without counting when DelayOpen does not run (RFC 4271 §8.2.2 Connect, event 18)", Fall);
        yield return R(Connect, E<BgpOpen>(), Idle, Counter.Incremented, "falls back to Idle when DelayOpen does not run (RFC 4271 §8.2.2 Connect, event 19)", Fall);
        yield return R(Connect, E<BgpHeaderErr>(), Idle, Counter.Incremented, "sends the header error and falls back to Idle (RFC 4271 §8.2.2 Connect, event 21)",
            [Notify(BadLength), .. Fall]);
        yield return R(Connect, E<BgpOpenMsgErr>(), Idle, Counter.Incremented, "sends the OPEN error and falls back to Idle (RFC 4271 §8.2.2 Connect, event 22)",
            [Notify(OpenUnspecific), .. Fall]);
        yield return R(Connect, E<NotifMsgVerErr>(), Idle, Counter.Incremented, "falls back to Idle and counts when DelayOpen does not run (RFC 4271 §8.2.2 Connect, event 24)", Fall);
        foreach (var ev in AllEvents.Where(e => e is OpenCollisionDump or NotifMsg or KeepAliveMsg or UpdateMsg or UpdateMsgErr or RouteRefreshMsg))
            yield return R(Connect, ev, Idle, Counter.Incremented, "falls back to Idle as any other event (RFC 4271 §8.2.2 Connect)", Fall);

        yield return V(Setup.DelayOpenConfigured, Connect, E<TcpCrAcked>(), Connect, Counter.Same, "stops the ConnectRetryTimer and starts the DelayOpenTimer (RFC 4271 §8.2.2 Connect, event 16)",
            Stop(ConnectRetry), Start(DelayOpen));
        yield return V(Setup.DelayOpenConfigured, Connect, E<TcpConnectionConfirmed>(), Connect, Counter.Same, "stops the ConnectRetryTimer and starts the DelayOpenTimer (RFC 4271 §8.2.2 Connect, event 17)",
            Stop(ConnectRetry), Start(DelayOpen));
        yield return V(Setup.DelayOpenRunning, Connect, new ManualStop(), Idle, Counter.Zeroed, "sends Cease on the open connection and stays down (RFC 4271 §8.1.1 SendNOTIFICATIONwithoutOPEN)",
            [CeaseAdmin, .. StopAll]);
        yield return V(Setup.DelayOpenRunning, Connect, E<AutomaticStop>(), Idle, Counter.Incremented, "sends its Cease on the open connection and falls back to Idle",
            [Notify(MaxPrefixes), .. Fall]);
        yield return V(Setup.DelayOpenRunning, Connect, E<ConnectRetryTimerExpires>(), Connect, Counter.Same, "stops the DelayOpenTimer and connects again (RFC 4271 §8.2.2 Connect, event 9)",
            DropConn, Start(ConnectRetry), Stop(DelayOpen), Initiate);
        yield return V(Setup.DelayOpenRunning, Connect, E<DelayOpenTimerExpires>(), OpenSent, Counter.Same, "sends OPEN and sets the large hold timer (RFC 4271 §8.2.2 Connect, event 12)",
            Stop(ConnectRetry), Stop(DelayOpen), SendOpenMsg, Start(Hold));
        yield return V(Setup.DelayOpenRunning, Connect, E<TcpConnectionFails>(), Active, Counter.Same, "restarts the ConnectRetryTimer and moves to Active (RFC 4271 §8.2.2 Connect, event 18)",
            DropConn, Stop(DelayOpen), Start(ConnectRetry));
        yield return V(Setup.DelayOpenRunning, Connect, E<BgpOpen>(), OpenConfirm, Counter.Same, "sends OPEN and KEEPALIVE and starts the negotiated timers (RFC 4271 §8.2.2 Connect, event 20)",
            Stop(ConnectRetry), Stop(DelayOpen), SendOpenMsg, SendKa, Start(Keepalive), Start(Hold));
        yield return V(Setup.DelayOpenRunning, Connect, new BgpOpen(Open(64999, PeerId)), Idle, Counter.Incremented, "with a bad peer AS sends 2/2 and falls back to Idle (RFC 4271 §6.2, event 22)",
            [Notify(NotificationCode.OpenMessageError, (byte)OpenErrorSubcode.BadPeerAs), .. Fall]) with { EventLabel = "an OPEN from the wrong AS" };
        yield return V(Setup.DelayOpenRunning, Connect, E<NotifMsgVerErr>(), Idle, Counter.Same, "falls back to Idle without counting (RFC 4271 §8.2.2 Connect, event 24)", Fall);

        // ---------------- Active ----------------
        yield return R(Active, new ManualStop(), Idle, Counter.Zeroed, "zeroes the counter and stays down (RFC 4271 §8.2.2 Active, event 2)", StopAll);
        yield return R(Active, E<AutomaticStop>(), Idle, Counter.Incremented, "falls back to Idle as any other event (RFC 4271 §8.2.2 Active)", Fall);
        yield return R(Active, E<ConnectRetryTimerExpires>(), Connect, Counter.Same, "restarts the ConnectRetryTimer and connects (RFC 4271 §8.2.2 Active, event 9)",
            Start(ConnectRetry), Initiate);
        foreach (var ev in new[] { E<HoldTimerExpires>(), E<KeepaliveTimerExpires>(), E<IdleHoldTimerExpires>() })
            yield return R(Active, ev, Idle, Counter.Incremented, "falls back to Idle as any other event (RFC 4271 §8.2.2 Active)", Fall);
        yield return R(Active, E<DelayOpenTimerExpires>(), Active, Counter.Same, "is stale and ignored when DelayOpen does not run");
        yield return R(Active, E<TcpConnectionValid>(), Active, Counter.Same, "is processed without a state change (RFC 4271 §8.2.2 Active, event 14)");
        yield return R(Active, E<TcpCrInvalid>(), Active, Counter.Same, "is rejected without a state change (RFC 4271 §8.2.2 Active, event 15)");
        yield return R(Active, E<TcpCrAcked>(), OpenSent, Counter.Same, "sends OPEN and sets the large hold timer (RFC 4271 §8.2.2 Active, event 16)",
            Stop(ConnectRetry), SendOpenMsg, Start(Hold));
        yield return R(Active, E<TcpConnectionConfirmed>(), OpenSent, Counter.Same, "sends OPEN and sets the large hold timer (RFC 4271 §8.2.2 Active, event 17)",
            Stop(ConnectRetry), SendOpenMsg, Start(Hold));
        yield return R(Active, E<TcpConnectionFails>(), Idle, Counter.Incremented, "counts and falls back to Idle (RFC 4271 §8.2.2 Active, event 18)", Fall);
        yield return R(Active, E<BgpOpen>(), Idle, Counter.Incremented, "falls back to Idle when DelayOpen does not run (RFC 4271 §8.2.2 Active, event 19)", Fall);
        yield return R(Active, E<BgpHeaderErr>(), Idle, Counter.Incremented, "sends the header error and falls back to Idle (RFC 4271 §8.2.2 Active, event 21)",
            [Notify(BadLength), .. Fall]);
        yield return R(Active, E<BgpOpenMsgErr>(), Idle, Counter.Incremented, "sends the OPEN error and falls back to Idle (RFC 4271 §8.2.2 Active, event 22)",
            [Notify(OpenUnspecific), .. Fall]);
        yield return R(Active, E<NotifMsgVerErr>(), Idle, Counter.Incremented, "falls back to Idle and counts when DelayOpen does not run (RFC 4271 §8.2.2 Active, event 24)", Fall);
        foreach (var ev in AllEvents.Where(e => e is OpenCollisionDump or NotifMsg or KeepAliveMsg or UpdateMsg or UpdateMsgErr or RouteRefreshMsg))
            yield return R(Active, ev, Idle, Counter.Incremented, "falls back to Idle as any other event (RFC 4271 §8.2.2 Active)", Fall);

        yield return V(Setup.DelayOpenConfigured, Active, E<TcpConnectionConfirmed>(), Active, Counter.Same, "stops the ConnectRetryTimer and starts the DelayOpenTimer (RFC 4271 §8.2.2 Active, event 17)",
            Stop(ConnectRetry), Start(DelayOpen));
        yield return V(Setup.DelayOpenRunning, Active, new ManualStop(), Idle, Counter.Zeroed, "sends Cease because DelayOpen runs (RFC 4271 §8.2.2 Active, event 2)",
            [CeaseAdmin, .. StopAll]);
        yield return V(Setup.DelayOpenRunning, Active, E<DelayOpenTimerExpires>(), OpenSent, Counter.Same, "sends OPEN and sets the large hold timer (RFC 4271 §8.2.2 Active, event 12)",
            Stop(ConnectRetry), Stop(DelayOpen), SendOpenMsg, Start(Hold));
        yield return V(Setup.DelayOpenRunning, Active, E<BgpOpen>(), OpenConfirm, Counter.Same, "sends OPEN and KEEPALIVE and starts the negotiated timers (RFC 4271 §8.2.2 Active, event 20)",
            Stop(ConnectRetry), Stop(DelayOpen), SendOpenMsg, SendKa, Start(Keepalive), Start(Hold));
        yield return V(Setup.DelayOpenRunning, Active, E<NotifMsgVerErr>(), Idle, Counter.Same, "falls back to Idle without counting (RFC 4271 §8.2.2 Active, event 24)", Fall);
        yield return V(Setup.DelayOpenRunning, Active, E<TcpConnectionFails>(), Idle, Counter.Incremented, "counts and falls back to Idle (RFC 4271 §8.2.2 Active, event 18)", Fall);
        yield return V(Setup.PassiveOnly, Active, E<ConnectRetryTimerExpires>(), Active, Counter.Same, "is stale and ignored: a passive peer never connects");
        yield return V(Setup.PassiveOnly, Active, E<TcpConnectionConfirmed>(), OpenSent, Counter.Same, "accepts the peer's connection and sends OPEN (RFC 4271 §8.2.2 Active, event 17)",
            Stop(ConnectRetry), SendOpenMsg, Start(Hold));

        // ---------------- OpenSent, OpenConfirm, Established alike ----------------
        foreach (var state in new[] { OpenSent, OpenConfirm, Established })
        {
            FsmAction[] down = state == Established ? [Down] : [];
            string deletes = state == Established ? ", withdraws the peer's routes" : "";
            yield return R(state, new ManualStop(), Idle, Counter.Zeroed, $"sends Cease{deletes}, zeroes the counter and stays down (RFC 4271 §8.2.2 {state}, event 2)",
                [CeaseAdmin, .. down, .. StopAll]);
            yield return R(state, E<AutomaticStop>(), Idle, Counter.Incremented, $"sends its Cease{deletes} and falls back to Idle (RFC 4271 §8.2.2 {state}, event 8)",
                [Notify(MaxPrefixes), .. down, .. Fall]);
            yield return R(state, E<HoldTimerExpires>(), Idle, Counter.Incremented, $"sends Hold Timer Expired{deletes} and falls back to Idle (RFC 4271 §8.2.2 {state}, event 10)",
                [HoldExpired, .. down, .. Fall]);
            foreach (var ev in new[] { E<ConnectRetryTimerExpires>(), E<DelayOpenTimerExpires>(), E<IdleHoldTimerExpires>() })
                yield return R(state, ev, Idle, Counter.Incremented, $"sends FSM Error 5/0{deletes} and falls back to Idle (RFC 4271 §8.2.2 {state}, any other event)",
                    [FsmErr(FsmErrorSubcode.Unspecified), .. down, .. Fall]);
            foreach (var ev in new[] { E<TcpConnectionValid>(), E<TcpCrInvalid>(), E<TcpCrAcked>(), E<TcpConnectionConfirmed>() })
                yield return R(state, ev, state, Counter.Same, $"leaves the second connection to collision detection (RFC 4271 §8.2.2 {state}, §6.8)");
            yield return R(state, E<BgpHeaderErr>(), Idle, Counter.Incremented, $"sends the header error{deletes} and falls back to Idle (RFC 4271 §6.1, §8.2.2 {state}, event 21)",
                [Notify(BadLength), .. down, .. Fall]);
            yield return R(state, E<OpenCollisionDump>(), Idle, Counter.Incremented, $"sends Cease 6/7{deletes} and falls back to Idle (RFC 4271 §8.2.2 {state}, event 23; RFC 4486)",
                [CeaseCollision, .. down, .. Fall]);
        }

        // ---------------- OpenSent ----------------
        yield return R(OpenSent, E<KeepaliveTimerExpires>(), Idle, Counter.Incremented, "sends FSM Error 5/0 and falls back to Idle (RFC 4271 §8.2.2 OpenSent, event 11)",
            [FsmErr(FsmErrorSubcode.Unspecified), .. Fall]);
        yield return R(OpenSent, E<TcpConnectionFails>(), Active, Counter.Same, "closes, restarts the ConnectRetryTimer and moves to Active (RFC 4271 §8.2.2 OpenSent, event 18)",
            DropConn, Stop(Hold), Start(ConnectRetry));
        yield return R(OpenSent, E<BgpOpen>(), OpenConfirm, Counter.Same, "accepts the OPEN, sends KEEPALIVE and starts the negotiated timers (RFC 4271 §8.2.2 OpenSent, event 19)",
            SendKa, Start(Keepalive), Start(Hold));
        yield return R(OpenSent, new BgpOpen(Open(PeerAs, PeerId, hold: 2)), Idle, Counter.Incremented, "sends 2/6 and falls back to Idle (RFC 4271 §6.2, event 22)",
            [Notify(NotificationCode.OpenMessageError, (byte)OpenErrorSubcode.UnacceptableHoldTime), .. Fall]) with { EventLabel = "an OPEN with a 2 s hold time" };
        yield return R(OpenSent, E<BgpOpenMsgErr>(), Idle, Counter.Incremented, "sends the OPEN error and falls back to Idle (RFC 4271 §8.2.2 OpenSent, event 22)",
            [Notify(OpenUnspecific), .. Fall]);
        yield return R(OpenSent, E<NotifMsgVerErr>(), Idle, Counter.Same, "falls back to Idle without counting (RFC 4271 §8.2.2 OpenSent, event 24)", Fall);
        yield return R(OpenSent, E<NotifMsg>(), Idle, Counter.Incremented, "falls back to Idle without answering the NOTIFICATION (deviation from RFC 4271 §8.2.2: RFC 4271 §4.5 the peer has closed)", Fall);
        foreach (var ev in AllEvents.Where(e => e is KeepAliveMsg or UpdateMsg or UpdateMsgErr or RouteRefreshMsg))
            yield return R(OpenSent, ev, Idle, Counter.Incremented, "is unexpected: sends FSM Error 5/1 and falls back to Idle (RFC 6608 §3)",
                [FsmErr(FsmErrorSubcode.UnexpectedMessageInOpenSent), .. Fall]);
        yield return V(Setup.HoldTimeZero, OpenSent, new BgpOpen(Open(PeerAs, PeerId, hold: 0)), OpenConfirm, Counter.Same,
            "stops the large hold timer and starts no keepalives (RFC 4271 §8.2.2 OpenSent, event 19)", SendKa, Stop(Hold)) with { EventLabel = "an OPEN with hold time zero" };
        yield return V(Setup.PassiveOnly, OpenSent, E<TcpConnectionFails>(), Active, Counter.Same, "closes and waits in Active without a ConnectRetryTimer when passive",
            DropConn, Stop(Hold));

        // ---------------- OpenConfirm ----------------
        yield return R(OpenConfirm, E<KeepaliveTimerExpires>(), OpenConfirm, Counter.Same, "sends KEEPALIVE and restarts the KeepaliveTimer (RFC 4271 §8.2.2 OpenConfirm, event 11)",
            SendKa, Start(Keepalive));
        yield return R(OpenConfirm, E<TcpConnectionFails>(), Idle, Counter.Incremented, "falls back to Idle (RFC 4271 §8.2.2 OpenConfirm, event 18)", Fall);
        yield return R(OpenConfirm, E<BgpOpen>(), Idle, Counter.Incremented, "is a second OPEN on this connection: FSM Error 5/2 (RFC 6608 §3; collisions are fed as event 23)",
            [FsmErr(FsmErrorSubcode.UnexpectedMessageInOpenConfirm), .. Fall]);
        yield return R(OpenConfirm, E<BgpOpenMsgErr>(), Idle, Counter.Incremented, "sends the OPEN error and falls back to Idle (RFC 4271 §8.2.2 OpenConfirm, event 22)",
            [Notify(OpenUnspecific), .. Fall]);
        yield return R(OpenConfirm, E<NotifMsgVerErr>(), Idle, Counter.Same, "falls back to Idle without counting (RFC 4271 §8.2.2 OpenConfirm, event 24)", Fall);
        yield return R(OpenConfirm, E<NotifMsg>(), Idle, Counter.Incremented, "falls back to Idle (RFC 4271 §8.2.2 OpenConfirm, event 25)", Fall);
        yield return R(OpenConfirm, E<KeepAliveMsg>(), Established, Counter.Same, "restarts the hold timer and establishes the session (RFC 4271 §8.2.2 OpenConfirm, event 26)",
            Start(Hold), Up);
        foreach (var ev in AllEvents.Where(e => e is UpdateMsg or UpdateMsgErr or RouteRefreshMsg))
            yield return R(OpenConfirm, ev, Idle, Counter.Incremented, "is unexpected: sends FSM Error 5/2 and falls back to Idle (RFC 6608 §3)",
                [FsmErr(FsmErrorSubcode.UnexpectedMessageInOpenConfirm), .. Fall]);
        yield return V(Setup.HoldTimeZero, OpenConfirm, E<KeepaliveTimerExpires>(), OpenConfirm, Counter.Same, "sends KEEPALIVE without restarting the timer when the hold time is zero", SendKa);
        yield return V(Setup.HoldTimeZero, OpenConfirm, E<KeepAliveMsg>(), Established, Counter.Same, "establishes without a hold timer when the hold time is zero (RFC 4271 §4.4)", Up);

        // ---------------- Established ----------------
        yield return R(Established, E<KeepaliveTimerExpires>(), Established, Counter.Same, "sends KEEPALIVE and restarts the KeepaliveTimer (RFC 4271 §8.2.2 Established, event 11)",
            SendKa, Start(Keepalive));
        foreach (var ev in AllEvents.Where(e => e is TcpConnectionFails or NotifMsgVerErr or NotifMsg))
            yield return R(Established, ev, Idle, Counter.Incremented, "withdraws the peer's routes and falls back to Idle (RFC 4271 §8.2.2 Established, events 18, 24, 25)",
                [Down, .. Fall]);
        yield return R(Established, E<BgpOpen>(), Idle, Counter.Incremented, "is unexpected: sends FSM Error 5/3, withdraws and falls back to Idle (RFC 6608 §3)",
            [FsmErr(FsmErrorSubcode.UnexpectedMessageInEstablished), Down, .. Fall]);
        yield return R(Established, E<BgpOpenMsgErr>(), Idle, Counter.Incremented, "is an unexpected OPEN: sends FSM Error 5/3, withdraws and falls back to Idle (RFC 6608 §3)",
            [FsmErr(FsmErrorSubcode.UnexpectedMessageInEstablished), Down, .. Fall]);
        yield return R(Established, E<KeepAliveMsg>(), Established, Counter.Same, "restarts the hold timer (RFC 4271 §8.2.2 Established, event 26)", Start(Hold));
        yield return R(Established, E<UpdateMsg>(), Established, Counter.Same, "restarts the hold timer and delivers the UPDATE (RFC 4271 §8.2.2 Established, event 27)",
            Start(Hold), Deliver);
        yield return R(Established, E<RouteRefreshMsg>(), Established, Counter.Same, "restarts the hold timer and delivers the ROUTE-REFRESH like an UPDATE (RFC 2918)",
            Start(Hold), Deliver);
        yield return R(Established, E<UpdateMsgErr>(), Idle, Counter.Incremented, "sends the UPDATE error, withdraws and falls back to Idle (RFC 4271 §8.2.2 Established, event 28; RFC 7606 session reset)",
            [Notify(MalformedAttributes), Down, .. Fall]);
        yield return R(Established, new ManualStop(NotificationMessage.Shutdown("planned work")), Idle, Counter.Zeroed,
            "sends the given shutdown communication (RFC 9003)", [Notify(NotificationMessage.Shutdown("planned work")), Down, .. StopAll]) with { EventLabel = "ManualStop with a shutdown communication" };
        yield return V(Setup.HoldTimeZero, Established, E<KeepAliveMsg>(), Established, Counter.Same, "restarts nothing when the hold time is zero (RFC 4271 §8.2.2 Established, event 26)");
        yield return V(Setup.HoldTimeZero, Established, E<UpdateMsg>(), Established, Counter.Same, "only delivers the UPDATE when the hold time is zero (RFC 4271 §8.2.2 Established, event 27)", Deliver);
        yield return V(Setup.HoldTimeZero, Established, E<KeepaliveTimerExpires>(), Established, Counter.Same, "sends KEEPALIVE without restarting the timer when the hold time is zero (RFC 4271 §8.2.2 Established, event 11)", SendKa);
    }

    public static IEnumerable<TestCaseData> Cases() =>
        Rows().Select(r => new TestCaseData(r).SetName(Name(r)));

    private static string Name(Row r)
    {
        string setup = r.Setup switch
        {
            Setup.Normal => "",
            Setup.DelayOpenConfigured => " with DelayOpen configured",
            Setup.DelayOpenRunning => " with the DelayOpenTimer running",
            Setup.PassiveOnly => " when passive",
            Setup.HoldTimeZero => " with hold time zero",
            Setup.IdleHoldRunning => " during the idle hold",
            Setup.FlapDamped => " during the idle hold after an Established session went down",
            Setup.NoAutomaticStart => " without AllowAutomaticStart",
            _ => r.Setup.ToString(),
        };
        return $"In {r.From}{setup}, {r.EventLabel ?? r.Event.GetType().Name} {r.Why}";
    }

    [TestCaseSource(nameof(Cases))]
    public void Transition(Row row)
    {
        var (settings, state) = Arrange(row.Setup, row.From);

        var t = FsmFixtures.Step(settings, state, row.Event);

        Assert.That(t.Next.State, Is.EqualTo(row.To), "next state");
        uint expectedCounter = row.Counter switch
        {
            Counter.Zeroed => 0,
            Counter.Incremented => (uint)StartCounter + 1,
            _ => (uint)StartCounter,
        };
        Assert.That(t.Next.ConnectRetryCounter, Is.EqualTo(expectedCounter), "ConnectRetryCounter");
        Assert.That(Matches(row.Actions, t.Actions), Is.True,
            () => $"actions\n  expected: {Describe(row.Actions)}\n  actual:   {Describe(t.Actions)}");
    }

    [Test]
    public void The_table_covers_every_event_in_every_state_of_RFC_4271_section_8_2_2()
    {
        var covered = Rows().Where(r => r.Setup == Setup.Normal).Select(r => (r.From, r.Event.GetType())).ToHashSet();
        var missing = Enum.GetValues<SessionState>()
            .SelectMany(s => AllEvents.Select(e => (s, e.GetType())))
            .Where(pair => !covered.Contains(pair))
            .Select(pair => $"{pair.Item1}/{pair.Item2.Name}")
            .ToList();
        Assert.That(missing, Is.Empty);
        Assert.That(AllEvents.Select(e => e.GetType()).Distinct().Count(),
            Is.EqualTo(typeof(FsmEvent).Assembly.GetTypes().Count(t => t.IsSubclassOf(typeof(FsmEvent)))), "every event record is in AllEvents");
    }

    [Test]
    public void Every_row_has_a_distinct_name()
    {
        var dupes = Rows().GroupBy(Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.That(dupes, Is.Empty);
    }

    private static (FsmSettings, FsmState) Arrange(Setup setup, SessionState from)
    {
        (FsmSettings settings, FsmEvent[] path) = (setup, from) switch
        {
            (Setup.DelayOpenConfigured, _) => (WithDelayOpen, PathTo(from)),
            (Setup.DelayOpenRunning, Connect) => (WithDelayOpen, [.. PathTo(Connect), new TcpCrAcked()]),
            (Setup.DelayOpenRunning, Active) => (WithDelayOpen, [.. PathTo(Active), new TcpConnectionConfirmed()]),
            (Setup.PassiveOnly, Idle) => (PassiveOnly, []),
            (Setup.PassiveOnly, Active) => (PassiveOnly, [new ManualStart()]),
            (Setup.PassiveOnly, OpenSent) => (PassiveOnly, [new ManualStart(), new TcpConnectionConfirmed()]),
            (Setup.HoldTimeZero, OpenSent) => (Default, PathTo(OpenSent)),
            (Setup.HoldTimeZero, _) => (Default, [.. PathTo(from).Select(e => e is BgpOpen ? new BgpOpen(Open(PeerAs, PeerId, hold: 0)) : e)]),
            (Setup.IdleHoldRunning, Idle) => (Default, [new ManualStart(), new TcpConnectionFails()]),
            (Setup.FlapDamped, Idle) => (Default, [.. PathTo(Established), new TcpConnectionFails()]),
            (Setup.NoAutomaticStart, _) => (Default with { AllowAutomaticStart = false }, PathTo(from)),
            (Setup.Normal, _) => (Default, PathTo(from)),
            _ => throw new ArgumentOutOfRangeException(nameof(setup), $"{setup} in {from}"),
        };
        var state = Run(settings, FsmState.Initial(Seed), path).Next;
        Assert.That(state.State, Is.EqualTo(from), "setup");
        if (setup == Setup.DelayOpenRunning) Assert.That(state.DelayOpenRunning, "setup: DelayOpen runs");
        if (setup == Setup.IdleHoldRunning) Assert.That(state.IdleHoldRunning && !state.FlapDamped, "setup: idle hold runs, damping no flap");
        if (setup == Setup.FlapDamped) Assert.That(state.IdleHoldRunning && state.FlapDamped, "setup: idle hold runs after a flap");
        return (settings, state with { ConnectRetryCounter = (uint)StartCounter });
    }

    private static bool Matches(IReadOnlyList<FsmAction> expected, IReadOnlyList<FsmAction> actual) =>
        expected.Count == actual.Count && expected.Zip(actual).All(p => Matches(p.First, p.Second));

    private static bool Matches(FsmAction expected, FsmAction actual) => (expected, actual) switch
    {
        (StartTimer e, StartTimer a) => e.Timer == a.Timer && a.Duration > TimeSpan.Zero,
        (SendNotification e, SendNotification a) => e.Notification == a.Notification,
        (SessionDown, SessionDown a) => a.Reason.Length > 0,
        (SessionEstablished, SessionEstablished a) => a.Session is not null,
        _ => Equals(expected, actual),
    };

    private static string Describe(IEnumerable<FsmAction> actions) => "[" + string.Join(", ", actions.Select(a => a switch
    {
        StartTimer s => $"Start({s.Timer})",
        StopTimer s => $"Stop({s.Timer})",
        SendNotification n => $"Notify({(byte)n.Notification.Code}/{n.Notification.Subcode})",
        _ => a.GetType().Name,
    })) + "]";
}
