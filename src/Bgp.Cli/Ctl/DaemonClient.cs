using Bgp.Api.Grpc.Client;
using Bgp.Api.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bgp.Cli.Ctl;

/// <summary>The bgpactors.v1 calls the CLI makes, typed; methods are found in the proto descriptors.</summary>
internal sealed class DaemonClient(GrpcClient grpc, TimeSpan timeout) : IDisposable
{
    private static readonly ServiceDescriptor Control = ControlReflection.Descriptor.Services[0];
    private static readonly ServiceDescriptor Global = GlobalReflection.Descriptor.Services[0];
    private static readonly ServiceDescriptor Neighbors = NeighborReflection.Descriptor.Services[0];
    private static readonly ServiceDescriptor Rib = RibReflection.Descriptor.Services[0];
    private static readonly ServiceDescriptor Injection = InjectionReflection.Descriptor.Services[0];
    private static readonly ServiceDescriptor Events = EventsReflection.Descriptor.Services[0];

    private readonly CallOptions _unary = new(timeout);

    public void Dispose() => grpc.Dispose();

    private Task<TResponse> Unary<TRequest, TResponse>(ServiceDescriptor service, string method, TRequest request, CancellationToken ct)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse>, new() =>
        grpc.UnaryAsync<TRequest, TResponse>(service.FindMethodByName(method), request, _unary, ct);

    /// <summary>A stream has no deadline: it lasts as long as the listing or until the caller cancels.</summary>
    private IAsyncEnumerable<TResponse> Stream<TRequest, TResponse>(ServiceDescriptor service, string method, TRequest request, CancellationToken ct)
        where TRequest : IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        grpc.ServerStreamingAsync<TRequest, TResponse>(service.FindMethodByName(method), request, null, ct);

    public Task<GetHealthResponse> HealthAsync(CancellationToken ct) => Unary<GetHealthRequest, GetHealthResponse>(Control, "GetHealth", new(), ct);
    public Task<GetMetricsResponse> MetricsAsync(CancellationToken ct) => Unary<GetMetricsRequest, GetMetricsResponse>(Control, "GetMetrics", new(), ct);
    public Task<ShutdownResponse> ShutdownAsync(string reason, CancellationToken ct) =>
        Unary<ShutdownRequest, ShutdownResponse>(Control, "Shutdown", new() { Reason = reason }, ct);

    public Task<GetGlobalResponse> GlobalAsync(CancellationToken ct) => Unary<GetGlobalRequest, GetGlobalResponse>(Global, "GetGlobal", new(), ct);

    public Task<ListNeighborsResponse> ListNeighborsAsync(CancellationToken ct) =>
        Unary<ListNeighborsRequest, ListNeighborsResponse>(Neighbors, "ListNeighbors", new(), ct);
    public Task<Neighbor> GetNeighborAsync(string address, CancellationToken ct) =>
        Unary<GetNeighborRequest, Neighbor>(Neighbors, "GetNeighbor", new() { Address = address }, ct);
    public Task<Neighbor> AddNeighborAsync(NeighborConfig config, CancellationToken ct) =>
        Unary<AddNeighborRequest, Neighbor>(Neighbors, "AddNeighbor", new() { Neighbor = config }, ct);
    public Task<DeleteNeighborResponse> DeleteNeighborAsync(string address, CancellationToken ct) =>
        Unary<DeleteNeighborRequest, DeleteNeighborResponse>(Neighbors, "DeleteNeighbor", new() { Address = address }, ct);
    public Task<Neighbor> EnableNeighborAsync(string address, CancellationToken ct) =>
        Unary<EnableNeighborRequest, Neighbor>(Neighbors, "EnableNeighbor", new() { Address = address }, ct);
    public Task<Neighbor> DisableNeighborAsync(string address, string reason, CancellationToken ct) =>
        Unary<DisableNeighborRequest, Neighbor>(Neighbors, "DisableNeighbor", new() { Address = address, ShutdownText = reason }, ct);
    public Task<SoftResetNeighborResponse> SoftResetNeighborAsync(string address, Family family, CancellationToken ct) =>
        Unary<SoftResetNeighborRequest, SoftResetNeighborResponse>(Neighbors, "SoftResetNeighbor", new() { Address = address, Family = family }, ct);

    public IAsyncEnumerable<ListRoutesResponse> ListRoutesAsync(ListRoutesRequest request, CancellationToken ct) =>
        Stream<ListRoutesRequest, ListRoutesResponse>(Rib, "ListRoutes", request, ct);
    public Task<ExplainBestPathResponse> ExplainBestPathAsync(ExplainBestPathRequest request, CancellationToken ct) =>
        Unary<ExplainBestPathRequest, ExplainBestPathResponse>(Rib, "ExplainBestPath", request, ct);
    public Task<ExplainAdvertisedRouteResponse> ExplainAdvertisedAsync(ExplainAdvertisedRouteRequest request, CancellationToken ct) =>
        Unary<ExplainAdvertisedRouteRequest, ExplainAdvertisedRouteResponse>(Rib, "ExplainAdvertisedRoute", request, ct);
    public IAsyncEnumerable<Event> WatchRoutesAsync(WatchRoutesRequest request, CancellationToken ct) =>
        Stream<WatchRoutesRequest, Event>(Rib, "WatchRoutes", request, ct);
    public Task<GetRibSummaryResponse> RibSummaryAsync(CancellationToken ct) =>
        Unary<GetRibSummaryRequest, GetRibSummaryResponse>(Rib, "GetRibSummary", new(), ct);

    public Task<AddPathResponse> AddPathAsync(AddPathRequest request, CancellationToken ct) =>
        Unary<AddPathRequest, AddPathResponse>(Injection, "AddPath", request, ct);
    public Task<DeletePathResponse> DeletePathAsync(DeletePathRequest request, CancellationToken ct) =>
        Unary<DeletePathRequest, DeletePathResponse>(Injection, "DeletePath", request, ct);

    /// <summary>Many paths on one client stream; no deadline (a bulk file can be large).</summary>
    public Task<AddPathsResponse> AddPathsAsync(IAsyncEnumerable<AddPathRequest> requests, CancellationToken ct) =>
        grpc.ClientStreamingAsync<AddPathRequest, AddPathsResponse>(Injection.FindMethodByName("AddPaths"), requests, null, ct);

    public Task<ListEventsResponse> ListEventsAsync(ListEventsRequest request, CancellationToken ct) =>
        Unary<ListEventsRequest, ListEventsResponse>(Events, "ListEvents", request, ct);
    public IAsyncEnumerable<Event> WatchEventsAsync(WatchEventsRequest request, CancellationToken ct) =>
        Stream<WatchEventsRequest, Event>(Events, "WatchEvents", request, ct);
}
