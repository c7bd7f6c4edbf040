using System.Net.Sockets;
using Bgp.Wire;

namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// The far end of the benchmark's TCP connection: accepts the session's connection, plays the
/// recorded peer's side of the OPEN exchange (its OPEN as recorded, then a KEEPALIVE) and then
/// writes the feed as fast as the socket takes it.
/// </summary>
public sealed class ReplayPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _in = new byte[8192];
    private int _buffered;

    private ReplayPeer(Socket socket) => _socket = socket;

    public static async Task<ReplayPeer> AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
        socket.NoDelay = true;
        return new ReplayPeer(socket);
    }

    /// <summary>RFC 4271 §8.2.2 from the peer's side: their OPEN, our OPEN and KEEPALIVE, their KEEPALIVE.</summary>
    public async Task HandshakeAsync(byte[] recordedOpen, CancellationToken cancellationToken)
    {
        await ExpectAsync(MessageType.Open, cancellationToken).ConfigureAwait(false);
        await SendAsync(recordedOpen, cancellationToken).ConfigureAwait(false);
        await SendAsync(MessageEncoder.Encode(KeepaliveMessage.Instance), cancellationToken).ConfigureAwait(false);
        await ExpectAsync(MessageType.Keepalive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes all of <paramref name="bytes"/>; the kernel splits it into segments as the receiver's window allows.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private async Task ExpectAsync(MessageType type, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_buffered >= BgpLimits.HeaderLength)
            {
                int length = (_in[16] << 8) | _in[17];
                if (length < BgpLimits.HeaderLength || length > _in.Length)
                    throw new InvalidDataException($"the session sent a message of length {length}");
                if (_buffered >= length)
                {
                    var received = (MessageType)_in[18];
                    _in.AsSpan(length, _buffered - length).CopyTo(_in);
                    _buffered -= length;
                    if (received == type) return;
                    if (received != MessageType.Keepalive)
                        throw new InvalidDataException($"expected {type} from the session, got {received}");
                    continue;
                }
            }
            int n = await _socket.ReceiveAsync(_in.AsMemory(_buffered), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new InvalidDataException($"the session closed the connection while we waited for its {type}");
            _buffered += n;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
