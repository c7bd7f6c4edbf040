using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// A hand-driven BGP speaker for hostile-peer tests: reads what the session sends (decoded with
/// our codec) and writes whatever bytes the test wants, well-formed or not.
/// </summary>
public sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly IDuplexPipe _pipe;
    private readonly IDisposable? _owner;
    private CodecContext _context = CodecContext.Default;

    public ScriptedPeer(IDuplexPipe pipe, IDisposable? owner = null)
    {
        _pipe = pipe;
        _owner = owner;
    }

    public static async Task<ScriptedPeer> AcceptAsync(TcpListener listener, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        var socket = await listener.AcceptSocketAsync(cts.Token);
        return FromSocket(socket);
    }

    public static async Task<ScriptedPeer> AcceptAsync(Socket listener, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        var socket = await listener.AcceptAsync(cts.Token);
        return FromSocket(socket);
    }

    public static ScriptedPeer FromSocket(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var pipe = new Pipe2(PipeReader.Create(stream), PipeWriter.Create(stream));
        return new ScriptedPeer(pipe, stream);
    }

    private sealed class Pipe2(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    public async Task SendAsync(BgpMessage message) => await SendRawAsync(MessageEncoder.Encode(message, _context));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _pipe.Output.WriteAsync(bytes);
    }

    /// <summary>The next message the session sent; null when the connection closed.</summary>
    public async Task<BgpMessage?> ReceiveAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _pipe.Input.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new AssertionException($"the session sent nothing within {(wait ?? TimeSpan.FromSeconds(10)).TotalSeconds} s");
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                return null;
            }
            var buffer = result.Buffer;
            var status = MessageFramer.TryReadFrame(ref buffer, 65535, out var frame, out _, out _);
            if (status == FrameStatus.Message)
            {
                var decoded = MessageDecoder.Decode(frame, _context);
                _pipe.Input.AdvanceTo(buffer.Start);
                return decoded.Message;
            }
            if (result.IsCompleted)
            {
                _pipe.Input.AdvanceTo(buffer.End);
                return null;
            }
            _pipe.Input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The next message of type <typeparamref name="T"/>, skipping KEEPALIVEs.</summary>
    public async Task<T> ExpectAsync<T>(TimeSpan? wait = null) where T : BgpMessage
    {
        while (true)
        {
            var message = await ReceiveAsync(wait);
            if (message is T expected) return expected;
            if (message is KeepaliveMessage && typeof(T) != typeof(KeepaliveMessage)) continue;
            if (IsEndOfRib(message) && typeof(T) != typeof(UpdateMessage)) continue;
            throw new AssertionException($"expected {typeof(T).Name}, got {(message is null ? "connection closed" : message.ToString())}");
        }
    }

    /// <summary>The End-of-RIB a session sends once its (possibly empty) initial table is out: skipped unless an UPDATE is expected.</summary>
    private static bool IsEndOfRib(BgpMessage? message) => message is UpdateMessage u && u.IsEndOfRib(out _);

    /// <summary>Reads until the session closes the connection (skipping KEEPALIVEs and End-of-RIB); fails on anything else.</summary>
    public async Task ExpectClosedAsync(TimeSpan? wait = null)
    {
        while (true)
        {
            var message = await ReceiveAsync(wait);
            if (message is null) return;
            if (message is not KeepaliveMessage && !IsEndOfRib(message)) throw new AssertionException($"expected the connection to close, got {message}");
        }
    }

    /// <summary>Plays the peer's side of the OPEN exchange up to Established.</summary>
    public async Task<OpenMessage> HandshakeAsync(uint asn, uint bgpId, ushort holdTime, params AfiSafi[] families)
    {
        var theirs = await ExpectAsync<OpenMessage>();
        var caps = new List<Capability> { new FourOctetAsCapability(asn), RouteRefreshCapability.Instance };
        caps.AddRange(families.Select(f => new MultiprotocolCapability(f)));
        var open = new OpenMessage(asn > ushort.MaxValue ? BgpLimits.AsTrans : (ushort)asn, holdTime, bgpId, new EquatableArray<Capability>([.. caps]));
        await SendAsync(open);
        await SendAsync(KeepaliveMessage.Instance);
        await ExpectAsync<KeepaliveMessage>();
        _context = CodecContext.Negotiate(open, theirs, PeerKind.External);
        return theirs;
    }

    public ValueTask DisposeAsync()
    {
        _pipe.Input.Complete();
        _pipe.Output.Complete();
        _owner?.Dispose();
        return ValueTask.CompletedTask;
    }
}

