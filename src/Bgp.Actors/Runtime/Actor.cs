using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Runtime;

/// <summary>
/// An actor handling messages of type <typeparamref name="T"/> one at a time, in mailbox order.
/// Its fields are its private state: nothing else touches them, so no locks. A handler that throws
/// is dealt with by the parent's <see cref="SupervisorStrategy"/>; a restart builds a new instance
/// from the factory given at spawn, so state that must survive a restart lives elsewhere.
/// </summary>
public abstract class Actor<T>
{
    private ActorContext<T>? _context;

    /// <summary>This actor's self ref, clock, timers, log and children. Valid from <see cref="OnStartAsync"/> on.</summary>
    protected ActorContext<T> Context => _context ?? throw new InvalidOperationException("the actor has not been started");

    internal void Attach(ActorContext<T> context) => _context = context;

    internal ValueTask StartHook() => OnStartAsync();
    internal ValueTask ReceiveHook(T message) => OnReceiveAsync(message);
    internal ValueTask StopHook() => OnStopAsync();

    /// <summary>Runs before the first message (and after every restart, on the new instance).</summary>
    protected virtual ValueTask OnStartAsync() => ValueTask.CompletedTask;

    /// <summary>Handles one message.</summary>
    protected abstract ValueTask OnReceiveAsync(T message);

    /// <summary>Runs when the instance is discarded: on stop and before a restart replaces it.</summary>
    protected virtual ValueTask OnStopAsync() => ValueTask.CompletedTask;
}

/// <summary>Spawn-time settings of one actor.</summary>
/// <summary>
/// A read-only request. An actor with a query mailbox (<see cref="ActorOptions.QueryMailboxCapacity"/>)
/// answers these ahead of its ordinary messages; they must not change the actor's state in a way
/// the ordinary messages' order depends on.
/// </summary>
public interface IQueryMessage;

public sealed record ActorOptions
{
    /// <summary>Mailbox bound; senders wait (<see cref="ActorRef{T}.TellAsync"/>) while it is full.</summary>
    public int MailboxCapacity { get; init; } = 1024;

    /// <summary>
    /// Bound of a second mailbox for messages marked <see cref="IQueryMessage"/> (0: none, they queue
    /// with the rest). The loop takes from it before every ordinary message, so reads are answered
    /// while a long run of writes (a full-table load) is still queued.
    /// </summary>
    public int QueryMailboxCapacity { get; init; }

    /// <summary>How this actor supervises the children it spawns.</summary>
    public SupervisorStrategy ChildStrategy { get; init; } = SupervisorStrategy.Default;

    public static ActorOptions Default { get; } = new();
}

/// <summary>What an actor can reach from inside its handlers.</summary>
public sealed class ActorContext<T>
{
    private readonly ActorCell<T> _cell;

    internal ActorContext(ActorCell<T> cell, TimerScheduler<T> timers)
    {
        _cell = cell;
        Timers = timers;
    }

    public ActorRef<T> Self => _cell;
    public ActorSystem System => _cell.System;
    public TimeProvider Time => _cell.System.Time;
    public ILogger Log => _cell.Log;

    /// <summary>Keyed timers whose expiries arrive as messages; a cancelled or restarted timer's late expiry is dropped.</summary>
    public TimerScheduler<T> Timers { get; }

    /// <summary>Starts a child supervised by this actor (per <see cref="ActorOptions.ChildStrategy"/> of this actor).</summary>
    public ActorRef<TChild> Spawn<TChild>(string name, Func<Actor<TChild>> factory, ActorOptions? options = null) =>
        _cell.SpawnChild(name, factory, options ?? ActorOptions.Default);

    /// <summary>Asks a child (or this actor) to stop after the message it is handling.</summary>
    public void Stop<TOther>(ActorRef<TOther> actor)
    {
        if (actor is ActorCell<TOther> cell) cell.RequestStop();
    }

    /// <summary>Stops this actor after the current message.</summary>
    public void StopSelf() => _cell.RequestStop();
}
