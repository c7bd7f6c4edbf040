using System.Runtime.CompilerServices;
using Bgp.Api.Client;
using Bgp.Api.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Bgp.TestKit;

/// <summary>
/// The generated bgpactors.v1 clients on one channel to a daemon, for tests: unary calls get a deadline
/// (<see cref="Timeout"/>), streams none unless a test gives one.
/// <code>
/// using var api = ApiClients.ForUnixSocket(socket);
/// var list = await api.Unary(api.Neighbors.ListNeighborsAsync, new ListNeighborsRequest());
/// </code>
/// </summary>
public sealed class ApiClients : IDisposable
{
    private ApiClients(GrpcChannel channel)
    {
        Channel = channel;
        Global = new(channel);
        Neighbors = new(channel);
        Policies = new(channel);
        PeerGroups = new(channel);
        Rib = new(channel);
        Injection = new(channel);
        Events = new(channel);
        Control = new(channel);
    }

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(20);

    public GrpcChannel Channel { get; }
    public GlobalService.GlobalServiceClient Global { get; }
    public NeighborService.NeighborServiceClient Neighbors { get; }
    public PolicyService.PolicyServiceClient Policies { get; }
    public PeerGroupService.PeerGroupServiceClient PeerGroups { get; }
    public RibService.RibServiceClient Rib { get; }
    public InjectionService.InjectionServiceClient Injection { get; }
    public EventService.EventServiceClient Events { get; }
    public ControlService.ControlServiceClient Control { get; }

    public static ApiClients ForUnixSocket(string path, DaemonChannelOptions? options = null) => new(DaemonChannel.ForUnixSocket(path, options));

    public void Dispose() => Channel.Dispose();

    /// <summary>A unary call with the <see cref="Timeout"/> deadline: <c>api.Unary(api.Rib.GetRibSummaryAsync, request)</c>.</summary>
    public Task<TResponse> Unary<TRequest, TResponse>(Func<TRequest, Metadata?, DateTime?, CancellationToken, AsyncUnaryCall<TResponse>> method,
        TRequest request, CancellationToken ct = default) =>
        method(request, null, DateTime.UtcNow + Timeout, ct).ResponseAsync;

    /// <summary>Every message of a server stream; the call is disposed (cancelled if unfinished) when the enumeration stops.</summary>
    public static async IAsyncEnumerable<T> ReadAll<T>(AsyncServerStreamingCall<T> call, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using (call)
        {
            while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
                yield return call.ResponseStream.Current;
        }
    }

    /// <summary>Sends every request on a client stream, completes it and returns the response.</summary>
    public static async Task<TResponse> SendAll<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call, IEnumerable<TRequest> requests)
    {
        using (call)
        {
            foreach (var request in requests) await call.RequestStream.WriteAsync(request).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
    }
}
