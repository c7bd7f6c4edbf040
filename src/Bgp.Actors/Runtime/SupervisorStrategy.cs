namespace Bgp.Actors.Runtime;

/// <summary>What a supervisor does with a child whose handler threw.</summary>
public enum Directive
{
    /// <summary>Drop the message that failed and carry on with the same instance and state.</summary>
    Resume,
    /// <summary>Replace the instance with a fresh one (after a backoff); the mailbox and ref survive.</summary>
    Restart,
    /// <summary>Stop the child for good.</summary>
    Stop,
    /// <summary>Stop the child and fail the supervisor itself with the same exception.</summary>
    Escalate,
}

/// <summary>
/// One-for-one supervision: a failure affects only the child that failed. Restarts are bounded:
/// more than <see cref="MaxRestarts"/> within <see cref="Window"/> stops the child instead. Each
/// restart waits an exponential backoff from <see cref="MinBackoff"/> to <see cref="MaxBackoff"/>
/// (doubling per restart counted in the window), so a crash loop cannot spin the CPU.
/// </summary>
public sealed record SupervisorStrategy(
    Func<Exception, Directive> Decider,
    int MaxRestarts,
    TimeSpan Window,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff)
{
    /// <summary>Restart on any exception, at most 10 times a minute, backing off 100 ms to 10 s.</summary>
    public static SupervisorStrategy Default { get; } = new(
        _ => Directive.Restart, 10, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

    /// <summary>Stop a failing child: for actors whose state cannot be rebuilt by a restart.</summary>
    public static SupervisorStrategy StopOnFailure { get; } = Default with { Decider = _ => Directive.Stop };

    /// <summary>The backoff before restart number <paramref name="restartInWindow"/> (1-based).</summary>
    public TimeSpan BackoffFor(int restartInWindow)
    {
        if (restartInWindow <= 1) return MinBackoff;
        double factor = Math.Pow(2, Math.Min(restartInWindow - 1, 30));
        var ticks = Math.Min(MinBackoff.Ticks * factor, MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
