using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Grpc;

/// <summary>
/// The gRPC-over-HTTP/2 protocol for one listener (grpc/grpc doc/PROTOCOL-HTTP2.md): checks the
/// request, applies the listener's policy, runs the handler under the call's token and ends the
/// stream with the status.
/// <code>
/// request:  HEADERS (:method POST, :path /pkg.Svc/Method, content-type application/grpc[+proto],
///                    [grpc-timeout], [grpc-encoding], [authorization])
///           DATA    (length-prefixed messages) ... END_STREAM
/// response: HEADERS (:status 200, content-type, grpc-accept-encoding)
///           DATA    (length-prefixed messages)
///           HEADERS (grpc-status, [grpc-message]) END_STREAM                  -- trailers
/// or, for an error before any message ("Trailers-Only"):
///           HEADERS (:status 200, content-type, grpc-status, [grpc-message]) END_STREAM
/// </code>
/// </summary>
internal sealed class GrpcCallDispatcher(
    GrpcMethodRegistry registry,
    ListenerPolicy policy,
    GrpcServerOptions options,
    CancellationToken serverStopping,
    ILogger logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;

        // Only HTTP/2 carries trailers; our listeners speak nothing else, but be explicit.
        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Connection = "Upgrade";
            response.Headers.Upgrade = "h2c";
            return;
        }
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return;
        }
        // PROTOCOL-HTTP2.md: a content-type not beginning with application/grpc gets HTTP 415. We
        // have only the protobuf codec, so application/grpc+json and the like are refused the same way.
        if (!GrpcProtocol.IsProtoContentType(request.ContentType))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;

        var path = request.Path.Value ?? "";
        if (Refusal(http, path, out var method) is { } refusal)
        {
            logger.LogDebug("gRPC {Path} on {Listener} refused: {Status}", path, policy.Name, refusal);
            WriteStatus(http, refusal);
            return;
        }

        TimeSpan? timeout = null;
        if (request.Headers[GrpcProtocol.TimeoutHeader] is { Count: > 0 } timeoutHeader)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader.ToString(), out var parsed))
            {
                WriteStatus(http, new Status(StatusCode.Internal, $"malformed grpc-timeout '{timeoutHeader}'"));
                return;
            }
            timeout = parsed;
        }

        await RunAsync(http, method!, timeout).ConfigureAwait(false);
    }

    private Status? Refusal(HttpContext http, string path, out GrpcMethodDefinition? method)
    {
        method = null;
        // Authentication comes first, so an unauthenticated client learns nothing about our methods.
        if (!policy.Authenticates(http.Request.Headers[GrpcProtocol.AuthorizationHeader].ToString() is { Length: > 0 } auth ? auth : null))
            return new Status(StatusCode.Unauthenticated, "missing or invalid bearer token");
        method = registry.Find(path, out var notFound);
        if (method is null) return notFound;
        if (method.Mutating && policy.ReadOnly)
            return new Status(StatusCode.PermissionDenied, $"{path} changes state and this listener is read-only");
        // PROTOCOL-HTTP2.md: a message compressed with an algorithm we do not support is UNIMPLEMENTED,
        // and grpc-accept-encoding (set above) says what we do support.
        var encoding = http.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
            return new Status(StatusCode.Unimplemented, $"grpc-encoding '{encoding}' is not supported");
        return null;
    }

    private async Task RunAsync(HttpContext http, GrpcMethodDefinition method, TimeSpan? timeout)
    {
        var time = options.TimeProvider;
        using var deadline = timeout is { } t && t < GrpcTimeout.Longest ? new CancellationTokenSource(t, time) : null;
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(
            http.RequestAborted, serverStopping, deadline?.Token ?? CancellationToken.None);
        DateTime? deadlineUtc = deadline is null ? null : time.GetUtcNow().UtcDateTime + timeout!.Value;
        var context = new ServerCallContext(http, method, policy.Name, deadlineUtc, callCts.Token);
        var call = new GrpcCall(http, context, options.MaxReceiveMessageSize);

        Status status;
        try
        {
            await method.Invoker!(call).ConfigureAwait(false);
            status = Status.Ok;
        }
        catch (RpcException e)
        {
            status = e.Status;
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested)
        {
            // RST_STREAM or a dropped connection: there is nobody to send a status to.
            logger.LogDebug("gRPC {Path} on {Listener} cancelled by the client ({Error})", method.Path, policy.Name, e.GetType().Name);
            return;
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true)
        {
            status = new Status(StatusCode.DeadlineExceeded, "deadline exceeded");
        }
        catch (OperationCanceledException) when (serverStopping.IsCancellationRequested)
        {
            status = new Status(StatusCode.Unavailable, "server is shutting down");
        }
        catch (Exception e)
        {
            // The client learns only that it failed; the details go to our log.
            logger.LogError(e, "gRPC {Path} on {Listener} failed", method.Path, policy.Name);
            status = new Status(StatusCode.Internal, "internal error");
        }

        // A deadline that passed while a handler ignored its token still ends the call as exceeded.
        if (deadline?.IsCancellationRequested == true && status.Code is StatusCode.OK or StatusCode.Cancelled)
            status = new Status(StatusCode.DeadlineExceeded, "deadline exceeded");
        if (status.Code != StatusCode.OK)
            logger.LogDebug("gRPC {Path} on {Listener} ended with {Status}", method.Path, policy.Name, status);
        call.Completed = true;
        WriteStatus(http, status);
    }

    /// <summary>Trailers after a response that has started, else a Trailers-Only response.</summary>
    private static void WriteStatus(HttpContext http, Status status)
    {
        var response = http.Response;
        var code = ((int)status.Code).ToString(CultureInfo.InvariantCulture);
        var message = status.Detail.Length > 0 ? StatusMessageEncoding.Encode(status.Detail) : null;
        if (!response.HasStarted)
        {
            // Trailers-Only: Kestrel sends these headers as one HEADERS frame with END_STREAM when
            // the delegate returns without a body.
            response.Headers[GrpcProtocol.StatusTrailer] = code;
            if (message is not null) response.Headers[GrpcProtocol.MessageTrailer] = message;
            return;
        }
        response.AppendTrailer(GrpcProtocol.StatusTrailer, code);
        if (message is not null) response.AppendTrailer(GrpcProtocol.MessageTrailer, message);
    }
}
