namespace Bgp.Actors.Runtime;

/// <summary>
/// Timers as messages. Each key has a generation that every start and cancel bumps; an expiry
/// carries the generation it was started with and is delivered only if that is still the key's
/// current generation. So a timer cancelled or restarted after its expiry was already queued
/// (the classic race) never reaches the actor. Used only from the actor's own handlers: the
/// dictionary has a single owner and needs no lock; the timer callbacks touch only the mailbox.
/// </summary>
public sealed class TimerScheduler<T>
{
    private readonly Dictionary<object, Entry> _timers = [];
    private readonly ActorCell<T> _cell;
    private long _generation;

    internal TimerScheduler(ActorCell<T> cell) => _cell = cell;

    private sealed record Entry(long Generation, ITimer Timer, bool Periodic);

    /// <summary>Delivers <paramref name="message"/> once after <paramref name="due"/>, replacing any timer with the same key.</summary>
    public void StartSingle(object key, T message, TimeSpan due) => Start(key, message, due, Timeout.InfiniteTimeSpan);

    /// <summary>Delivers <paramref name="message"/> every <paramref name="interval"/>, replacing any timer with the same key.</summary>
    public void StartPeriodic(object key, T message, TimeSpan interval) => Start(key, message, interval, interval);

    /// <summary>Cancels the timer; an expiry already in the mailbox is dropped. False when none was active.</summary>
    public bool Cancel(object key)
    {
        if (!_timers.Remove(key, out var entry)) return false;
        entry.Timer.Dispose();
        return true;
    }

    public bool IsActive(object key) => _timers.ContainsKey(key);

    public int Count => _timers.Count;

    public void CancelAll()
    {
        foreach (var entry in _timers.Values) entry.Timer.Dispose();
        _timers.Clear();
    }

    private void Start(object key, T message, TimeSpan due, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        Cancel(key);
        long generation = ++_generation;
        var cell = _cell;
        var timer = cell.System.Time.CreateTimer(
            _ => cell.PostTimer(new Envelope<T>(EnvelopeKind.Timer, message, key, generation)),
            null, due, period);
        _timers[key] = new Entry(generation, timer, period != Timeout.InfiniteTimeSpan);
    }

    /// <summary>Called by the loop before delivering an expiry: is it still current?</summary>
    internal bool Accept(object key, long generation)
    {
        if (!_timers.TryGetValue(key, out var entry) || entry.Generation != generation) return false;
        if (!entry.Periodic)
        {
            _timers.Remove(key);
            entry.Timer.Dispose();
        }
        return true;
    }
}

internal enum EnvelopeKind : byte
{
    User,
    Timer,
    /// <summary>Carries nothing: wakes the loop so it looks at its system queue (stop, child failure).</summary>
    Wake,
}

internal readonly record struct Envelope<T>(EnvelopeKind Kind, T Message, object? TimerKey, long Generation);
