using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bgp.Wire;

namespace Bgp.ReplayPeer;

/// <summary>A session ended: by the peer (NOTIFICATION, close), by a timer, or by a local error.</summary>
public sealed class SessionEndedException(string message) : Exception(message);

/// <summary>
/// The smallest BGP speaker that can feed a daemon: connects (retrying), exchanges OPENs with
/// 4-octet AS and IPv4 unicast, keeps the session up with KEEPALIVEs and a hold timer, discards
/// whatever the peer sends, and ends on a NOTIFICATION. Writes go through one lock so KEEPALIVEs
/// fall between whole UPDATEs.
/// </summary>
public sealed class Session : IAsyncDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private const int CoalesceBelow = 16 * 1024;
    private static readonly TimeSpan CoalesceDelay = TimeSpan.FromMilliseconds(10);

    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _in = new byte[4 * BgpLimits.MaxExtendedMessageLength];
    private int _start, _end;
    private int _lastRead = int.MaxValue;
    private bool _coalesce;
    private long _lastReceived = Stopwatch.GetTimestamp();

    private Session(Socket socket) => _socket = socket;

    /// <summary>Negotiated hold time in seconds (0: no keepalives, no hold timer).</summary>
    public int HoldTime { get; private set; }

    public long UpdatesReceived { get; private set; }

    /// <summary>Connects from <paramref name="local"/> to <paramref name="peer"/>, one attempt a second until <paramref name="timeout"/>.</summary>
    public static async Task<Session> ConnectAsync(IPAddress local, IPEndPoint peer, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        string last = "no attempt";
        for (int attempt = 1; Stopwatch.GetTimestamp() < deadline && attempt <= 100_000; attempt++)
        {
            var socket = new Socket(peer.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attemptCts.CancelAfter(TimeSpan.FromSeconds(5));
                await socket.ConnectAsync(peer, attemptCts.Token).ConfigureAwait(false);
                return new Session(socket);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                socket.Dispose();
                last = e.Message;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
        throw new SessionEndedException($"could not connect to {peer} within {timeout.TotalSeconds:0} s: {last}");
    }

    /// <summary>OPEN both ways, then KEEPALIVE both ways (RFC 4271 §8.2.2, active side).</summary>
    public async Task OpenAsync(uint localAs, uint peerAs, IPAddress routerId, int holdTime, CancellationToken ct)
    {
        var open = new OpenMessage(
            MyAs: localAs <= ushort.MaxValue ? (ushort)localAs : (ushort)23456,
            HoldTime: (ushort)holdTime,
            BgpIdentifier: IpAddr.FromIPAddress(routerId).V4Value,
            Capabilities: new Capability[] { new MultiprotocolCapability(AfiSafi.Ipv4Unicast), new FourOctetAsCapability(localAs) });
        await SendAsync(MessageEncoder.Encode(open), ct).ConfigureAwait(false);

        var (type, body) = await ReceiveAsync(ct).ConfigureAwait(false);
        if (type != MessageType.Open) throw new SessionEndedException($"expected OPEN, got {Describe(type, body)}");
        var decoded = MessageDecoder.Decode(body, CodecContext.Default);
        if (decoded.Message is not OpenMessage theirs)
            throw new SessionEndedException($"the peer's OPEN did not decode: {decoded.Errors?.Decisive?.Reason}");
        if (theirs.EffectiveAs != peerAs)
        {
            await SendAsync(MessageEncoder.Encode(new NotificationMessage(NotificationCode.OpenMessageError, (byte)OpenErrorSubcode.BadPeerAs)), ct).ConfigureAwait(false);
            throw new SessionEndedException($"the peer says it is AS{theirs.EffectiveAs}, expected AS{peerAs}");
        }
        if (theirs.Find<FourOctetAsCapability>() is null)
            throw new SessionEndedException("the peer did not offer 4-octet AS numbers; the feed is encoded for them");
        HoldTime = Math.Min(holdTime, theirs.HoldTime);
        await SendAsync(MessageEncoder.Encode(KeepaliveMessage.Instance), ct).ConfigureAwait(false);

        (type, body) = await ReceiveAsync(ct).ConfigureAwait(false);
        if (type != MessageType.Keepalive) throw new SessionEndedException($"expected KEEPALIVE, got {Describe(type, body)}");
    }

    /// <summary>
    /// Reads and discards messages until the peer ends the session or the hold timer runs out.
    /// A read that brought little waits a few milliseconds before the next one, so that a peer
    /// writing one small UPDATE at a time costs one wake-up per batch, not one per message (a
    /// wake-up costs this process ~100 µs of CPU on a small VM, which the target would lose).
    /// </summary>
    public async Task ReadLoopAsync(CancellationToken ct)
    {
        _coalesce = true;
        while (!ct.IsCancellationRequested)
        {
            var (type, body) = await ReceiveAsync(ct).ConfigureAwait(false);
            if (type == MessageType.Update) UpdatesReceived++;
            else if (type != MessageType.Keepalive)
                throw new SessionEndedException($"the peer sent {Describe(type, body)}");
        }
    }

    /// <summary>Sends KEEPALIVEs every third of the hold time and enforces the hold timer; never returns normally.</summary>
    public async Task TimersAsync(CancellationToken ct)
    {
        if (HoldTime == 0)
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            return;
        }
        var keepalive = MessageEncoder.Encode(KeepaliveMessage.Instance);
        var interval = TimeSpan.FromSeconds(Math.Max(1, HoldTime / 3));
        while (true)
        {
            await Task.Delay(interval, ct).ConfigureAwait(false);
            double silent = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastReceived)).TotalSeconds;
            if (silent > HoldTime)
            {
                await TrySendAsync(MessageEncoder.Encode(new NotificationMessage(NotificationCode.HoldTimerExpired, 0))).ConfigureAwait(false);
                throw new SessionEndedException($"hold timer expired: nothing from the peer for {silent:0} s");
            }
            await SendAsync(keepalive, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the feed in chunks of whole messages, so KEEPALIVEs can go between them.</summary>
    public async Task SendFeedAsync(Feed feed, CancellationToken ct)
    {
        var bytes = feed.Bytes.AsMemory();
        int start = 0, i = 0;
        var ends = feed.MessageEnds;
        while (i < ends.Length)
        {
            int end = ends[i];
            while (i + 1 < ends.Length && ends[i + 1] - start <= ChunkBytes) end = ends[++i];
            i++;
            await SendAsync(bytes[start..end], ct).ConfigureAwait(false);
            start = end;
        }
        // End-of-RIB for IPv4 unicast (RFC 4724 §2): an UPDATE with nothing in it.
        await SendAsync(MessageEncoder.Encode(UpdateMessage.EndOfRib(AfiSafi.Ipv4Unicast)), ct).ConfigureAwait(false);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Best effort, bounded to two seconds: used on the way out.</summary>
    public async Task TrySendAsync(byte[] message)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await SendAsync(message, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// The next message's type, and a copy of it for the few types that are looked into (OPEN,
    /// NOTIFICATION); UPDATEs and KEEPALIVEs are only framed and skipped, so a peer sending many
    /// small messages costs one pass over the bytes.
    /// </summary>
    private async Task<(MessageType Type, byte[] Message)> ReceiveAsync(CancellationToken ct)
    {
        while (true)
        {
            int available = _end - _start;
            if (available >= BgpLimits.HeaderLength)
            {
                int length = BinaryPrimitives.ReadUInt16BigEndian(_in.AsSpan(_start + 16));
                if (length < BgpLimits.HeaderLength || length > _in.Length)
                    throw new SessionEndedException($"the peer sent a message of length {length}");
                if (available >= length)
                {
                    var type = (MessageType)_in[_start + 18];
                    var message = type is MessageType.Open or MessageType.Notification
                        ? _in.AsSpan(_start, length).ToArray()
                        : [];
                    _start += length;
                    Interlocked.Exchange(ref _lastReceived, Stopwatch.GetTimestamp());
                    return (type, message);
                }
            }
            if (_start > 0)
            {
                _in.AsSpan(_start, available).CopyTo(_in);
                _start = 0;
                _end = available;
            }
            if (_coalesce && _lastRead < CoalesceBelow) await Task.Delay(CoalesceDelay, ct).ConfigureAwait(false);
            int n = await _socket.ReceiveAsync(_in.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0) throw new SessionEndedException("the peer closed the connection");
            _end += n;
            _lastRead = n;
        }
    }

    private static string Describe(MessageType type, byte[] message)
    {
        if (type != MessageType.Notification) return type.ToString();
        var decoded = MessageDecoder.Decode(message, CodecContext.Default);
        return decoded.Message is NotificationMessage n ? $"NOTIFICATION {NotificationText.Describe(n)}" : "a malformed NOTIFICATION";
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _writeLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
