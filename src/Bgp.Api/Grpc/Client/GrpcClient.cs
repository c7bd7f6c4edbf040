using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bgp.Api.Grpc.Client;

/// <summary>
/// A small gRPC client over <see cref="HttpClient"/>: HTTP/2 with prior knowledge on a Unix socket
/// or TCP, or negotiated under TLS (optionally with a client certificate). Unary and
/// server-streaming calls. A call that ends with a status other than OK throws
/// <see cref="RpcException"/>; a call the caller cancels through its token throws
/// <see cref="OperationCanceledException"/>. Thread-safe; calls share connections.
/// </summary>
public sealed class GrpcClient : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1"; // id-kp-serverAuth, RFC 5280 §4.2.1.12

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly GrpcClientOptions _options;

    private GrpcClient(SocketsHttpHandler handler, Uri baseAddress, GrpcClientOptions options)
    {
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _baseAddress = baseAddress;
        _options = options;
    }

    /// <summary>A client for the daemon's Unix socket (h2c).</summary>
    public static GrpcClient ForUnixSocket(string path, GrpcClientOptions? options = null)
    {
        options ??= new GrpcClientOptions();
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
        return new GrpcClient(handler, new Uri("http://localhost"), options);
    }

    /// <summary><c>http://127.0.0.1:50051</c> (h2c) or <c>https://router.example:50051</c> (TLS, ALPN h2).</summary>
    public static GrpcClient ForAddress(Uri address, GrpcClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"{address}: the scheme must be http or https", nameof(address));
        options ??= new GrpcClientOptions();
        var handler = NewHandler(options);
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            var ssl = new SslClientAuthenticationOptions();
            if (options.ClientCertificate is { } certificate) ssl.ClientCertificates = [certificate];
            if (options.ServerCertificateAuthorities is { } roots)
                ssl.RemoteCertificateValidationCallback = (_, presented, chain, errors) =>
                    !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                    && MutualTls.IsTrusted(presented, chain, errors, roots, ServerAuthOid);
            handler.SslOptions = ssl;
        }
        return new GrpcClient(handler, new Uri(address.GetLeftPart(UriPartial.Authority)), options);
    }

    public void Dispose() => _http.Dispose();

    public Task<TResponse> UnaryAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions? options = null, CancellationToken ct = default)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        UnaryAsync(GrpcMethodDefinition.PathOf(method), request, (MessageParser<TResponse>)method.OutputType.Parser, options, ct);

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser, CallOptions? options = null, CancellationToken ct = default)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        using var call = new ClientCall(this, options, ct);
        try
        {
            using var response = await call.SendAsync(path, new ByteArrayContent(MessageWriter.ToArray(request))).ConfigureAwait(false);
            return await ReadSingleAsync(call, response, parser).ConfigureAwait(false);
        }
        catch (Exception e) when (call.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(MethodDescriptor method, IAsyncEnumerable<TRequest> requests, CallOptions? options = null, CancellationToken ct = default)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        ClientStreamingAsync(GrpcMethodDefinition.PathOf(method), requests, (MessageParser<TResponse>)method.OutputType.Parser, options, ct);

    /// <summary>Sends the requests as they come (each written and flushed on its own), then reads the one response.</summary>
    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(string path, IAsyncEnumerable<TRequest> requests, MessageParser<TResponse> parser,
        CallOptions? options = null, CancellationToken ct = default)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        using var call = new ClientCall(this, options, ct);
        try
        {
            using var response = await call.SendAsync(path, new StreamingContent<TRequest>(requests, call.Token)).ConfigureAwait(false);
            return await ReadSingleAsync(call, response, parser).ConfigureAwait(false);
        }
        catch (Exception e) when (call.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>A request body of length-prefixed messages written as the enumeration yields them.</summary>
    private sealed class StreamingContent<TRequest>(IAsyncEnumerable<TRequest> requests, CancellationToken token) : HttpContent
        where TRequest : IMessage<TRequest>
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
            await foreach (var request in requests.WithCancellation(linked.Token).ConfigureAwait(false))
            {
                await stream.WriteAsync(MessageWriter.ToArray(request), linked.Token).ConfigureAwait(false);
                await stream.FlushAsync(linked.Token).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task<TResponse> ReadSingleAsync<TResponse>(ClientCall call, HttpResponseMessage response, MessageParser<TResponse> parser)
        where TResponse : class, IMessage<TResponse>
    {
        {
            if (TrailersOnlyStatus(response) is { } immediate)
            {
                ThrowIfNotOk(immediate);
                throw new RpcException(StatusCode.Internal, "the server sent no response message");
            }
            var reader = await call.ReaderAsync(response).ConfigureAwait(false);
            var message = await reader.ReadAsync(parser, call.Token).ConfigureAwait(false);
            var extra = message is null ? null : await reader.ReadAsync(parser, call.Token).ConfigureAwait(false);
            ThrowIfNotOk(FinalStatus(response));
            if (message is null) throw new RpcException(StatusCode.Internal, "the server sent no response message");
            if (extra is not null) throw new RpcException(StatusCode.Internal, "the server sent more than one response message");
            return message;
        }
    }

    public IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions? options = null, CancellationToken ct = default)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        ServerStreamingAsync(GrpcMethodDefinition.PathOf(method), request, (MessageParser<TResponse>)method.OutputType.Parser, options, ct);

    /// <summary>
    /// The responses as they arrive. Stopping the enumeration early cancels the call (RST_STREAM);
    /// the final status is checked when the stream ends.
    /// </summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser,
        CallOptions? options = null, [EnumeratorCancellation] CancellationToken ct = default)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        using var call = new ClientCall(this, options, ct);
        HttpResponseMessage response;
        MessageReader reader;
        try
        {
            response = await call.SendAsync(path, new ByteArrayContent(MessageWriter.ToArray(request))).ConfigureAwait(false);
            if (TrailersOnlyStatus(response) is { } immediate)
            {
                response.Dispose();
                ThrowIfNotOk(immediate);
                yield break;
            }
            reader = await call.ReaderAsync(response).ConfigureAwait(false);
        }
        catch (Exception e) when (call.Translate(e) is { } translated)
        {
            throw translated;
        }

        using (response)
        {
            while (true)
            {
                TResponse? message;
                try
                {
                    message = await reader.ReadAsync(parser, call.Token).ConfigureAwait(false);
                    if (message is null) ThrowIfNotOk(FinalStatus(response));
                }
                catch (Exception e) when (call.Translate(e) is { } translated)
                {
                    throw translated;
                }
                if (message is null) yield break;
                yield return message;
            }
        }
    }

    private static SocketsHttpHandler NewHandler(GrpcClientOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        // Streams can be quiet for a long time; keep the connection known to be alive.
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    };

    /// <summary>A Trailers-Only response carries grpc-status in its only HEADERS frame.</summary>
    private static Status? TrailersOnlyStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues(GrpcProtocol.StatusTrailer, out _) ? StatusFrom(response.Headers) : null;

    private static Status FinalStatus(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues(GrpcProtocol.StatusTrailer, out _)
            ? StatusFrom(response.TrailingHeaders)
            : new Status(StatusCode.Internal, "the server ended the stream without grpc-status");

    private static Status StatusFrom(HttpHeaders headers)
    {
        var code = headers.TryGetValues(GrpcProtocol.StatusTrailer, out var codes)
            && int.TryParse(codes.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : (int)StatusCode.Unknown;
        var message = headers.TryGetValues(GrpcProtocol.MessageTrailer, out var messages) ? messages.FirstOrDefault() : null;
        return new Status(Enum.IsDefined((StatusCode)code) ? (StatusCode)code : StatusCode.Unknown, StatusMessageEncoding.Decode(message));
    }

    private static void ThrowIfNotOk(Status status)
    {
        if (status.Code != StatusCode.OK) throw new RpcException(status);
    }

    /// <summary>PROTOCOL-HTTP2.md / http-grpc-status-mapping.md: a non-200 answer from something that is not a gRPC server.</summary>
    private static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>One call's token (caller's plus deadline) and its request/response plumbing.</summary>
    private sealed class ClientCall : IDisposable
    {
        private readonly GrpcClient _client;
        private readonly CancellationToken _callerToken;
        private readonly CancellationTokenSource _cts;
        private readonly TimeSpan? _timeout;
        private readonly IReadOnlyDictionary<string, string>? _headers;

        public ClientCall(GrpcClient client, CallOptions? options, CancellationToken ct)
        {
            _client = client;
            _callerToken = ct;
            _timeout = options?.Timeout ?? client._options.DefaultTimeout;
            _headers = options?.Headers;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (_timeout is { } t) _cts.CancelAfter(t < GrpcTimeout.Longest ? t : GrpcTimeout.Longest);
        }

        public CancellationToken Token => _cts.Token;

        public async Task<HttpResponseMessage> SendAsync(string path, HttpContent content)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_client._baseAddress, path))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,  // prior knowledge on http://
                Content = content,
            };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
            message.Headers.TE.ParseAdd("trailers");
            message.Headers.UserAgent.ParseAdd("bgpactors-grpc/1.0");
            if (_timeout is { } timeout) message.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
            if (_client._options.BearerToken is { } token) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (_headers is not null)
                foreach (var (name, value) in _headers) message.Headers.TryAddWithoutValidation(name, value);

            var response = await _client._http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var status = new Status(FromHttpStatus(response.StatusCode), $"HTTP status {(int)response.StatusCode}");
                response.Dispose();
                throw new RpcException(status);
            }
            return response;
        }

        public async Task<MessageReader> ReaderAsync(HttpResponseMessage response)
        {
            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (!GrpcProtocol.IsGrpcContentType(contentType))
                throw new RpcException(StatusCode.Unknown, $"the server answered with content-type '{contentType}'");
            var body = await response.Content.ReadAsStreamAsync(Token).ConfigureAwait(false);
            return new MessageReader(PipeReader.Create(body), _client._options.MaxReceiveMessageSize);
        }

        /// <summary>What a failure becomes for the caller; null keeps the exception as it is.</summary>
        public Exception? Translate(Exception e) => e switch
        {
            RpcException => null,
            OperationCanceledException when _callerToken.IsCancellationRequested => null,
            OperationCanceledException or TimeoutException when _cts.IsCancellationRequested =>
                new RpcException(new Status(StatusCode.DeadlineExceeded, "deadline exceeded"), e),
            HttpRequestException or IOException or OperationCanceledException =>
                new RpcException(new Status(StatusCode.Unavailable, e.Message), e),
            _ => null,
        };

        public void Dispose() => _cts.Dispose();
    }
}
