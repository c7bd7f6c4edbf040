using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Bgp.Wire;

namespace Bgp.Actors.Sessions;

/// <summary>One frame read off a connection, already decoded (or the header error that ended reading).</summary>
public readonly record struct InboundFrame(MessageType Type, DecodeResult Result, int Length);

/// <summary>
/// One TCP connection of a session, wrapping a <see cref="BgpTransport"/>: a reader loop that
/// frames and decodes off the socket and hands each message to the session (awaiting it, so a
/// busy session slows the socket down instead of buffering without bound) and a writer loop that
/// drains a bounded outbound queue. Decoding happens here, off the session actor, because it is
/// the expensive part of receiving a full table.
/// </summary>
/// <remarks>
/// The codec context changes with the OPEN exchange (4-octet AS, extended messages, add-path);
/// the reader negotiates it itself from our OPEN and the peer's as soon as the peer's OPEN is
/// decoded, so the first UPDATE after it is read with the right context without a round trip
/// through the actor.
/// </remarks>
public sealed class BgpConnection : IAsyncDisposable
{
    public const int OutboundCapacity = 256;

    private readonly BgpTransport _transport;
    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboundCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly CancellationTokenSource _stop = new();
    private readonly OpenMessage _localOpen;
    private readonly PeerKind _peerKind;
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private volatile CodecContext _context = CodecContext.Default;

    public BgpConnection(int id, bool outgoing, BgpTransport transport, OpenMessage localOpen, PeerKind peerKind)
    {
        Id = id;
        Outgoing = outgoing;
        _transport = transport;
        _localOpen = localOpen;
        _peerKind = peerKind;
    }

    public int Id { get; }

    /// <summary>True when we opened it; false when the peer connected to us.</summary>
    public bool Outgoing { get; }

    public BgpTransport Transport => _transport;

    /// <summary>The codec context as negotiated so far (default until the peer's OPEN arrived).</summary>
    public CodecContext Context => _context;

    /// <summary>
    /// Starts both loops. <paramref name="deliver"/> gets every frame in order; <paramref name="closed"/>
    /// is called once when the reader ends for any reason but our own <see cref="DisposeAsync"/>.
    /// </summary>
    public void Start(Func<int, InboundFrame, ValueTask> deliver, Func<int, string, ValueTask> closed)
    {
        _reader = Task.Run(() => ReadLoopAsync(deliver, closed));
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues a message; false when the queue is full (the caller decides what that means).</summary>
    public bool TrySend(BgpMessage message) => _outbound.Writer.TryWrite(MessageEncoder.Encode(message, _context));

    /// <summary>Queues a message, waiting while the queue is full (backpressure towards the producer).</summary>
    public ValueTask SendAsync(BgpMessage message, CancellationToken cancellationToken = default) =>
        _outbound.Writer.WriteAsync(MessageEncoder.Encode(message, _context), cancellationToken);

    /// <summary>Queues already encoded bytes unless the queue is full.</summary>
    public bool TrySendEncoded(byte[] messages) => _outbound.Writer.TryWrite(messages);

    /// <summary>Queues already encoded bytes (one or more whole messages).</summary>
    public ValueTask SendEncodedAsync(byte[] messages, CancellationToken cancellationToken = default) =>
        _outbound.Writer.WriteAsync(messages, cancellationToken);

    private async Task ReadLoopAsync(Func<int, InboundFrame, ValueTask> deliver, Func<int, string, ValueTask> closed)
    {
        var input = _transport.Pipe.Input;
        string reason = "connection closed by peer";
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                bool fatal = false;
                try
                {
                    while (!fatal)
                    {
                        var ctx = _context;
                        var status = MessageFramer.TryReadFrame(ref buffer, ctx.MaxMessageLength, out var frame, out var header, out var error);
                        if (status == FrameStatus.NeedMoreData) break;
                        if (status == FrameStatus.Error)
                        {
                            var errors = new WireErrors();
                            errors.Add(error!);
                            await deliver(Id, new InboundFrame(header.Type, new DecodeResult(null, errors), 0)).ConfigureAwait(false);
                            fatal = true;
                            break;
                        }
                        var decoded = MessageDecoder.Decode(frame, ctx);
                        if (decoded.Message is OpenMessage open && decoded.IsClean)
                            _context = CodecContext.Negotiate(_localOpen, open, _peerKind);
                        await deliver(Id, new InboundFrame(header.Type, decoded, (int)frame.Length)).ConfigureAwait(false);
                        if (decoded.Action == ErrorAction.SessionReset) fatal = true;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (fatal) return;  // the session sends the NOTIFICATION and closes
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            if (_stop.IsCancellationRequested) return;
            reason = ex.InnerException?.Message ?? ex.Message;
        }
        if (!_stop.IsCancellationRequested) await closed(Id, reason).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var output = _transport.Pipe.Output;
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var bytes)) output.Write(bytes);
                var flushed = await output.FlushAsync(_stop.Token).ConfigureAwait(false);
                if (flushed.IsCompleted) return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException
                                   or ObjectDisposedException or InvalidOperationException)
        {
            // closing, or the peer went away: the reader reports it
        }
    }

    /// <summary>
    /// Closes gracefully: lets the writer send what is queued (a NOTIFICATION, typically) for at
    /// most <paramref name="drain"/>, then closes the transport.
    /// </summary>
    public async Task CloseAsync(TimeSpan drain)
    {
        _outbound.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(drain).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Closes at once. Does not wait for the reader: it may be waiting for room in the session's
    /// mailbox, and the session is usually who calls this; whatever it still delivers carries this
    /// connection's id, which the session no longer knows and ignores.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return ValueTask.CompletedTask;
        _stop.Cancel();
        _outbound.Writer.TryComplete();
        _transport.Dispose();
        return ValueTask.CompletedTask;
    }
}
