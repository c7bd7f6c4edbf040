namespace Bgp.TestKit;

/// <summary>
/// A clock that moves only when a test says so. Timers created through it fire, in due order and
/// synchronously on the caller's thread, during <see cref="Advance"/>; so timer behaviour is tested
/// without sleeps and without races against the wall clock.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _sequence;

    public ManualTimeProvider(DateTimeOffset? start = null) =>
        _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate) return _now.UtcTicks;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Timers currently armed (useful to assert that a timer was or was not started).</summary>
    public int ActiveTimers
    {
        get { lock (_gate) return _timers.Count; }
    }

    /// <summary>The time until the next timer fires, or null when none is armed.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            lock (_gate) return _timers.Count == 0 ? null : _timers.Min(t => t.Due) - _now;
        }
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate) target = _now + by;
        for (int fired = 0; fired < 1_000_000; fired++)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due <= target).OrderBy(t => t.Due).ThenBy(t => t.Sequence).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }
                _now = next.Due;
                _timers.Remove(next);
                if (next.Period > TimeSpan.Zero && next.Period != Timeout.InfiniteTimeSpan)
                {
                    next.Due = _now + next.Period;
                    next.Sequence = ++_sequence;
                    _timers.Add(next);
                }
            }
            next.Fire();
        }
        throw new InvalidOperationException("more than a million timer expiries in one Advance: a zero-period timer?");
    }

    private void Schedule(ManualTimer timer, TimeSpan due, TimeSpan period)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            timer.Period = period;
            if (due == Timeout.InfiniteTimeSpan) return;
            timer.Due = _now + (due < TimeSpan.Zero ? TimeSpan.Zero : due);
            timer.Sequence = ++_sequence;
            _timers.Add(timer);
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate) _timers.Remove(timer);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }
        public TimeSpan Period { get; set; }
        public long Sequence { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
