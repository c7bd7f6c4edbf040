using Bgp.Actors.Rib;
using Akka.Actor;
using Bgp.Actors.Sessions;
using Bgp.Wire;

namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// Stands where the RIB actor would: counts the prefixes announced and withdrawn in every
/// <see cref="RibCommand.UpdateReceived"/> and completes <see cref="Done"/> once it has seen
/// <see cref="Expected"/> of them. Completes <see cref="Up"/> on PeerUp. Nothing else, so the
/// benchmark measures the session's receive path and not route storage.
/// </summary>
public sealed class CountingRib(CountingRib.Progress progress) : UntypedActor
{
    /// <summary>What the benchmark watches; outlives the actor instance.</summary>
    public sealed class Progress(long expected)
    {
        private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Expected { get; } = expected;
        public long Prefixes { get; internal set; }
        public long Updates { get; internal set; }
        public string? DownReason { get; internal set; }
        public Task Up => _up.Task;
        public Task Done => _done.Task;

        internal void MarkUp() => _up.TrySetResult();
        internal void MarkDone() => _done.TrySetResult();
        internal void Fail(string why) => _done.TrySetException(new InvalidOperationException(why));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RibCommand.PeerUp:
                progress.MarkUp();
                break;
            case RibCommand.UpdatesReceived received:
                foreach (var update in received.Updates)
                {
                    progress.Updates++;
                    progress.Prefixes += Count(update);
                }
                // acknowledged as the RIB does, so the session's window keeps moving
                Sender.Tell(new SessionCommand.RibApplied(received.Work));
                if (progress.Prefixes >= progress.Expected) progress.MarkDone();
                break;
            case RibCommand.PeerDown down:
                progress.DownReason = down.Reason;
                progress.Fail($"the session went down after {progress.Prefixes} prefixes: {down.Reason}");
                break;
        }
    }

    /// <summary>The same count as <see cref="UpdateMessage.Announced"/> plus <see cref="UpdateMessage.WithdrawnRoutes"/>, without the iterators.</summary>
    public static long Count(UpdateMessage update)
    {
        long n = update.Nlri.Count + update.Withdrawn.Count;
        foreach (var attribute in update.Attributes)
        {
            if (attribute is MpReachAttribute reach) n += reach.Nlri.Count;
            else if (attribute is MpUnreachAttribute unreach) n += unreach.Nlri.Count;
        }
        return n;
    }
}
