using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>
/// Per-peer FSM configuration (RFC 4271 §8.1.1 session attributes). Durations are checked when set:
/// a zero or negative timer is a configuration error, so every <see cref="StartTimer"/> the FSM emits
/// is positive.
/// </summary>
/// <param name="LocalOpen">The OPEN we send: our capabilities, hold time and BGP identifier.</param>
/// <param name="LocalAs">Our 4-octet AS number.</param>
/// <param name="LocalBgpId">Our BGP identifier, host order.</param>
/// <param name="ExpectedRemoteAs">The AS the peer must present (RFC 4271 §6.2 Bad Peer AS).</param>
public sealed record FsmSettings(OpenMessage LocalOpen, uint LocalAs, uint LocalBgpId, uint ExpectedRemoteAs)
{
    private readonly TimeSpan _holdTime = CheckHoldTime(TimeSpan.FromSeconds(LocalOpen.HoldTime));
    private readonly TimeSpan _connectRetryTime = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _connectRetryMaxTime = TimeSpan.FromSeconds(120);
    private readonly TimeSpan? _delayOpenTime;
    private readonly TimeSpan _idleHoldTime = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _idleHoldMaxTime = TimeSpan.FromSeconds(120);
    private readonly TimeSpan _largeHoldTime = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Our hold time, negotiated down to the peer's (RFC 4271 §4.2); zero or at least 3 s. Defaults to
    /// the hold time in <see cref="LocalOpen"/>, which should carry the same value.
    /// </summary>
    public TimeSpan HoldTime { get => _holdTime; init => _holdTime = CheckHoldTime(value); }

    /// <summary>First connect-retry interval (RFC 4271 §10 suggests 120 s; 30 s is today's practice).</summary>
    public TimeSpan ConnectRetryTime { get => _connectRetryTime; init => _connectRetryTime = Positive(value); }

    /// <summary>Ceiling of the doubling connect-retry interval (before jitter).</summary>
    public TimeSpan ConnectRetryMaxTime { get => _connectRetryMaxTime; init => _connectRetryMaxTime = Positive(value); }

    /// <summary>Never initiate a connection: only wait for the peer's (events 1 and 3 act as 4 and 5, and no ConnectRetryTimer runs).</summary>
    public bool Passive { get; init; }

    /// <summary>The optional DelayOpen attribute (RFC 4271 §8.1.1): wait this long for the peer's OPEN before sending ours. Null = off.</summary>
    public TimeSpan? DelayOpenTime
    {
        get => _delayOpenTime;
        init => _delayOpenTime = value is { } v ? Positive(v) : null;
    }

    /// <summary>The AllowAutomaticStart attribute (RFC 4271 §8.1.1): automatic starts and restarts after failures are allowed.</summary>
    public bool AllowAutomaticStart { get; init; } = true;

    /// <summary>Idle hold after the first failure (DampPeerOscillations, RFC 4271 §8.1.1); doubles per consecutive failure.</summary>
    public TimeSpan IdleHoldTime { get => _idleHoldTime; init => _idleHoldTime = Positive(value); }

    /// <summary>Ceiling of the doubling idle hold.</summary>
    public TimeSpan IdleHoldMaxTime { get => _idleHoldMaxTime; init => _idleHoldMaxTime = Positive(value); }

    /// <summary>The "large value" the HoldTimer gets in OpenSent (RFC 4271 §8.2.2 suggests 4 minutes).</summary>
    public TimeSpan LargeHoldTime { get => _largeHoldTime; init => _largeHoldTime = Positive(value); }

    /// <summary>Internal (iBGP) when the peer is expected in our own AS.</summary>
    public bool IsInternal => ExpectedRemoteAs == LocalAs;

    private static TimeSpan Positive(TimeSpan value, [System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "must be positive");

    // RFC 4271 §4.2: the Hold Time MUST be either zero or at least three seconds.
    private static TimeSpan CheckHoldTime(TimeSpan value) =>
        value == TimeSpan.Zero || value >= TimeSpan.FromSeconds(3)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HoldTime), value, "must be zero or at least 3 s (RFC 4271 §4.2)");
}
