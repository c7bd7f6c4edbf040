using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Bgp.Api.Client;

/// <summary>How a client reaches the daemon: credentials and limits.</summary>
public sealed class DaemonChannelOptions
{
    /// <summary>Sent as <c>authorization: Bearer &lt;token&gt;</c> on every call (a listener with <c>token_file</c>).</summary>
    public string? BearerToken { get; init; }

    /// <summary>For https: our certificate (with its private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>For https: trust only these CAs for the daemon's certificate; null means the system store.</summary>
    public X509Certificate2Collection? ServerCertificateAuthorities { get; init; }

    /// <summary>Largest response message accepted (gRPC's usual 4 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Opens a <see cref="GrpcChannel"/> to bgpactorsd: its Unix socket (HTTP/2 with prior knowledge), <c>http://host:port</c>
/// (h2c) or <c>https://host:port</c> (TLS, optionally with a client certificate). The generated clients
/// (<c>new NeighborService.NeighborServiceClient(channel)</c>) do the rest. Every failure is an
/// <see cref="Grpc.Core.RpcException"/>: CANCELLED when the caller's token fired, DEADLINE_EXCEEDED when the deadline passed.
/// </summary>
public static class DaemonChannel
{
    public static GrpcChannel ForUnixSocket(string path, DaemonChannelOptions? options = null)
    {
        options ??= new DaemonChannelOptions();
        var handler = NewHandler(options);
        handler.ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return Create(new Uri("http://localhost"), handler, options);
    }

    public static GrpcChannel ForAddress(Uri address, DaemonChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"{address}: the scheme must be http or https", nameof(address));
        options ??= new DaemonChannelOptions();
        var handler = NewHandler(options);
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            var ssl = new SslClientAuthenticationOptions();
            if (options.ClientCertificate is { } certificate) ssl.ClientCertificates = [certificate];
            if (options.ServerCertificateAuthorities is { } roots)
                ssl.RemoteCertificateValidationCallback = (_, presented, chain, errors) =>
                    !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                    && CertificateTrust.IsTrusted(presented, chain, errors, roots, CertificateTrust.ServerAuthOid);
            handler.SslOptions = ssl;
        }
        return Create(new Uri(address.GetLeftPart(UriPartial.Authority)), handler, options);
    }

    private static SocketsHttpHandler NewHandler(DaemonChannelOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        // Streams (WatchEvents) can be quiet for a long time; keep the connection known to be alive.
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        EnableMultipleHttp2Connections = true,
        UseProxy = false,
    };

    private static GrpcChannel Create(Uri address, SocketsHttpHandler handler, DaemonChannelOptions options)
    {
        HttpMessageHandler pipeline = options.BearerToken is { } token ? new BearerTokenHandler(token, handler) : handler;
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = pipeline,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            // The daemon's API is not idempotent everywhere (AddNeighbor, Shutdown): never retry behind the caller's back.
            MaxRetryAttempts = 0,
        });
    }

    /// <summary>
    /// The token as a header on every request. Call credentials would do the same but are refused on a channel
    /// without TLS, and a Unix socket with a token is a supported listener.
    /// </summary>
    private sealed class BearerTokenHandler(string token, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly AuthenticationHeaderValue _header = new("Bearer", token);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = _header;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
