using System.Runtime.CompilerServices;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Bgp.Api.Grpc;

/// <summary>
/// One call in progress: reads request messages from the HTTP/2 request body and writes response
/// messages to the response body. Everything goes through the call's token, so a handler that uses
/// only these is stopped by a deadline, a client reset or server shutdown.
/// </summary>
internal sealed class GrpcCall(HttpContext http, ServerCallContext context, int maxReceiveMessageSize)
{
    private readonly MessageReader _reader = new(http.Request.BodyReader, maxReceiveMessageSize);
    private int _writing;
    private bool _readerClaimed;

    public ServerCallContext Context { get; } = context;

    public HttpContext Http { get; } = http;

    /// <summary>Messages written so far (for logs and to know whether headers went out).</summary>
    public long MessagesWritten { get; private set; }

    /// <summary>Set once the final status is being written: later writes fail.</summary>
    public bool Completed { get; set; }

    /// <summary>Unary and server-streaming requests: exactly one message, then end of stream.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser) where T : class, IMessage<T>
    {
        var ct = Context.CancellationToken;
        var request = await _reader.ReadAsync(parser, ct).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "no request message for a method that takes one");
        if (await _reader.ReadAsync(parser, ct).ConfigureAwait(false) is not null)
            throw new RpcException(StatusCode.Internal, "more than one request message for a method that takes one");
        return request;
    }

    /// <summary>Client-streaming and bidi requests; enumerated once.</summary>
    public IAsyncEnumerable<T> ReadRequestsAsync<T>(MessageParser<T> parser) where T : class, IMessage<T> =>
        ReadAll(parser, default);

    private async IAsyncEnumerable<T> ReadAll<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken ct)
        where T : class, IMessage<T>
    {
        if (_readerClaimed) throw new InvalidOperationException("the request stream can be enumerated only once");
        _readerClaimed = true;
        using var linked = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, Context.CancellationToken) : null;
        var token = linked?.Token ?? Context.CancellationToken;
        while (await _reader.ReadAsync(parser, token).ConfigureAwait(false) is { } message)
            yield return message;
    }

    public async Task WriteMessageAsync(IMessage message, bool flush, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
            throw new InvalidOperationException("a previous write has not completed");
        try
        {
            if (Completed) throw new InvalidOperationException("the call has already ended");
            using var linked = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, Context.CancellationToken) : null;
            var token = linked?.Token ?? Context.CancellationToken;
            token.ThrowIfCancellationRequested();

            // Commit the response headers first, so the status knows to go out as trailers.
            if (!Http.Response.HasStarted) await Http.Response.StartAsync(token).ConfigureAwait(false);
            var writer = Http.Response.BodyWriter;
            MessageWriter.Write(writer, message);
            MessagesWritten++;
            if (!flush) return;
            // Kestrel's response pipe is bounded (KestrelServerLimits.MaxResponseBufferSize) and drains
            // at the pace of HTTP/2 flow control: this await is the backpressure.
            var result = await writer.FlushAsync(token).ConfigureAwait(false);
            if (result.IsCanceled) throw new OperationCanceledException(token);
            if (result.IsCompleted) throw new RpcException(StatusCode.Cancelled, "the client has gone away");
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }
}

internal sealed class ResponseStreamWriter<T>(GrpcCall call) : IServerStreamWriter<T> where T : IMessage<T>
{
    public Task WriteAsync(T message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteMessageAsync(message, flush: true, ct);
    }
}
