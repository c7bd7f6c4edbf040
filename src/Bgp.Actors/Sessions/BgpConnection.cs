using System.Buffers;
using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Bgp.Wire;

namespace Bgp.Actors.Sessions;

/// <summary>One frame read off a connection, already decoded (or the header error that ended reading).</summary>
public readonly record struct InboundFrame(MessageType Type, DecodeResult Result, int Length);

/// <summary>
/// One TCP connection of a session, as two Akka.Streams graphs over a <see cref="BgpTransport"/>.
/// <para>
/// Inbound: <see cref="BgpFrameSource"/> (socket bytes through the transport's pipe, BGP framing,
/// decoding; the whole messages of each read as one batch, at most <see cref="InboundBatchBytes"/>)
/// → the session actor, one batch at a time, each acknowledged
/// (<see cref="SessionCommand.InboundAck"/>). The session holds the acknowledgement while the RIB
/// has more than its window of this peer's work, so a slow RIB stops the socket being read and
/// the peer's TCP window closes: nothing in between grows without bound.
/// </para>
/// <para>
/// Outbound: a bounded queue (<see cref="OutboundCapacity"/> encoded messages or batches) → the
/// writes that queued up while the socket was busy, written together and flushed once.
/// </para>
/// Decoding happens in the inbound stream, off the session actor, because it is the expensive
/// part of receiving a full table. The codec context changes with the OPEN exchange (4-octet AS,
/// extended messages, add-path); the source negotiates it itself from our OPEN and the peer's as
/// soon as the peer's OPEN is decoded, so the first UPDATE after it is read with the right context
/// without a round trip through the actor.
/// </summary>
public sealed class BgpConnection : IAsyncDisposable
{
    public const int OutboundCapacity = 256;

    /// <summary>The most message bytes one inbound batch holds (what one read brings is usually less).</summary>
    public const int InboundBatchBytes = 256 * 1024;

    /// <summary>
    /// The most messages one inbound batch holds. A batch's decoded messages live until the RIB has
    /// taken them, two actor hops later; with a batch per read (about 550 small UPDATEs) the garbage
    /// collector promoted them at every gen-0 collection, with very small batches the hops cost more
    /// than they save. 256 measured best end to end (docs/BENCHMARKS.md), and keeps a batch's list far
    /// below the large object heap.
    /// </summary>
    public const int InboundBatchFrames = 256;

    /// <summary>Writes queued while the socket was busy that go out with one flush.</summary>
    private const int WritesPerFlush = 64;

    private readonly BgpTransport _transport;
    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboundCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly CancellationTokenSource _stop = new();
    private readonly OpenMessage _localOpen;
    private readonly PeerKind _peerKind;
    private Task _writer = Task.CompletedTask;
    private UniqueKillSwitch? _inbound;
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

    internal CancellationToken Stopping => _stop.Token;

    /// <summary>Called by the source when the peer's OPEN is decoded.</summary>
    internal void Negotiated(OpenMessage peerOpen) => _context = CodecContext.Negotiate(_localOpen, peerOpen, _peerKind);

    /// <summary>
    /// The frames the peer sends, framed and decoded, in batches (the whole messages of each read);
    /// completes at end of stream, after a frame whose error ends the session (header error, malformed
    /// message that resets), or when the connection is disposed.
    /// </summary>
    public Source<List<InboundFrame>, NotUsed> Frames() => Source.FromGraph(new BgpFrameSource(this));

    /// <summary>
    /// Runs both graphs: inbound frames go to <paramref name="session"/> as <see cref="SessionCommand.Inbound"/>
    /// batches (after a <see cref="SessionCommand.InboundStarted"/>), each waiting for its acknowledgement;
    /// the end of the inbound stream, for any reason but our own <see cref="DisposeAsync"/>, arrives as
    /// <see cref="SessionCommand.Closed"/>.
    /// </summary>
    public void Start(IMaterializer materializer, IActorRef session)
    {
        int id = Id;
        _inbound = Frames()
            .ViaMaterialized(KillSwitches.Single<List<InboundFrame>>(), Keep.Right)
            .Select(batch => (object)new SessionCommand.Inbound(id, batch))
            .ToMaterialized(Sink.ActorRefWithAck<object>(session, new SessionCommand.InboundStarted(id), SessionCommand.InboundAck.Instance,
                new SessionCommand.Closed(id, "connection closed by peer"), error => new SessionCommand.Closed(id, Describe(error))), Keep.Left)
            .Run(materializer);
        StartWriter(materializer);
    }

    /// <summary>Runs only the outbound graph (tools and benchmarks that consume <see cref="Frames"/> themselves).</summary>
    public void StartWriter(IMaterializer materializer)
    {
        var output = _transport.Pipe.Output;
        var stop = _stop.Token;
        _writer = ChannelSource.FromReader(_outbound.Reader)
            .Batch(WritesPerFlush, bytes => new List<byte[]> { bytes }, (list, bytes) =>
            {
                list.Add(bytes);
                return list;
            })
            .SelectAsync(1, async writes =>
            {
                foreach (var bytes in writes) output.Write(bytes);
                var flushed = await output.FlushAsync(stop).ConfigureAwait(false);
                return flushed.IsCompleted;
            })
            .TakeWhile(peerGone => !peerGone)
            .RunWith(Sink.Ignore<bool>(), materializer);
    }

    /// <summary>
    /// Runs both graphs once over an in-memory connection that ends at once, so that the code that
    /// materialises and runs them is compiled before the first peer connects (with quick JIT off the
    /// first materialisation takes some 0.25 s of a core). The daemon does it at start-up, beside
    /// reading its configuration.
    /// </summary>
    public static async Task WarmUpAsync(ActorSystem system)
    {
        var materializer = Typed.ActorServices.Of(system).Materializer;
        var session = system.ActorOf(Props.Create(() => new WarmUpSession()), "connection-warm-up");
        var inbound = new System.IO.Pipelines.Pipe();
        var outbound = new System.IO.Pipelines.Pipe();
        var endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0);
        var transport = new BgpTransport(new WarmUpPipe(inbound.Reader, outbound.Writer), endpoint, endpoint);
        var connection = new BgpConnection(0, outgoing: true, transport, new OpenMessage(64512, 90, 1, default), PeerKind.External);
        connection.Start(materializer, session);
        connection.TrySend(KeepaliveMessage.Instance);
        await inbound.Writer.WriteAsync(MessageEncoder.Encode(KeepaliveMessage.Instance, CodecContext.Default)).ConfigureAwait(false);
        await inbound.Writer.CompleteAsync().ConfigureAwait(false);
        await connection.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        await session.GracefulStop(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
    }

    /// <summary>Acknowledges what a connection's inbound stream sends, as a session does.</summary>
    private sealed class WarmUpSession : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is SessionCommand.InboundStarted or SessionCommand.Inbound) Sender.Tell(SessionCommand.InboundAck.Instance);
        }
    }

    private sealed class WarmUpPipe(System.IO.Pipelines.PipeReader input, System.IO.Pipelines.PipeWriter output) : System.IO.Pipelines.IDuplexPipe
    {
        public System.IO.Pipelines.PipeReader Input { get; } = input;
        public System.IO.Pipelines.PipeWriter Output { get; } = output;
    }

    private static string Describe(Exception error) => error switch
    {
        AggregateException { InnerException: { } inner } => Describe(inner),
        IOException { InnerException: { } inner } => inner.Message,
        _ => error.Message,
    };

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
        catch (Exception)
        {
            // drained or not, the connection closes now (a failed write means the peer is gone)
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Closes at once: both graphs stop and the transport closes. Whatever the inbound stream still
    /// delivers carries this connection's id, which the session no longer knows and ignores.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return ValueTask.CompletedTask;
        _stop.Cancel();
        _outbound.Writer.TryComplete();
        _inbound?.Shutdown();
        _transport.Dispose();
        return ValueTask.CompletedTask;
    }
}
