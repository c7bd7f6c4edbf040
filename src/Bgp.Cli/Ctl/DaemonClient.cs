using System.Runtime.CompilerServices;
using Bgp.Api.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Bgp.Cli.Ctl;

/// <summary>The bgpactors.v1 calls the CLI makes, through the clients Grpc.Tools generated from protos/.</summary>
internal sealed class DaemonClient(GrpcChannel channel, TimeSpan timeout) : IDisposable
{
    private readonly ControlService.ControlServiceClient _control = new(channel);
    private readonly GlobalService.GlobalServiceClient _global = new(channel);
    private readonly NeighborService.NeighborServiceClient _neighbors = new(channel);
    private readonly RibService.RibServiceClient _rib = new(channel);
    private readonly InjectionService.InjectionServiceClient _injection = new(channel);
    private readonly EventService.EventServiceClient _events = new(channel);
    private readonly PolicyService.PolicyServiceClient _policies = new(channel);
    private readonly PeerGroupService.PeerGroupServiceClient _peerGroups = new(channel);

    public void Dispose() => channel.Dispose();

    /// <summary>A unary call's deadline (--timeout); streams have none: they last as long as the listing or until the caller cancels.</summary>
    private DateTime Deadline() => DateTime.UtcNow + timeout;

    private static async IAsyncEnumerable<T> ReadAll<T>(AsyncServerStreamingCall<T> call, [EnumeratorCancellation] CancellationToken ct)
    {
        using (call)
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await call.ResponseStream.MoveNext(ct).ConfigureAwait(false);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
                {
                    throw new OperationCanceledException("the stream was cancelled", e, ct);   // Ctrl-C ends a watch
                }
                if (!more) yield break;
                yield return call.ResponseStream.Current;
            }
        }
    }

    private static async Task<TResponse> SendAllAsync<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call,
        IAsyncEnumerable<TRequest> requests, CancellationToken ct)
    {
        using (call)
        {
            await foreach (var request in requests.WithCancellation(ct).ConfigureAwait(false))
                await call.RequestStream.WriteAsync(request, ct).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
    }

    public Task<GetHealthResponse> HealthAsync(CancellationToken ct) => _control.GetHealthAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<GetMetricsResponse> MetricsAsync(CancellationToken ct) => _control.GetMetricsAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<ShutdownResponse> ShutdownAsync(string reason, CancellationToken ct) =>
        _control.ShutdownAsync(new() { Reason = reason }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;

    public Task<GetGlobalResponse> GlobalAsync(CancellationToken ct) => _global.GetGlobalAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;

    public Task<ListNeighborsResponse> ListNeighborsAsync(CancellationToken ct) =>
        _neighbors.ListNeighborsAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<Neighbor> GetNeighborAsync(string address, CancellationToken ct) =>
        _neighbors.GetNeighborAsync(new() { Address = address }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<Neighbor> AddNeighborAsync(NeighborConfig config, CancellationToken ct) =>
        _neighbors.AddNeighborAsync(new() { Neighbor = config }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<DeleteNeighborResponse> DeleteNeighborAsync(string address, CancellationToken ct) =>
        _neighbors.DeleteNeighborAsync(new() { Address = address }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<Neighbor> EnableNeighborAsync(string address, CancellationToken ct) =>
        _neighbors.EnableNeighborAsync(new() { Address = address }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<Neighbor> DisableNeighborAsync(string address, string reason, CancellationToken ct) =>
        _neighbors.DisableNeighborAsync(new() { Address = address, ShutdownText = reason }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<SoftResetNeighborResponse> SoftResetNeighborAsync(string address, Family family, CancellationToken ct) =>
        _neighbors.SoftResetNeighborAsync(new() { Address = address, Family = family }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;

    public IAsyncEnumerable<ListRoutesResponse> ListRoutesAsync(ListRoutesRequest request, CancellationToken ct) =>
        ReadAll(_rib.ListRoutes(request, cancellationToken: ct), ct);
    public Task<ExplainBestPathResponse> ExplainBestPathAsync(ExplainBestPathRequest request, CancellationToken ct) =>
        _rib.ExplainBestPathAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<ExplainAdvertisedRouteResponse> ExplainAdvertisedAsync(ExplainAdvertisedRouteRequest request, CancellationToken ct) =>
        _rib.ExplainAdvertisedRouteAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public IAsyncEnumerable<Event> WatchRoutesAsync(WatchRoutesRequest request, CancellationToken ct) =>
        ReadAll(_rib.WatchRoutes(request, cancellationToken: ct), ct);
    public Task<GetRibSummaryResponse> RibSummaryAsync(CancellationToken ct) =>
        _rib.GetRibSummaryAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;

    public Task<AddPathResponse> AddPathAsync(AddPathRequest request, CancellationToken ct) =>
        _injection.AddPathAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<DeletePathResponse> DeletePathAsync(DeletePathRequest request, CancellationToken ct) =>
        _injection.DeletePathAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;

    /// <summary>Many paths on one client stream; no deadline (a bulk file can be large).</summary>
    public Task<AddPathsResponse> AddPathsAsync(IAsyncEnumerable<AddPathRequest> requests, CancellationToken ct) =>
        SendAllAsync(_injection.AddPaths(cancellationToken: ct), requests, ct);

    public Task<ListEventsResponse> ListEventsAsync(ListEventsRequest request, CancellationToken ct) =>
        _events.ListEventsAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public IAsyncEnumerable<Event> WatchEventsAsync(WatchEventsRequest request, CancellationToken ct) =>
        ReadAll(_events.WatchEvents(request, cancellationToken: ct), ct);

    public Task<ListPoliciesResponse> ListPoliciesAsync(CancellationToken ct) =>
        _policies.ListPoliciesAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<Policy> GetPolicyAsync(string name, CancellationToken ct) =>
        _policies.GetPolicyAsync(new() { Name = name }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<Policy> SetPolicyAsync(Policy policy, CancellationToken ct) =>
        _policies.SetPolicyAsync(new() { Policy = policy }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<DeletePolicyResponse> DeletePolicyAsync(string name, CancellationToken ct) =>
        _policies.DeletePolicyAsync(new() { Name = name }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<ListDefinedSetsResponse> ListDefinedSetsAsync(DefinedSetType type, CancellationToken ct) =>
        _policies.ListDefinedSetsAsync(new() { Type = type }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<DefinedSet> SetDefinedSetAsync(DefinedSet set, CancellationToken ct) =>
        _policies.SetDefinedSetAsync(new() { Set = set }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<DeleteDefinedSetResponse> DeleteDefinedSetAsync(DefinedSetType type, string name, CancellationToken ct) =>
        _policies.DeleteDefinedSetAsync(new() { Type = type, Name = name }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<SetChainResponse> SetChainAsync(SetChainRequest request, CancellationToken ct) =>
        _policies.SetChainAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;

    public Task<ListPeerGroupsResponse> ListPeerGroupsAsync(CancellationToken ct) =>
        _peerGroups.ListPeerGroupsAsync(new(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<PeerGroup> GetPeerGroupAsync(string name, CancellationToken ct) =>
        _peerGroups.GetPeerGroupAsync(new() { Name = name }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<PeerGroup> SetPeerGroupAsync(PeerGroup group, CancellationToken ct) =>
        _peerGroups.SetPeerGroupAsync(new() { PeerGroup = group }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
    public Task<DeletePeerGroupResponse> DeletePeerGroupAsync(string name, CancellationToken ct) =>
        _peerGroups.DeletePeerGroupAsync(new() { Name = name }, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
}
