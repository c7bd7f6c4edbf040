using System.Net;
using Bgp.Actors.Rib;
using Bgp.Actors.Sessions;
using Bgp.Api.Grpc;
using Google.Protobuf.WellKnownTypes;
using W = Bgp.Wire;

namespace Bgp.Api.V1;

/// <summary>Every bgpactors.v1 service, ready for <see cref="GrpcServer.StartAsync"/>.</summary>
public static class BgpApi
{
    public static IReadOnlyList<GrpcServiceDefinition> Services(ApiContext api) =>
    [
        new GlobalApi(api).Build(),
        new NeighborApi(api).Build(),
        new PolicyApi(api).Build(),
        new PeerGroupApi(api).Build(),
        new RibApi(api).Build(),
        new InjectionApi(api).Build(),
        new EventApi(api).Build(),
        new ControlApi(api).Build(),
    ];
}

/// <summary>GlobalService.</summary>
internal sealed class GlobalApi(ApiContext api)
{
    public GrpcServiceDefinition Build() => new GrpcServiceBuilder(GlobalReflection.Descriptor.Services[0])
        .Unary<GetGlobalRequest, GetGlobalResponse>("GetGlobal", (_, _) => Task.FromResult(Get()))
        .Build();

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
internal sealed class InjectionApi(ApiContext api)
{
    /// <summary>Errors reported back from one AddPaths stream.</summary>
    public const int MaxReportedErrors = 20;

    public GrpcServiceDefinition Build() => new GrpcServiceBuilder(InjectionReflection.Descriptor.Services[0])
        .Unary<AddPathRequest, AddPathResponse>("AddPath", AddAsync, mutating: true)
        .Unary<DeletePathRequest, DeletePathResponse>("DeletePath", DeleteAsync, mutating: true)
        .ClientStreaming<AddPathRequest, AddPathsResponse>("AddPaths", AddManyAsync, mutating: true)
        .Build();

    private async Task<AddPathResponse> AddAsync(AddPathRequest request, ServerCallContext call)
    {
        var command = Parse(request);
        var error = await api.AskAsync<RibCommand, string?>(api.Rib, r => command(r), call);
        if (error is not null) throw new RpcException(StatusCode.InvalidArgument, error);
        return new AddPathResponse();
    }

    private async Task<DeletePathResponse> DeleteAsync(DeletePathRequest request, ServerCallContext call)
    {
        var prefix = ProtoMapping.Prefix(request.Prefix);
        var family = ProtoMapping.FamilyOf(request.Family, prefix)!.Value;
        bool removed = await api.AskAsync<RibCommand, bool>(api.Rib, r => new RibCommand.RemoveInjectedRoute(family, prefix, r), call);
        if (!removed) throw new RpcException(StatusCode.NotFound, $"no injected route for {prefix}");
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
        if (string.IsNullOrWhiteSpace(request.NextHop)) throw new RpcException(StatusCode.InvalidArgument, "next_hop is required");
        if (!W.IpAddr.TryParse(request.NextHop, out var nextHop))
            throw new RpcException(StatusCode.InvalidArgument, $"next_hop: `{request.NextHop}` is not an IP address");
        if (prefix.IsV6 && !nextHop.IsV6)
            throw new RpcException(StatusCode.InvalidArgument, $"next_hop {nextHop} cannot carry {prefix}: an IPv6 prefix needs an IPv6 next hop");
        var attributes = request.Attributes.Select(ProtoMapping.FromProto).ToArray();
        var duplicate = attributes.GroupBy(a => a.Type).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new RpcException(StatusCode.InvalidArgument, $"attribute {duplicate.Key} given twice");
        var array = new W.EquatableArray<W.PathAttribute>(attributes);
        return reply => new RibCommand.InjectRoute(family, prefix, new W.NextHop(nextHop), array, reply);
    }
}

/// <summary>ControlService: health and shutdown.</summary>
internal sealed class ControlApi(ApiContext api)
{
    public GrpcServiceDefinition Build() => new GrpcServiceBuilder(ControlReflection.Descriptor.Services[0])
        .Unary<GetHealthRequest, GetHealthResponse>("GetHealth", HealthAsync)
        .Unary<GetMetricsRequest, GetMetricsResponse>("GetMetrics", async (_, call) => new GetMetricsResponse { Text = await api.ScrapeMetricsAsync(call) })
        .Unary<ShutdownRequest, ShutdownResponse>("Shutdown", Shutdown, mutating: true)
        .Build();

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

    private Task<ShutdownResponse> Shutdown(ShutdownRequest request, ServerCallContext call)
    {
        api.RequestShutdown(string.IsNullOrWhiteSpace(request.Reason) ? "bgpactorsd is shutting down" : request.Reason);
        return Task.FromResult(new ShutdownResponse());
    }
}
