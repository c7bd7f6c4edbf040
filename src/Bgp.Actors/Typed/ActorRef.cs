using Akka.Actor;

namespace Bgp.Actors.Typed;

/// <summary>
/// A typed face of an Akka <see cref="IActorRef"/>: the only messages it lets a caller send are
/// <typeparamref name="T"/>, the actor's closed message hierarchy. Equality is the underlying
/// reference's, so it is valid across restarts of the actor (the mailbox belongs to the ref).
/// </summary>
public sealed class ActorRef<T> : IEquatable<ActorRef<T>>
{
    public ActorRef(IActorRef untyped) => Untyped = untyped ?? throw new ArgumentNullException(nameof(untyped));

    /// <summary>The Akka reference, for watching, stopping and stream sinks.</summary>
    public IActorRef Untyped { get; }

    /// <summary>Where the actor sits in the supervision tree, e.g. <c>/user/peers/192.0.2.1</c>.</summary>
    public string Path => Untyped.Path.ToStringWithoutAddress();

    /// <summary>Enqueues a message (never waits; the mailbox is unbounded, so the bound on work is the sender's protocol).</summary>
    public void Tell(T message, IActorRef? sender = null) => Untyped.Tell(message, sender ?? ActorRefs.NoSender);

    /// <summary>
    /// Messages waiting in the actor's mailbox, for metrics; 0 where the ref is not local.
    /// </summary>
    public int QueuedMessages => Untyped is ActorRefWithCell { Underlying: { } cell } ? cell.NumberOfMessages : 0;

    public bool Equals(ActorRef<T>? other) => other is not null && Untyped.Equals(other.Untyped);
    public override bool Equals(object? obj) => obj is ActorRef<T> other && Equals(other);
    public override int GetHashCode() => Untyped.GetHashCode();
    public override string ToString() => Path;
}

/// <summary>
/// The reply half of an ask: a message carries one of these and the actor completes it. Built on a
/// <see cref="TaskCompletionSource{TResult}"/> that runs continuations asynchronously, so the
/// asker's code never runs inside the actor.
/// </summary>
public sealed class Reply<TResult>
{
    private readonly TaskCompletionSource<TResult> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _source.Task;

    public bool Complete(TResult result) => _source.TrySetResult(result);

    public bool Fail(Exception error) => _source.TrySetException(error);
}

/// <summary>An ask whose reply did not arrive in time.</summary>
public sealed class AskTimeoutException(string path, TimeSpan timeout)
    : TimeoutException($"{path} did not answer within {timeout.TotalMilliseconds:0} ms")
{
    public string Path { get; } = path;
}

/// <summary>
/// A read-only request. Actors whose mailbox is <see cref="QueryFirstMailbox"/> answer these ahead
/// of their ordinary messages; they must not change the actor's state in a way the ordinary
/// messages' order depends on.
/// </summary>
public interface IQueryMessage;

public static class ActorRefExtensions
{
    /// <summary>
    /// Sends the message <paramref name="build"/> makes around a fresh <see cref="Reply{TResult}"/>
    /// and waits for the answer, at most <paramref name="timeout"/> of wall-clock time (virtual
    /// scheduler time in tests does not make an ask time out).
    /// </summary>
    public static async Task<TResult> AskAsync<T, TResult>(
        this ActorRef<T> target, Func<Reply<TResult>, T> build, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reply = new Reply<TResult>();
        target.Tell(build(reply));
        try
        {
            return await reply.Task.WaitAsync(timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AskTimeoutException(target.Path, timeout);
        }
    }

    /// <summary>The typed ref of an actor created from <paramref name="props"/>.</summary>
    public static ActorRef<T> Spawn<T>(this IActorRefFactory factory, Props props, string name) => new(factory.ActorOf(props, name));
}
