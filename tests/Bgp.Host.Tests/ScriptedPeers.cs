using System.Net;
using System.Net.Sockets;
using Bgp.Wire;

namespace Bgp.Host.Tests;

/// <summary>
/// Scripted peers listening on their own loopback addresses (127.10.0.x, port 179 unless a test
/// names another) for the daemon to dial; disposing closes every listener and connection made.
/// </summary>
internal sealed class ScriptedPeers : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly List<Socket> _listeners = [];
    private readonly List<ScriptedPeer> _peers = [];

    public Socket Listen(string address, int port = 179)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        socket.Listen(4);
        _listeners.Add(socket);
        return socket;
    }

    /// <summary>Accepts the daemon's connection and plays the OPEN exchange (IPv4 unicast unless families are given).</summary>
    public async Task<ScriptedPeer> AcceptAndHandshakeAsync(Socket listener, uint asn, uint id, params AfiSafi[] families)
    {
        var peer = await ScriptedPeer.AcceptAsync(listener, Wait);
        _peers.Add(peer);
        await peer.HandshakeAsync(asn, id, 90, families.Length == 0 ? [AfiSafi.Ipv4Unicast] : families);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers) await peer.DisposeAsync();
        foreach (var listener in _listeners) listener.Dispose();
        _peers.Clear();
        _listeners.Clear();
    }
}
