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
    private static readonly ServiceDescriptor Policies = PolicyReflection.Descriptor.Services[0];
    private static readonly ServiceDescriptor PeerGroups = PolicyReflection.Descriptor.Services[1];

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

    public Task<ListPoliciesResponse> ListPoliciesAsync(CancellationToken ct) =>
        Unary<ListPoliciesRequest, ListPoliciesResponse>(Policies, "ListPolicies", new(), ct);
    public Task<Policy> GetPolicyAsync(string name, CancellationToken ct) =>
        Unary<GetPolicyRequest, Policy>(Policies, "GetPolicy", new() { Name = name }, ct);
    public Task<Policy> SetPolicyAsync(Policy policy, CancellationToken ct) =>
        Unary<SetPolicyRequest, Policy>(Policies, "SetPolicy", new() { Policy = policy }, ct);
    public Task<DeletePolicyResponse> DeletePolicyAsync(string name, CancellationToken ct) =>
        Unary<DeletePolicyRequest, DeletePolicyResponse>(Policies, "DeletePolicy", new() { Name = name }, ct);
    public Task<ListDefinedSetsResponse> ListDefinedSetsAsync(DefinedSetType type, CancellationToken ct) =>
        Unary<ListDefinedSetsRequest, ListDefinedSetsResponse>(Policies, "ListDefinedSets", new() { Type = type }, ct);
    public Task<DefinedSet> SetDefinedSetAsync(DefinedSet set, CancellationToken ct) =>
        Unary<SetDefinedSetRequest, DefinedSet>(Policies, "SetDefinedSet", new() { Set = set }, ct);
    public Task<DeleteDefinedSetResponse> DeleteDefinedSetAsync(DefinedSetType type, string name, CancellationToken ct) =>
        Unary<DeleteDefinedSetRequest, DeleteDefinedSetResponse>(Policies, "DeleteDefinedSet", new() { Type = type, Name = name }, ct);
    public Task<SetChainResponse> SetChainAsync(SetChainRequest request, CancellationToken ct) =>
        Unary<SetChainRequest, SetChainResponse>(Policies, "SetChain", request, ct);

    public Task<ListPeerGroupsResponse> ListPeerGroupsAsync(CancellationToken ct) =>
        Unary<ListPeerGroupsRequest, ListPeerGroupsResponse>(PeerGroups, "ListPeerGroups", new(), ct);
    public Task<PeerGroup> GetPeerGroupAsync(string name, CancellationToken ct) =>
        Unary<GetPeerGroupRequest, PeerGroup>(PeerGroups, "GetPeerGroup", new() { Name = name }, ct);
    public Task<PeerGroup> SetPeerGroupAsync(PeerGroup group, CancellationToken ct) =>
        Unary<SetPeerGroupRequest, PeerGroup>(PeerGroups, "SetPeerGroup", new() { PeerGroup = group }, ct);
    public Task<DeletePeerGroupResponse> DeletePeerGroupAsync(string name, CancellationToken ct) =>
        Unary<DeletePeerGroupRequest, DeletePeerGroupResponse>(PeerGroups, "DeletePeerGroup", new() { Name = name }, ct);
}
