namespace Bgp.Actors.Fsm;

/// <summary>
/// Timer durations that grow with failures, and the jitter RFC 4271 §10 asks for. Pure: the random
/// state is passed in and out, so the FSM carries it in <see cref="FsmState.RandomState"/>.
/// </summary>
public static class Backoff
{
    /// <summary>RFC 4271 §10: jitter multiplies a timer by a random factor in [0.75, 1].</summary>
    public const double MinJitterFactor = 0.75;

    /// <summary>
    /// Connect-retry interval before jitter: <see cref="FsmSettings.ConnectRetryTime"/> doubled once per
    /// consecutive failure, capped at <see cref="FsmSettings.ConnectRetryMaxTime"/> (or at the base when that is larger).
    /// </summary>
    public static TimeSpan ConnectRetryNominal(FsmSettings settings, uint consecutiveFailures) =>
        Doubled(settings.ConnectRetryTime, consecutiveFailures, settings.ConnectRetryMaxTime);

    /// <summary>
    /// Idle hold after the <paramref name="consecutiveFailures"/>-th failure in a row (1 = first):
    /// <see cref="FsmSettings.IdleHoldTime"/>, doubled per further failure, capped at <see cref="FsmSettings.IdleHoldMaxTime"/>.
    /// Not jittered: it is a damping floor, not a retry timer of RFC 4271 §10.
    /// </summary>
    public static TimeSpan IdleHold(FsmSettings settings, uint consecutiveFailures) =>
        Doubled(settings.IdleHoldTime, consecutiveFailures == 0 ? 0 : consecutiveFailures - 1, settings.IdleHoldMaxTime);

    /// <summary>
    /// <paramref name="nominal"/> times a factor in [0.75, 1) drawn from <paramref name="randomState"/>,
    /// which advances; never less than one tick.
    /// </summary>
    public static TimeSpan Jitter(TimeSpan nominal, ref ulong randomState)
    {
        double unit = (NextRandom(ref randomState) >> 11) * (1.0 / (1UL << 53));   // [0, 1)
        double factor = MinJitterFactor + (1 - MinJitterFactor) * unit;
        return TimeSpan.FromTicks(Math.Max(1L, (long)(nominal.Ticks * factor)));
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): one 64-bit output per call.</summary>
    public static ulong NextRandom(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static TimeSpan Doubled(TimeSpan start, uint doublings, TimeSpan cap)
    {
        if (cap < start) cap = start;
        var t = start;
        for (uint i = 0; i < doublings && t < cap; i++) t += t;
        return t < cap ? t : cap;
    }
}
