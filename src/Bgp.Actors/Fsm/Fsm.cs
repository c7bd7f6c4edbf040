using Bgp.Wire;
using static Bgp.Actors.Fsm.SessionState;

namespace Bgp.Actors.Fsm;

/// <summary>
/// The BGP finite state machine of RFC 4271 §8.2.2 as a pure function: <see cref="Step"/> maps a state
/// and an event to the next state and the actions the session actor carries out in order. No clock,
/// socket or randomness of its own: timers are <see cref="StartTimer"/>/<see cref="StopTimer"/> actions
/// and jitter comes from <see cref="FsmState.RandomState"/>.
/// <para>Attributes fixed by this implementation (RFC 4271 §8.1.1):</para>
/// <list type="bullet">
/// <item>DampPeerOscillations is always on. Whenever the FSM falls back to Idle for any reason but
/// ManualStop, <see cref="FsmState.ConsecutiveFailures"/> grows by one and, if
/// <see cref="FsmSettings.AllowAutomaticStart"/> holds, the IdleHoldTimer starts for
/// <see cref="Backoff.IdleHold"/> (1 s, 2 s, 4 s … up to 120 s by default). Its expiry (event 13) is the
/// automatic start: to Connect, or to Active when the last start was passive. AutomaticStart events that
/// arrive while it runs are ignored (what RFC 4271 leaves to events 6 and 7) when it damps an oscillating
/// session, one that fell from Established (<see cref="FsmState.FlapDamped"/>). When it only spaces our own
/// failed attempts (a refused dial, a peer that never finished the OPEN exchange), the passive automatic start
/// (event 5, which the session issues for a connection from the peer) still starts: the peer may connect
/// whenever it likes between our dials, as BIRD and FRR let it.</item>
/// <item>The ConnectRetryTimer runs for <see cref="Backoff.ConnectRetryNominal"/> (ConnectRetryTime doubled per
/// consecutive failure, capped) times a jitter factor in [0.75, 1) (RFC 4271 §10). The keepalive timer is
/// jittered the same way; the hold timer is not.</item>
/// <item>Established resets <see cref="FsmState.ConsecutiveFailures"/>; so do ManualStart and ManualStop.</item>
/// <item>ManualStop, in any state, stops every timer including a pending IdleHoldTimer, zeroes both counters and
/// sets <see cref="FsmState.AdministrativelyStopped"/>: nothing restarts the session until ManualStart.
/// (Deviation: RFC 4271 ignores ManualStop in Idle; with damping on, it must cancel the pending restart.)</item>
/// <item>AllowAutomaticStart false: events 3, 5 are ignored and no IdleHoldTimer starts; only ManualStart starts.</item>
/// <item>SendNOTIFICATIONwithoutOPEN is on: while the DelayOpenTimer runs a TCP connection exists, so header
/// and OPEN errors and stops send their NOTIFICATION before the drop, in Connect as in Active.</item>
/// <item><see cref="FsmSettings.Passive"/> never initiates: no ConnectRetryTimer, no InitiateConnection. Events 4
/// and 5 without it follow RFC 4271: wait in Active, connect when the ConnectRetryTimer expires.</item>
/// <item>Collision detection (RFC 4271 §6.8) is the caller's: it keeps the second connection, asks
/// <see cref="CollisionResolver"/>, and feeds <see cref="OpenCollisionDump"/> to the loser. An OPEN that arrives on
/// this connection in OpenConfirm or Established is therefore an unexpected message (RFC 6608).</item>
/// <item>CollisionDetectEstablishedState is the caller's choice (<see cref="CollisionResolver.Check"/>).</item>
/// </list>
/// <para>Other deviations, each marked where it is made: a NOTIFICATION received in OpenSent is not answered
/// with an FSM Error; a header error in Established sends the codec's Message Header Error (RFC 4271 §6.1) not
/// FSM Error; timer expiries that cannot be live (DelayOpen not running, ConnectRetry under Passive, IdleHold
/// not running) are ignored as stale; Idle drops connections that complete (events 14, 16, 17); a failed
/// connection in Active stops the ConnectRetryTimer rather than restarting it, since Idle ignores its expiry.</para>
/// <para>Leaving Established always emits <see cref="SessionDown"/> after any NOTIFICATION and before
/// <see cref="DropConnection"/>; entering it emits <see cref="SessionEstablished"/> last.</para>
/// </summary>
public static partial class Fsm
{
    public static FsmTransition Step(FsmSettings settings, FsmState state, FsmEvent ev)
    {
        var s = settings;
        var st = state;
        return (st.State, ev) switch
        {
            // ---- Idle (RFC 4271 §8.2.2 "Idle state") ----
            (Idle, ManualStart) => Start(s, st, passive: s.Passive, manual: true),
            (Idle, ManualStartWithPassiveTcpEstablishment) => Start(s, st, passive: true, manual: true),
            (Idle, AutomaticStart) when MayStartAutomatically(s, st) => Start(s, st, passive: s.Passive, manual: false),
            (Idle, AutomaticStartWithPassiveTcpEstablishment) when MayStartAutomatically(s, st) => Start(s, st, passive: true, manual: false),
            // deviation: an idle hold that damps nothing but our own dials lets the peer in (see above)
            (Idle, AutomaticStartWithPassiveTcpEstablishment) when st.IdleHoldRunning && !st.FlapDamped
                                                                 && MayStartAutomatically(s, st with { IdleHoldRunning = false }) =>
                Start(s, st, passive: true, manual: false),
            // §8.1.1 DampPeerOscillations: the idle hold's end is the automatic start.
            (Idle, IdleHoldTimerExpires) when st.IdleHoldRunning && MayStartAutomatically(s, st with { IdleHoldRunning = false }) =>
                Start(s, st with { IdleHoldRunning = false }, passive: s.Passive || st.PassiveStart, manual: false),
            (Idle, ManualStop) => StopInIdle(st),
            // §8.2.2 Idle: "refuses all incoming BGP connections for this peer".
            (Idle, TcpConnectionValid or TcpCrAcked or TcpConnectionConfirmed) => Stay(st, new DropConnection()),
            (Idle, _) => Stay(st),

            // §8.2.2, every other state: start events (1, 3-7) are ignored.
            (_, ManualStart or AutomaticStart or ManualStartWithPassiveTcpEstablishment or AutomaticStartWithPassiveTcpEstablishment) => Stay(st),
            (_, ManualStop m) => Stopped(st, m.Notification ?? NotificationMessage.Shutdown(null)),

            // ---- Connect and Active (§8.2.2 "Connect State", "Active State") ----
            (Connect, ConnectRetryTimerExpires) => RetryConnect(s, st),
            (Active, ConnectRetryTimerExpires) when !s.Passive => ConnectAgain(s, st),
            (Active, ConnectRetryTimerExpires) => Stay(st),                            // stale: Passive never starts it
            (Connect or Active, DelayOpenTimerExpires) when st.DelayOpenRunning => EnterOpenSent(s, st),
            (Connect or Active, DelayOpenTimerExpires) => Stay(st),                    // stale: no connection is waiting
            (Connect or Active, TcpConnectionValid or TcpCrInvalid) => Stay(st),       // caller accepts or refuses the socket
            (Connect or Active, TcpCrAcked or TcpConnectionConfirmed) => ConnectionUp(s, st),
            (Connect, TcpConnectionFails) when st.DelayOpenRunning => FallBackToActive(s, st, "TCP connection failed"),
            (Connect, TcpConnectionFails) => ToIdle(s, st, "TCP connection failed", countRetry: false),
            (Active, TcpConnectionFails) => ToIdle(s, st, "TCP connection failed"),
            (Connect or Active, BgpOpen o) when st.DelayOpenRunning => OpenReceived(s, st, o.Open),   // event 20
            (Connect or Active, BgpHeaderErr e) => ToIdle(s, st, Sent(e.Notification), e.Notification),
            (Connect or Active, BgpOpenMsgErr e) => ToIdle(s, st, Sent(e.Notification), e.Notification),
            (Connect or Active, NotifMsgVerErr n) when st.DelayOpenRunning => ToIdle(s, st, Received(n.Notification), countRetry: false),
            (Connect or Active, NotifMsgVerErr n) => ToIdle(s, st, Received(n.Notification)),
            (Connect or Active, AutomaticStop a) =>
                ToIdle(s, st, a.Reason ?? "automatic stop: " + a.Notification, st.DelayOpenRunning ? a.Notification : null),
            (Connect or Active, _) => ToIdle(s, st, $"unexpected {Name(ev)} in {st.State}"),   // §8.2.2 "any other event"

            // ---- OpenSent, OpenConfirm and Established alike ----
            (_, AutomaticStop a) => ToIdle(s, st, a.Reason ?? "automatic stop: " + a.Notification, a.Notification),
            (_, HoldTimerExpires) => ToIdle(s, st, "hold timer expired", new NotificationMessage(NotificationCode.HoldTimerExpired, 0)),
            // §8.2.2: a second connection is tracked for collision detection (§6.8) by the caller.
            (_, TcpConnectionValid or TcpCrInvalid or TcpCrAcked or TcpConnectionConfirmed) => Stay(st),
            // Deviation in Established, which §8.2.2 lists under "any other event": §6.1 says a header error is reported as such.
            (_, BgpHeaderErr e) => ToIdle(s, st, Sent(e.Notification), e.Notification),
            (_, OpenCollisionDump) => ToIdle(s, st, "connection collision",
                new NotificationMessage(NotificationCode.Cease, (byte)CeaseSubcode.ConnectionCollisionResolution)),

            // ---- OpenSent (§8.2.2 "OpenSent State") ----
            (OpenSent, TcpConnectionFails) => FallBackToActive(s, st, "TCP connection failed"),
            (OpenSent, BgpOpen o) => OpenReceived(s, st, o.Open),
            (OpenSent, BgpOpenMsgErr e) => ToIdle(s, st, Sent(e.Notification), e.Notification),
            (OpenSent, NotifMsgVerErr n) => ToIdle(s, st, Received(n.Notification), countRetry: false),
            // Deviation: §8.2.2 answers with FSM Error, but the peer closes after its NOTIFICATION (§4.5).
            (OpenSent, NotifMsg n) => ToIdle(s, st, Received(n.Notification)),
            (OpenSent, KeepAliveMsg or UpdateMsg or UpdateMsgErr or RouteRefreshMsg) => FsmError(s, st, ev, FsmErrorSubcode.UnexpectedMessageInOpenSent),
            (OpenSent, _) => FsmError(s, st, ev, FsmErrorSubcode.Unspecified),    // events 9, 11, 12, 13

            // ---- OpenConfirm (§8.2.2 "OpenConfirm State") ----
            (OpenConfirm, KeepaliveTimerExpires) => KeepaliveDue(st),
            (OpenConfirm, TcpConnectionFails) => ToIdle(s, st, "TCP connection failed"),
            (OpenConfirm, NotifMsg n) => ToIdle(s, st, Received(n.Notification)),
            (OpenConfirm, NotifMsgVerErr n) => ToIdle(s, st, Received(n.Notification), countRetry: false),
            (OpenConfirm, BgpOpenMsgErr e) => ToIdle(s, st, Sent(e.Notification), e.Notification),
            (OpenConfirm, KeepAliveMsg) => EnterEstablished(st),
            // RFC 6608 §3: e.g. OPEN, UPDATE, ROUTE-REFRESH in OpenConfirm.
            (OpenConfirm, BgpOpen or UpdateMsg or UpdateMsgErr or RouteRefreshMsg) => FsmError(s, st, ev, FsmErrorSubcode.UnexpectedMessageInOpenConfirm),
            (OpenConfirm, _) => FsmError(s, st, ev, FsmErrorSubcode.Unspecified),    // events 9, 12, 13

            // ---- Established (§8.2.2 "Established State") ----
            (Established, KeepaliveTimerExpires) => KeepaliveDue(st),
            (Established, TcpConnectionFails) => ToIdle(s, st, "TCP connection failed"),
            (Established, NotifMsg n) => ToIdle(s, st, Received(n.Notification)),
            (Established, NotifMsgVerErr n) => ToIdle(s, st, Received(n.Notification)),
            (Established, KeepAliveMsg) => Stay(st, RestartHold(st)),
            (Established, UpdateMsg or RouteRefreshMsg) => Stay(st, [.. RestartHold(st), new ProcessUpdate()]),
            (Established, UpdateMsgErr e) => ToIdle(s, st, Sent(e.Notification), e.Notification),
            // RFC 6608 §3: e.g. an OPEN in Established.
            (Established, BgpOpen or BgpOpenMsgErr) => FsmError(s, st, ev, FsmErrorSubcode.UnexpectedMessageInEstablished),
            (Established, _) => FsmError(s, st, ev, FsmErrorSubcode.Unspecified),    // events 9, 12, 13

            _ => Stay(st),    // a SessionState value outside the enum
        };
    }
}
