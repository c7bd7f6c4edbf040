using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>
/// Outputs of <see cref="Fsm.Step"/>, to be carried out by the session actor in list order
/// (a NOTIFICATION is written before the connection is dropped).
/// </summary>
public abstract record FsmAction
{
    private protected FsmAction() { }
}

/// <summary>Open a TCP connection to the peer (RFC 4271 §8.2.2 "initiates a TCP connection").</summary>
public sealed record InitiateConnection : FsmAction;

/// <summary>Accept incoming connections from the peer from now on; in Idle the caller refuses them.</summary>
public sealed record ListenPassively : FsmAction;

/// <summary>Close the TCP connection (and abort a connection attempt in progress).</summary>
public sealed record DropConnection : FsmAction;

/// <summary>Send <see cref="FsmSettings.LocalOpen"/>.</summary>
public sealed record SendOpen : FsmAction;

/// <summary>Send a KEEPALIVE.</summary>
public sealed record SendKeepalive : FsmAction;

/// <summary>Send this NOTIFICATION.</summary>
public sealed record SendNotification(NotificationMessage Notification) : FsmAction;

/// <summary>Start, or restart, a timer; a pending expiry of the same kind becomes stale.</summary>
public sealed record StartTimer(TimerKind Timer, TimeSpan Duration) : FsmAction;

/// <summary>Stop a timer if it runs; a pending expiry of the same kind becomes stale.</summary>
public sealed record StopTimer(TimerKind Timer) : FsmAction;

/// <summary>The session entered Established with what both OPENs negotiated.</summary>
public sealed record SessionEstablished(NegotiatedSession Session) : FsmAction;

/// <summary>The session left Established: withdraw every route learned from the peer (RFC 4271 §8.2.2 "deletes all routes").</summary>
public sealed record SessionDown(string Reason) : FsmAction;

/// <summary>Hand the UPDATE or ROUTE-REFRESH just received to the rest of the daemon.</summary>
public sealed record ProcessUpdate : FsmAction;
