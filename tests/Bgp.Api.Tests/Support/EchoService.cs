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
                if (request.Interval is { } interval && i > 0) await Task.Delay(interval.ToTimeSpan(), context.CancellationToken);
                await responseStream.WriteAsync(new EchoReply { Text = request.Text + padding, Index = i }, context.CancellationToken);
                Interlocked.Increment(ref _repeatWritten);
            }
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
        try
        {
            await Task.Delay(request.Duration.ToTimeSpan(), context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            SleepCancelled.TrySetResult();
            throw;
        }
        return new EchoReply { Text = "slept" };
    }

    public override Task<EchoReply> Fail(EchoRequest request, ServerCallContext context) =>
        throw new InvalidOperationException("secret: hunter2 at /etc/shadow");

    [Mutating]
    public override Task<ResetReply> Reset(ResetRequest request, ServerCallContext context) =>
        Task.FromResult(new ResetReply { Resets = Interlocked.Increment(ref _resets) });

    // Missing has no override: the generated base answers UNIMPLEMENTED.
}
