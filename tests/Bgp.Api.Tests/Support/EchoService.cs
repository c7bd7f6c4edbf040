using Bgp.Api.Server;
using Bgp.Api.Tests.Echo;
using Grpc.Core;

namespace Bgp.Api.Tests.Support;

/// <summary>The test service (a singleton): records what its handlers saw so tests can assert on the server side.</summary>
internal sealed class EchoService : Echo.Echo.EchoBase
{
    private int _resets;
    private int _repeatWritten;

    /// <summary>Completes when a Repeat handler sees its token cancelled.</summary>
    public TaskCompletionSource RepeatCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a Sleep handler sees its token cancelled.</summary>
    public TaskCompletionSource SleepCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int RepeatWritten => Volatile.Read(ref _repeatWritten);

    public int Resets => Volatile.Read(ref _resets);

    public override Task<EchoReply> Say(EchoRequest request, ServerCallContext context) => Task.FromResult(new EchoReply { Text = request.Text });

    public override async Task Repeat(RepeatRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var padding = new string('.', request.Padding);
        try
        {
            for (var i = 0; request.Count == 0 || i < request.Count; i++)
            {
                await responseStream.WriteAsync(new EchoReply { Text = request.Text + padding, Index = i }, context.CancellationToken);
                Interlocked.Increment(ref _repeatWritten);
            }
            if (request.Hold) await UntilCancelledAsync(context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            RepeatCancelled.TrySetResult();
            throw;
        }
    }

    public override async Task<EchoReply> Collect(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var texts = new List<string>();
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken)) texts.Add(request.Text);
        return new EchoReply { Text = string.Join(",", texts), Index = texts.Count };
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var i = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            await responseStream.WriteAsync(new EchoReply { Text = request.Text.ToUpperInvariant(), Index = i++ });
    }

    public override async Task<EchoReply> Sleep(SleepRequest request, ServerCallContext context)
    {
        using var atMost = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        atMost.CancelAfter(request.Duration.ToTimeSpan());
        try
        {
            await UntilCancelledAsync(atMost.Token);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            return new EchoReply { Text = "slept" };
        }
        catch (OperationCanceledException)
        {
            SleepCancelled.TrySetResult();
            throw;
        }
        throw new InvalidOperationException("unreachable: the wait ends only by cancellation");
    }

    /// <summary>Completes (cancelled) when <paramref name="ct"/> fires: a handler waiting for its call to end.</summary>
    private static async Task UntilCancelledAsync(CancellationToken ct)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (ct.Register(() => ended.TrySetCanceled(ct)))
            await ended.Task;
    }

    public override Task<EchoReply> Fail(EchoRequest request, ServerCallContext context) =>
        throw new InvalidOperationException("secret: hunter2 at /etc/shadow");

    [Mutating]
    public override Task<ResetReply> Reset(ResetRequest request, ServerCallContext context) =>
        Task.FromResult(new ResetReply { Resets = Interlocked.Increment(ref _resets) });

    // Missing has no override: the generated base answers UNIMPLEMENTED.
}
