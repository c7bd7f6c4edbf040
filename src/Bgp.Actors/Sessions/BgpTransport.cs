using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Bgp.Actors.Sessions;

/// <summary>
/// A byte stream to a peer: a duplex pipe plus who is at each end. Sockets in the daemon,
/// in-memory pipes in simulation tests. Disposing it closes the underlying connection.
/// </summary>
public sealed class BgpTransport(IDuplexPipe pipe, IPEndPoint local, IPEndPoint remote, IDisposable? owner = null) : IDisposable
{
    private int _disposed;

    public IDuplexPipe Pipe { get; } = pipe;
    public IPEndPoint Local { get; } = local;
    public IPEndPoint Remote { get; } = remote;

    public static BgpTransport FromSocket(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var pipe = new StreamPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        return new BgpTransport(pipe, Normalize((IPEndPoint)socket.LocalEndPoint!), Normalize((IPEndPoint)socket.RemoteEndPoint!), stream);
    }

    /// <summary>An IPv4 peer seen through an IPv6 socket is still the IPv4 peer the config names.</summary>
    public static IPEndPoint Normalize(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Pipe.Input.Complete();
            Pipe.Output.Complete();
        }
        catch (InvalidOperationException)
        {
            // a read or flush was still pending; closing the owner below ends it
        }
        owner?.Dispose();
    }

    public override string ToString() => $"{Local} <-> {Remote}";

    private sealed class StreamPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}

/// <summary>What an outgoing connection attempt needs.</summary>
public sealed record ConnectRequest(
    IPEndPoint Remote,
    IPAddress? Local,
    string? Md5Password,
    int? TtlSecurityHops,
    int MultihopTtl = 64);

/// <summary>Opens connections to peers; the session actor asks it when its FSM says InitiateConnection.</summary>
public interface IBgpConnector
{
    Task<BgpTransport> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken);
}

/// <summary>Real TCP, with the configured local address, TCP MD5 and GTSM applied before the SYN.</summary>
public sealed class TcpConnector : IBgpConnector
{
    public static TcpConnector Instance { get; } = new();

    public async Task<BgpTransport> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        var socket = new Socket(request.Remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            if (request.Local is { } local) socket.Bind(new IPEndPoint(local, 0));
            if (request.Md5Password is { } key) TcpSocketOptions.SetMd5Key(socket, request.Remote.Address, key);
            if (request.TtlSecurityHops is int hops) TcpSocketOptions.SetTtlSecurity(socket, hops);
            else TcpSocketOptions.SetTtl(socket, request.MultihopTtl);
            await socket.ConnectAsync(request.Remote, cancellationToken).ConfigureAwait(false);
            return BgpTransport.FromSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
