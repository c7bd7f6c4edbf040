namespace Bgp.Actors.Fsm;

/// <summary>The timers the FSM starts and stops (RFC 4271 §8.1.1, §8.1.3); the session actor owns the clock.</summary>
public enum TimerKind
{
    ConnectRetry,   // RFC 4271 §8.1.3 event 9
    Hold,           // RFC 4271 §8.1.3 event 10
    Keepalive,      // RFC 4271 §8.1.3 event 11
    DelayOpen,      // RFC 4271 §8.1.3 event 12, optional DelayOpen attribute
    IdleHold,       // RFC 4271 §8.1.3 event 13, optional DampPeerOscillations attribute
}
