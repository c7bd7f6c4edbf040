using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>
/// Everything the FSM remembers between events. Immutable: <see cref="Fsm.Step"/> returns the next one.
/// The jitter generator's state lives here too, so the same seed and events give the same timers.
/// </summary>
public sealed record FsmState
{
    public SessionState State { get; init; }

    /// <summary>The RFC 4271 §8 ConnectRetryCounter, reset and incremented exactly where §8.2.2 says.</summary>
    public uint ConnectRetryCounter { get; init; }

    /// <summary>
    /// Failed attempts since the session was last Established or manually started or stopped: each
    /// fall back to Idle (other than a manual stop), each connect-retry expiry in Connect and each
    /// fall back to Active after a lost connection. Drives the connect-retry backoff and the idle hold.
    /// </summary>
    public uint ConsecutiveFailures { get; init; }

    /// <summary>SplitMix64 state for timer jitter (RFC 4271 §10).</summary>
    public ulong RandomState { get; init; }

    /// <summary>Set by ManualStop, cleared by ManualStart: no automatic start or restart meanwhile.</summary>
    public bool AdministrativelyStopped { get; init; }

    /// <summary>The last start was event 4 or 5 (or <see cref="FsmSettings.Passive"/> holds): restarts wait for the peer too.</summary>
    public bool PassiveStart { get; init; }

    /// <summary>The DelayOpenTimer runs (RFC 4271 §8.1.1 DelayOpen): a connection is up and we wait for the peer's OPEN.</summary>
    public bool DelayOpenRunning { get; init; }

    /// <summary>The IdleHoldTimer runs: the FSM restarts itself when it expires.</summary>
    public bool IdleHoldRunning { get; init; }

    /// <summary>
    /// The running IdleHoldTimer damps an oscillating session: it started when the session fell from
    /// Established. Otherwise it only spaces our own attempts, and a connection from the peer starts the FSM.
    /// </summary>
    public bool FlapDamped { get; init; }

    /// <summary>The peer's OPEN, from OpenConfirm on.</summary>
    public OpenMessage? PeerOpen => Session?.PeerOpen;

    /// <summary>What the OPENs negotiated, from OpenConfirm on.</summary>
    public NegotiatedSession? Session { get; init; }

    /// <summary>Negotiated hold time; zero before OpenConfirm or when either side offered zero.</summary>
    public TimeSpan HoldTime => Session?.HoldTime ?? TimeSpan.Zero;

    /// <summary>Negotiated keepalive interval (before jitter); zero when there are no keepalives.</summary>
    public TimeSpan KeepaliveTime => Session?.KeepaliveTime ?? TimeSpan.Zero;

    /// <summary>Why the session last fell back to Idle, for show commands and logs.</summary>
    public string? LastError { get; init; }

    /// <summary>Idle, nothing running, automatic start allowed; <paramref name="seed"/> seeds the jitter.</summary>
    public static FsmState Initial(ulong seed) => new() { State = SessionState.Idle, RandomState = seed };
}
