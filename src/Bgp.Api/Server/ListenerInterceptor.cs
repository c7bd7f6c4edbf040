using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Server;

/// <summary>
/// Every call, before its handler: the bearer token of the listener the call arrived on (found on the connection,
/// never in a header the client controls), then PERMISSION_DENIED for a <see cref="MutatingAttribute"/> method on a
/// read-only listener. Around the handler: a server-streaming call ends with UNAVAILABLE when the daemon stops, and a
/// handler's unexpected exception becomes INTERNAL "internal error" (its details go to our log, not to the client).
/// </summary>
internal sealed class ListenerInterceptor(IHostApplicationLifetime lifetime, ILogger<ListenerInterceptor> logger) : Interceptor
{
    /// <summary>The key under which a listener's connection middleware leaves its <see cref="ListenerPolicy"/>.</summary>
    public const string PolicyKey = "bgpactors.listener";

    private const string HttpContextKey = "__HttpContext";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException && !Cancelled(context, e))
        {
            throw Internal(context, e);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException && !Cancelled(context, e))
        {
            throw Internal(context, e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        // Grpc.AspNetCore finds the HttpContext of a replaced context (for the service instance) under this key.
        context.UserState[HttpContextKey] = context.GetHttpContext();
        var stopping = lifetime.ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            await continuation(request, responseStream, new StoppableCallContext(context, linked.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "server is shutting down"));
        }
        catch (Exception e) when (e is not RpcException && !Cancelled(context, e))
        {
            throw Internal(context, e);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException && !Cancelled(context, e))
        {
            throw Internal(context, e);
        }
    }

    private void Admit(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(PolicyKey, out var value) != true || value is not ListenerPolicy policy)
        {
            // Every listener sets its policy on the connection; a call without one came some other way.
            logger.LogError("gRPC {Method}: no listener policy on the connection; refused", context.Method);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "no listener policy"));
        }
        if (!policy.Authenticates(context.RequestHeaders.GetValue("authorization")))
        {
            logger.LogDebug("gRPC {Method} on {Listener} refused: no valid bearer token", context.Method, policy.Name);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or invalid bearer token"));
        }
        if (policy.ReadOnly && http.GetEndpoint()?.Metadata.GetMetadata<MutatingAttribute>() is not null)
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{context.Method} changes state and this listener is read-only"));
    }

    /// <summary>The client went away or its deadline passed: Grpc.AspNetCore ends such a call itself.</summary>
    private static bool Cancelled(ServerCallContext context, Exception e) =>
        e is OperationCanceledException && context.CancellationToken.IsCancellationRequested;

    private RpcException Internal(ServerCallContext context, Exception e)
    {
        logger.LogError(e, "gRPC {Method} failed", context.Method);
        return new RpcException(new Status(StatusCode.Internal, "internal error"));
    }

    /// <summary>The call's context with a token that also fires when the daemon stops.</summary>
    private sealed class StoppableCallContext(ServerCallContext inner, CancellationToken token) : ServerCallContext
    {
        protected override string MethodCore => inner.Method;
        protected override string HostCore => inner.Host;
        protected override string PeerCore => inner.Peer;
        protected override DateTime DeadlineCore => inner.Deadline;
        protected override Metadata RequestHeadersCore => inner.RequestHeaders;
        protected override CancellationToken CancellationTokenCore => token;
        protected override Metadata ResponseTrailersCore => inner.ResponseTrailers;
        protected override Status StatusCore { get => inner.Status; set => inner.Status = value; }
        protected override WriteOptions? WriteOptionsCore { get => inner.WriteOptions; set => inner.WriteOptions = value; }
        protected override AuthContext AuthContextCore => inner.AuthContext;
        protected override IDictionary<object, object> UserStateCore => inner.UserState;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            inner.CreatePropagationToken(options);

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => inner.WriteResponseHeadersAsync(responseHeaders);
    }
}
