using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Bgp.Api.Grpc;

/// <summary>What a handler knows about the call it serves.</summary>
public sealed class ServerCallContext
{
    private readonly HttpContext _http;

    internal ServerCallContext(HttpContext http, GrpcMethodDefinition method, string listener, DateTime? deadline, CancellationToken ct)
    {
        _http = http;
        MethodDefinition = method;
        Listener = listener;
        Deadline = deadline;
        CancellationToken = ct;
    }

    /// <summary>The path of the call: <c>/package.Service/Method</c>.</summary>
    public string Method => MethodDefinition.Path;

    public GrpcMethodDefinition MethodDefinition { get; }

    /// <summary>The listener the call came in on, as <see cref="Bgp.Actors.Config.GrpcListenerConfig"/> prints it.</summary>
    public string Listener { get; }

    /// <summary>The client's deadline (UTC), if it sent <c>grpc-timeout</c>.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Fires when the client cancels or goes away, the deadline passes or the server stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request headers (gRPC metadata), names lower case.</summary>
    public IHeaderDictionary RequestHeaders => _http.Request.Headers;

    /// <summary><c>ipv4:192.0.2.1:1234</c>, <c>ipv6:[2001:db8::1]:1234</c> or <c>unix:</c> for a Unix socket.</summary>
    public string Peer
    {
        get
        {
            var connection = _http.Connection;
            return connection.RemoteIpAddress switch
            {
                null => "unix:",
                { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } a => $"ipv6:[{a}]:{connection.RemotePort}",
                var a => $"ipv4:{a}:{connection.RemotePort}",
            };
        }
    }

    /// <summary>The client's certificate on a mutual-TLS listener (already validated), else null.</summary>
    public X509Certificate2? ClientCertificate => _http.Connection.ClientCertificate;
}

/// <summary>Where a server-streaming or bidi handler writes its responses.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>
    /// Sends one message and waits until the transport has room for more (HTTP/2 flow control and
    /// Kestrel's bounded response buffer), so a slow client slows the handler down instead of
    /// making the server buffer. One write at a time.
    /// </summary>
    Task WriteAsync(T message, CancellationToken ct = default);
}

public delegate Task<TResponse> UnaryHandler<in TRequest, TResponse>(TRequest request, ServerCallContext context);

public delegate Task ServerStreamingHandler<in TRequest, out TResponse>(
    TRequest request, IServerStreamWriter<TResponse> responses, ServerCallContext context);

public delegate Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(
    IAsyncEnumerable<TRequest> requests, ServerCallContext context);

public delegate Task DuplexStreamingHandler<TRequest, out TResponse>(
    IAsyncEnumerable<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context);

public enum MethodKind
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}
