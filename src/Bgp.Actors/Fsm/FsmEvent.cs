using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>
/// Inputs to <see cref="Fsm.Step"/>: the RFC 4271 §8.1 events, one sealed record each, with the
/// RFC's event number in a comment.
/// <list type="bullet">
/// <item>Events 6 and 7 (automatic start with DampPeerOscillations) have no records: damping is always
/// on, and an automatic start that arrives while the IdleHoldTimer runs is ignored (see <see cref="Fsm"/>).</item>
/// <item>Event 20 (BGPOpen with the DelayOpenTimer running) is folded into <see cref="BgpOpen"/>: the FSM
/// knows whether it started the DelayOpenTimer.</item>
/// <item><see cref="BgpOpen"/> carries an OPEN the codec decoded; the FSM checks its contents with
/// <see cref="OpenValidator"/> and treats a rejected OPEN as event 22.</item>
/// </list>
/// </summary>
public abstract record FsmEvent
{
    private protected FsmEvent() { }
}

/// <summary>Event 1: the operator starts the session.</summary>
public sealed record ManualStart : FsmEvent;

/// <summary>
/// Event 2: the operator stops the session. <see cref="Notification"/> is the Cease to send where a
/// NOTIFICATION is due; null means Cease / Administrative Shutdown without a communication (RFC 4486, RFC 9003).
/// </summary>
public sealed record ManualStop(NotificationMessage? Notification = null) : FsmEvent;

/// <summary>Event 3: the daemon starts the session (configuration loaded).</summary>
public sealed record AutomaticStart : FsmEvent;

/// <summary>Event 4: the operator starts the session, waiting for the peer to connect first.</summary>
public sealed record ManualStartWithPassiveTcpEstablishment : FsmEvent;

/// <summary>Event 5: the daemon starts the session, waiting for the peer to connect first.</summary>
public sealed record AutomaticStartWithPassiveTcpEstablishment : FsmEvent;

/// <summary>
/// Event 8: the daemon stops the session and may restart it after the idle hold (e.g. Cease /
/// Maximum Number of Prefixes Reached). <see cref="Notification"/> is sent where a NOTIFICATION is due.
/// To stop without an automatic restart (peer deconfigured), use <see cref="ManualStop"/> with the Cease.
/// <see cref="Reason"/> becomes the session's last error (default: "automatic stop: " and the NOTIFICATION).
/// </summary>
public sealed record AutomaticStop(NotificationMessage Notification, string? Reason = null) : FsmEvent;

/// <summary>Event 9.</summary>
public sealed record ConnectRetryTimerExpires : FsmEvent;

/// <summary>Event 10.</summary>
public sealed record HoldTimerExpires : FsmEvent;

/// <summary>Event 11.</summary>
public sealed record KeepaliveTimerExpires : FsmEvent;

/// <summary>Event 12.</summary>
public sealed record DelayOpenTimerExpires : FsmEvent;

/// <summary>Event 13.</summary>
public sealed record IdleHoldTimerExpires : FsmEvent;

/// <summary>Event 14: an incoming connection request with a valid source and destination.</summary>
public sealed record TcpConnectionValid : FsmEvent;

/// <summary>Event 15: an incoming connection request that is not for this peer; the caller refuses it.</summary>
public sealed record TcpCrInvalid : FsmEvent;

/// <summary>Event 16: our outgoing connection completed.</summary>
public sealed record TcpCrAcked : FsmEvent;

/// <summary>Event 17: the peer's incoming connection completed.</summary>
public sealed record TcpConnectionConfirmed : FsmEvent;

/// <summary>Event 18: the connection failed or was closed by the peer.</summary>
public sealed record TcpConnectionFails : FsmEvent;

/// <summary>Events 19 and 20: an OPEN was received (with or without the DelayOpenTimer running).</summary>
public sealed record BgpOpen(OpenMessage Open) : FsmEvent;

/// <summary>Event 21: the message header failed the checks of RFC 4271 §6.1; carries the NOTIFICATION the codec computed.</summary>
public sealed record BgpHeaderErr(NotificationMessage Notification) : FsmEvent;

/// <summary>Event 22: an OPEN could not be decoded (RFC 4271 §6.2); carries the NOTIFICATION the codec computed.</summary>
public sealed record BgpOpenMsgErr(NotificationMessage Notification) : FsmEvent;

/// <summary>Event 23: collision resolution (RFC 4271 §6.8, <see cref="CollisionResolver"/>) chose to close this connection.</summary>
public sealed record OpenCollisionDump : FsmEvent;

/// <summary>Event 24: a NOTIFICATION with OPEN Message Error / Unsupported Version Number was received.</summary>
public sealed record NotifMsgVerErr(NotificationMessage Notification) : FsmEvent;

/// <summary>Event 25: any other NOTIFICATION was received.</summary>
public sealed record NotifMsg(NotificationMessage Notification) : FsmEvent;

/// <summary>Event 26: a KEEPALIVE was received.</summary>
public sealed record KeepAliveMsg : FsmEvent;

/// <summary>Event 27: a valid UPDATE was received (including one RFC 7606 repairs by treat-as-withdraw or attribute discard).</summary>
public sealed record UpdateMsg : FsmEvent;

/// <summary>
/// Event 28: an UPDATE error that RFC 7606 says resets the session; carries the NOTIFICATION to send.
/// Errors RFC 7606 handles without a reset arrive as <see cref="UpdateMsg"/>.
/// </summary>
public sealed record UpdateMsgErr(NotificationMessage Notification) : FsmEvent;

/// <summary>
/// A ROUTE-REFRESH was received (RFC 2918, RFC 7313). Not an RFC 4271 event: handled like
/// <see cref="UpdateMsg"/> in Established, as an unexpected message elsewhere.
/// </summary>
public sealed record RouteRefreshMsg : FsmEvent;
