using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Sessions;

/// <summary>
/// Listening sockets on the configured addresses and port. Binding happens in the constructor so
/// the daemon can refuse to start with a clear error; accepted sockets go to a callback (the peer
/// manager's mailbox). Holds the TCP MD5 keys, which Linux keeps per listening socket and peer.
/// </summary>
public sealed class BgpListener : IAsyncDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly ILogger _log;
    private int _started;

    public BgpListener(IEnumerable<IPAddress> addresses, int port, ILogger log)
    {
        _log = log;
        try
        {
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                _sockets.Add(socket);
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;  // 0.0.0.0 gets its own socket
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(256);
            }
        }
        catch (SocketException ex)
        {
            foreach (var socket in _sockets) socket.Dispose();
            var where = _sockets.Count > 0 ? _sockets[^1].AddressFamily.ToString() : "";
            throw new BgpListenerException($"cannot listen on {string.Join(", ", addresses.Select(a => new IPEndPoint(a, port)))}: {ex.Message} ({where})", ex);
        }
    }

    public IReadOnlyList<IPEndPoint> Endpoints => _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToList();

    /// <summary>Starts accepting; every accepted socket goes to <paramref name="accepted"/>. Once: later calls (a restarted manager) change nothing.</summary>
    public void Start(Func<Socket, ValueTask> accepted)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        foreach (var socket in _sockets) _loops.Add(Task.Run(() => AcceptLoopAsync(socket, accepted)));
    }

    private async Task AcceptLoopAsync(Socket listener, Func<Socket, ValueTask> accepted)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _log.LogWarning("accept on {Endpoint} failed: {Error}", listener.LocalEndPoint, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
                continue;
            }
            client.NoDelay = true;
            await accepted(client).ConfigureAwait(false);
        }
    }

    /// <summary>Installs or (null) removes the RFC 2385 key for a peer on every listener of its family.</summary>
    public void SetMd5Key(IPAddress peer, string? key)
    {
        foreach (var socket in _sockets)
        {
            bool v4Peer = peer.AddressFamily == AddressFamily.InterNetwork;
            bool v4Socket = socket.AddressFamily == AddressFamily.InterNetwork;
            if (v4Peer != v4Socket) continue;
            try
            {
                TcpSocketOptions.SetMd5Key(socket, peer, key);
            }
            catch (SocketException ex) when (key is null)
            {
                _log.LogDebug("removing the TCP MD5 key for {Peer}: {Error}", peer, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var socket in _sockets) socket.Dispose();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}

public sealed class BgpListenerException(string message, Exception inner) : Exception(message, inner);
