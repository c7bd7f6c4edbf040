namespace Bgp.Actors.Runtime;

/// <summary>
/// The address of an actor that accepts messages of type <typeparamref name="T"/>. Refs stay valid
/// across restarts (the mailbox belongs to the ref, not to the actor instance); a message told to a
/// stopped actor is dropped and counted as a dead letter.
/// </summary>
public abstract class ActorRef<T>
{
    /// <summary>Where the actor sits in the supervision tree, e.g. <c>/peers/192.0.2.1</c>.</summary>
    public abstract string Path { get; }

    /// <summary>The clock asks against this actor time out on.</summary>
    public abstract TimeProvider Time { get; }

    /// <summary>Completes when the actor has stopped for good (after its last restart, if any).</summary>
    public abstract Task Completion { get; }

    /// <summary>Enqueues a message, waiting while the mailbox is full (backpressure).</summary>
    public abstract ValueTask TellAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a message if there is room now; false when the mailbox is full or the actor stopped.</summary>
    public abstract bool TryTell(T message);

    /// <summary>Messages waiting in the mailbox (ordinary and query), for metrics; 0 where not known.</summary>
    public virtual int QueuedMessages => 0;

    public override string ToString() => Path;
}

/// <summary>
/// The reply half of an ask: a message carries one of these and the actor completes it. Built on a
/// <see cref="TaskCompletionSource{TResult}"/> that runs continuations asynchronously, so the
/// asker's code never runs on the actor's loop.
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

public static class ActorRefExtensions
{
    /// <summary>
    /// Sends the message <paramref name="build"/> makes around a fresh <see cref="Reply{TResult}"/>
    /// and waits for the answer, at most <paramref name="timeout"/> on the target's clock.
    /// </summary>
    public static async Task<TResult> AskAsync<T, TResult>(
        this ActorRef<T> target, Func<Reply<TResult>, T> build, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reply = new Reply<TResult>();
        await target.TellAsync(build(reply), cancellationToken).ConfigureAwait(false);
        try
        {
            return await reply.Task.WaitAsync(timeout, target.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AskTimeoutException(target.Path, timeout);
        }
    }
}
