using Bgp.Api.Grpc;
using Bgp.Api.Tests.Echo;
using Google.Protobuf.Reflection;

namespace Bgp.Api.Tests.Support;

/// <summary>The test service: records what its handlers saw so tests can assert on the server side.</summary>
internal sealed class EchoService
{
    private int _resets;
    private int _repeatWritten;

    public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

    public static MethodDescriptor Method(string name) => Descriptor.FindMethodByName(name);

    /// <summary>Completes when a Repeat handler sees its token cancelled.</summary>
    public TaskCompletionSource RepeatCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a Sleep handler sees its token cancelled.</summary>
    public TaskCompletionSource SleepCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int RepeatWritten => Volatile.Read(ref _repeatWritten);

    public int Resets => Volatile.Read(ref _resets);

    public GrpcServiceDefinition Build() => new GrpcServiceBuilder(Descriptor)
        .Unary<EchoRequest, EchoReply>("Say", (request, _) => Task.FromResult(new EchoReply { Text = request.Text }))
        .ServerStreaming<RepeatRequest, EchoReply>("Repeat", RepeatAsync)
        .ClientStreaming<EchoRequest, EchoReply>("Collect", CollectAsync)
        .DuplexStreaming<EchoRequest, EchoReply>("Chat", ChatAsync)
        .Unary<SleepRequest, EchoReply>("Sleep", SleepAsync)
        .Unary<EchoRequest, EchoReply>("Fail", (_, _) => throw new InvalidOperationException("secret: hunter2 at /etc/shadow"))
        .Unary<ResetRequest, ResetReply>("Reset", (_, _) => Task.FromResult(new ResetReply { Resets = Interlocked.Increment(ref _resets) }), mutating: true)
        .Build();

    private async Task RepeatAsync(RepeatRequest request, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        var padding = new string('.', request.Padding);
        try
        {
            for (var i = 0; request.Count == 0 || i < request.Count; i++)
            {
                if (request.Interval is { } interval && i > 0) await Task.Delay(interval.ToTimeSpan(), context.CancellationToken);
                await responses.WriteAsync(new EchoReply { Text = request.Text + padding, Index = i });
                Interlocked.Increment(ref _repeatWritten);
            }
        }
        catch (OperationCanceledException)
        {
            RepeatCancelled.TrySetResult();
            throw;
        }
    }

    private static async Task<EchoReply> CollectAsync(IAsyncEnumerable<EchoRequest> requests, ServerCallContext context)
    {
        var texts = new List<string>();
        await foreach (var request in requests) texts.Add(request.Text);
        return new EchoReply { Text = string.Join(",", texts), Index = texts.Count };
    }

    private static async Task ChatAsync(IAsyncEnumerable<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        var i = 0;
        await foreach (var request in requests)
            await responses.WriteAsync(new EchoReply { Text = request.Text.ToUpperInvariant(), Index = i++ });
    }

    private async Task<EchoReply> SleepAsync(SleepRequest request, ServerCallContext context)
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
}
