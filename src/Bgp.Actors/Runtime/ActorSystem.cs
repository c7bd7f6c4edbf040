using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bgp.Actors.Runtime;

/// <summary>
/// The root of the supervision tree: owns the clock, the logger factory and the top-level actors.
/// The daemon host creates one; tests create one per test with a manual clock.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IActorCell> _topLevel = new();
    private long _deadLetters;

    public ActorSystem(string name = "bgpactors", TimeProvider? time = null, ILoggerFactory? loggerFactory = null,
        SupervisorStrategy? rootStrategy = null)
    {
        Name = name;
        Time = time ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        RootStrategy = rootStrategy ?? SupervisorStrategy.Default;
    }

    public string Name { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>How top-level actors are supervised.</summary>
    public SupervisorStrategy RootStrategy { get; }

    /// <summary>Messages sent to actors that had already stopped.</summary>
    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    internal void CountDeadLetter() => Interlocked.Increment(ref _deadLetters);

    /// <summary>Starts a top-level actor, supervised by <see cref="RootStrategy"/>.</summary>
    public ActorRef<T> Spawn<T>(string name, Func<Actor<T>> factory, ActorOptions? options = null)
    {
        var cell = new ActorCell<T>(this, null, "/" + name, factory, options ?? ActorOptions.Default);
        if (!_topLevel.TryAdd(name, cell)) throw new InvalidOperationException($"an actor named {name} already runs");
        _ = cell.Completion.ContinueWith(_ => _topLevel.TryRemove(new KeyValuePair<string, IActorCell>(name, cell)),
            TaskScheduler.Default);
        cell.Start();
        return cell;
    }

    /// <summary>Stops every top-level actor (children first) and waits for them, at most <paramref name="timeout"/>.</summary>
    public async Task ShutdownAsync(TimeSpan timeout)
    {
        var cells = _topLevel.Values.ToList();
        foreach (var cell in cells) cell.RequestStop();
        var all = Task.WhenAll(cells.Select(c => c.Completion));
        try
        {
            await all.WaitAsync(timeout, TimeProvider.System).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LoggerFactory.CreateLogger("Bgp.Actors.Runtime").LogWarning(
                "actor system {System}: {Count} actors did not stop within {Timeout}", Name,
                cells.Count(c => !c.Completion.IsCompleted), timeout);
        }
    }

    public ValueTask DisposeAsync() => new(ShutdownAsync(TimeSpan.FromSeconds(10)));
}
