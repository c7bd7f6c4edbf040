namespace Bgp.Actors.Fsm;

/// <summary>The six states of the BGP FSM (RFC 4271 §8.2.2).</summary>
public enum SessionState
{
    Idle,
    Connect,
    Active,
    OpenSent,
    OpenConfirm,
    Established,
}
