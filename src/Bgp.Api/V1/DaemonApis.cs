using System.Net;
using Bgp.Actors.Rib;
using Bgp.Actors.Sessions;
using Bgp.Api.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Google.Protobuf.WellKnownTypes;
using W = Bgp.Wire;

namespace Bgp.Api.V1;

/// <summary>Every bgpactors.v1 service, for <see cref="ApiHost.StartAsync"/>.</summary>
public static class BgpApi
{
    /// <summary>
    /// The daemon's <see cref="ApiContext"/> and one instance of each service for the daemon's life (Grpc.AspNetCore
    /// would otherwise make one per call): RibService keeps the listing snapshots that page tokens name.
    /// </summary>
    public static IServiceCollection AddBgpApi(this IServiceCollection services, ApiContext api) => services
        .AddSingleton(api)
        .AddSingleton<GlobalApi>()
        .AddSingleton<NeighborApi>()
        .AddSingleton<PolicyApi>()
        .AddSingleton<PeerGroupApi>()
        .AddSingleton<RibApi>()
        .AddSingleton<InjectionApi>()
        .AddSingleton<EventApi>()
        .AddSingleton<ControlApi>();

    /// <summary>Maps the eight bgpactors.v1 services (registered by <see cref="AddBgpApi"/>).</summary>
    public static void MapBgpApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<GlobalApi>();
        endpoints.MapGrpcService<NeighborApi>();
        endpoints.MapGrpcService<PolicyApi>();
        endpoints.MapGrpcService<PeerGroupApi>();
        endpoints.MapGrpcService<RibApi>();
        endpoints.MapGrpcService<InjectionApi>();
        endpoints.MapGrpcService<EventApi>();
        endpoints.MapGrpcService<ControlApi>();
    }
}

/// <summary>GlobalService.</summary>
internal sealed class GlobalApi(ApiContext api) : GlobalService.GlobalServiceBase
{
    public override Task<GetGlobalResponse> GetGlobal(GetGlobalRequest request, ServerCallContext context) =>
        Task.FromResult(Get());

    private GetGlobalResponse Get()
    {
        var g = api.Config.Global;
        var response = new GetGlobalResponse
        {
            Asn = g.Asn,
            RouterId = g.RouterId.ToString(),
            ClusterId = g.EffectiveClusterId.ToString(),
            ListenPort = (uint)g.ListenPort,
            AlwaysCompareMed = g.AlwaysCompareMed,
            DeterministicMed = g.DeterministicMed,
            Version = api.Version,
            Started = Timestamp.FromDateTimeOffset(api.Started),
            ConfigPath = Path.GetFullPath(api.Store.Path),
        };
        response.ListenAddresses.AddRange(api.ListenEndpoints.Select(e => e.ToString() ?? ""));
        response.Families.AddRange(Rib.Families.Select(ProtoMapping.ToFamily));
        return response;
    }
}

/// <summary>InjectionService: routes we originate.</summary>
internal sealed class InjectionApi(ApiContext api) : InjectionService.InjectionServiceBase
{
    /// <summary>Errors reported back from one AddPaths stream.</summary>
    public const int MaxReportedErrors = 20;

    [Mutating]
    public override Task<AddPathResponse> AddPath(AddPathRequest request, ServerCallContext context) =>
        AddAsync(request, context);

    [Mutating]
    public override Task<DeletePathResponse> DeletePath(DeletePathRequest request, ServerCallContext context) =>
        DeleteAsync(request, context);

    [Mutating]
    public override Task<AddPathsResponse> AddPaths(IAsyncStreamReader<AddPathRequest> requestStream, ServerCallContext context) =>
        AddManyAsync(requestStream.ReadAllAsync(context.CancellationToken), context);

    private async Task<AddPathResponse> AddAsync(AddPathRequest request, ServerCallContext call)
    {
        var command = Parse(request);
        var error = await api.AskAsync<RibCommand, string?>(api.Rib, r => command(r), call);
        if (error is not null) throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        return new AddPathResponse();
    }

    private async Task<DeletePathResponse> DeleteAsync(DeletePathRequest request, ServerCallContext call)
    {
        var prefix = ProtoMapping.Prefix(request.Prefix);
        var family = ProtoMapping.FamilyOf(request.Family, prefix)!.Value;
        bool removed = await api.AskAsync<RibCommand, bool>(api.Rib, r => new RibCommand.RemoveInjectedRoute(family, prefix, r), call);
        if (!removed) throw new RpcException(new Status(StatusCode.NotFound, $"no injected route for {prefix}"));
        return new DeletePathResponse();
    }

    /// <summary>
    /// Bulk add: each request is validated and handed to the RIB; at most 4,096 wait for their answer
    /// before the stream is read further (backpressure on the client); a bad request is counted and
    /// reported, the rest still go in.
    /// </summary>
    private async Task<AddPathsResponse> AddManyAsync(IAsyncEnumerable<AddPathRequest> requests, ServerCallContext call)
    {
        var response = new AddPathsResponse();
        var pending = new List<(string Prefix, Task<string?> Reply)>();
        await foreach (var request in requests.WithCancellation(call.CancellationToken))
        {
            try
            {
                var command = Parse(request);
                var reply = new Actors.Typed.Reply<string?>();
                api.Rib.Tell(command(reply));
                pending.Add((request.Prefix, reply.Task));
            }
            catch (RpcException e)
            {
                Fail(response, request.Prefix, e.Status.Detail);
            }
            if (pending.Count >= 4096) await Collect(response, pending);
        }
        await Collect(response, pending);
        return response;
    }

    private async Task Collect(AddPathsResponse response, List<(string Prefix, Task<string?> Reply)> pending)
    {
        foreach (var (prefix, reply) in pending)
        {
            var error = await reply.WaitAsync(api.AskTimeout);
            if (error is null) response.Added++;
            else Fail(response, prefix, error);
        }
        pending.Clear();
    }

    private static void Fail(AddPathsResponse response, string prefix, string reason)
    {
        response.Failed++;
        if (response.Errors.Count < MaxReportedErrors) response.Errors.Add($"{prefix}: {reason}");
    }

    /// <summary>Validates a request into the RIB command that injects it.</summary>
    private static Func<Actors.Typed.Reply<string?>, RibCommand> Parse(AddPathRequest request)
    {
        var prefix = ProtoMapping.Prefix(request.Prefix);
        var family = ProtoMapping.FamilyOf(request.Family, prefix)!.Value;
        if (string.IsNullOrWhiteSpace(request.NextHop)) throw new RpcException(new Status(StatusCode.InvalidArgument, "next_hop is required"));
        if (!W.IpAddr.TryParse(request.NextHop, out var nextHop))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"next_hop: `{request.NextHop}` is not an IP address"));
        if (prefix.IsV6 && !nextHop.IsV6)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"next_hop {nextHop} cannot carry {prefix}: an IPv6 prefix needs an IPv6 next hop"));
        var attributes = request.Attributes.Select(ProtoMapping.FromProto).ToArray();
        var duplicate = attributes.GroupBy(a => a.Type).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new RpcException(new Status(StatusCode.InvalidArgument, $"attribute {duplicate.Key} given twice"));
        var array = new W.EquatableArray<W.PathAttribute>(attributes);
        return reply => new RibCommand.InjectRoute(family, prefix, new W.NextHop(nextHop), array, reply);
    }
}

/// <summary>ControlService: health and shutdown.</summary>
internal sealed class ControlApi(ApiContext api) : ControlService.ControlServiceBase
{
    public override Task<GetHealthResponse> GetHealth(GetHealthRequest request, ServerCallContext context) =>
        HealthAsync(request, context);

    public override Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context) =>
        MetricsAsync(context);

    [Mutating]
    public override Task<ShutdownResponse> Shutdown(ShutdownRequest request, ServerCallContext context) =>
        ShutdownAsync(request);

    private async Task<GetMetricsResponse> MetricsAsync(ServerCallContext call) =>
        new() { Text = await api.ScrapeMetricsAsync(call) };

    private async Task<GetHealthResponse> HealthAsync(GetHealthRequest request, ServerCallContext call)
    {
        var peers = await api.AskAsync<ManagerCommand, IReadOnlyList<PeerStatus>>(api.Manager, r => new ManagerCommand.ListPeers(r), call);
        var summary = await api.AskAsync<RibCommand, RibSummary>(api.Rib, r => new RibCommand.GetSummary(r), call);
        return new GetHealthResponse
        {
            Healthy = true,
            UptimeSeconds = (ulong)Math.Max(0, (api.Time.GetUtcNow() - api.Started).TotalSeconds),
            NeighborsConfigured = (uint)peers.Count,
            NeighborsEstablished = (uint)peers.Count(p => p.State == Actors.Fsm.SessionState.Established),
            LocRibPrefixes = (ulong)summary.LocRibPrefixes,
            Version = api.Version,
        };
    }

    private Task<ShutdownResponse> ShutdownAsync(ShutdownRequest request)
    {
        api.RequestShutdown(string.IsNullOrWhiteSpace(request.Reason) ? "bgpactorsd is shutting down" : request.Reason);
        return Task.FromResult(new ShutdownResponse());
    }
}
