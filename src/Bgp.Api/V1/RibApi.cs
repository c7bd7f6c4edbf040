using System.Collections.Concurrent;
using System.Net;
using Bgp.Actors.Rib;
using Grpc.Core;
using W = Bgp.Wire;

namespace Bgp.Api.V1;

/// <summary>RibService: route listings over a consistent snapshot with filters and paging, explain, summary.</summary>
internal sealed class RibApi(ApiContext api) : RibService.RibServiceBase
{
    /// <summary>Routes per streamed response message.</summary>
    public const int ChunkSize = 512;

    /// <summary>How long a paged listing's snapshot is kept after its last page.</summary>
    public static readonly TimeSpan SnapshotLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Paged snapshots kept at once; the oldest goes first.</summary>
    public const int MaxSnapshots = 8;

    private readonly ConcurrentDictionary<string, Snapshot> _snapshots = new();

    private sealed record Snapshot(string Id, IReadOnlyList<ListedRoute> Routes)
    {
        public DateTimeOffset LastUsed;
    }

    public override Task ListRoutes(ListRoutesRequest request, IServerStreamWriter<ListRoutesResponse> responseStream, ServerCallContext context) =>
        ListRoutesAsync(request, responseStream, context);

    public override Task<ExplainBestPathResponse> ExplainBestPath(ExplainBestPathRequest request, ServerCallContext context) =>
        ExplainBestAsync(request, context);

    public override Task<ExplainAdvertisedRouteResponse> ExplainAdvertisedRoute(ExplainAdvertisedRouteRequest request, ServerCallContext context) =>
        ExplainAdvertisedAsync(request, context);

    public override Task<GetRibSummaryResponse> GetRibSummary(GetRibSummaryRequest request, ServerCallContext context) =>
        SummaryAsync(request, context);

    public override Task WatchRoutes(WatchRoutesRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context) =>
        new EventApi(api).WatchRoutesAsync(request, responseStream, context);

    private async Task ListRoutesAsync(ListRoutesRequest request, IServerStreamWriter<ListRoutesResponse> responses, ServerCallContext call)
    {
        Snapshot snapshot;
        int offset = 0;
        if (request.PageToken.Length > 0)
        {
            (snapshot, offset) = Resume(request.PageToken);
        }
        else
        {
            var filter = RouteFilter.From(request);
            var routes = await TakeSnapshotAsync(request, call);
            snapshot = new Snapshot(Guid.NewGuid().ToString("N"), routes.Where(filter.Matches).ToList());
        }
        snapshot.LastUsed = api.Time.GetUtcNow();

        int end = request.PageSize == 0 ? snapshot.Routes.Count : (int)Math.Min(snapshot.Routes.Count, (long)offset + request.PageSize);
        var cache = new ProtoMapping.AttributeCache();
        bool first = true;
        for (int i = offset; i < end || first; i += ChunkSize)
        {
            var response = new ListRoutesResponse();
            if (first) response.Total = (ulong)snapshot.Routes.Count;
            first = false;
            for (int j = i; j < Math.Min(end, i + ChunkSize); j++) response.Routes.Add(snapshot.Routes[j].ToProto(cache));
            bool last = i + ChunkSize >= end;
            if (last && end < snapshot.Routes.Count)
            {
                Keep(snapshot);
                response.NextPageToken = $"{snapshot.Id}:{end}";
            }
            await responses.WriteAsync(response, call.CancellationToken);
        }
    }

    private async Task<IEnumerable<ListedRoute>> TakeSnapshotAsync(ListRoutesRequest request, ServerCallContext call)
    {
        W.Prefix? prefix = request.Prefix.Length > 0 ? ProtoMapping.Prefix(request.Prefix) : null;
        var family = ProtoMapping.FamilyOf(request.Family, prefix);
        switch (request.Table)
        {
            case Table.Unspecified or Table.Best:
                return ListedRoute.Of(await api.AskAsync<RibCommand, IReadOnlyList<RibRoute>>(api.Rib, r => new RibCommand.GetBestRoutes(r, family), call));
            case Table.Received:
                var from = api.RequireNeighbor(request.Neighbor, "neighbor");
                return ListedRoute.Of(await api.AskAsync<RibCommand, IReadOnlyList<RibRoute>>(api.Rib, r => new RibCommand.GetReceivedRoutes(from, r, family), call));
            case Table.Advertised:
                var to = api.RequireNeighbor(request.Neighbor, "neighbor");
                var sent = await api.AskAsync<RibCommand, IReadOnlyList<AdvertisedRoute>>(api.Rib, r => new RibCommand.GetAdvertisedRoutes(to, r, family), call);
                return sent.Select(a => new ListedRoute(a.Family, a.Prefix, a.Attributes, null));
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown table {request.Table}"));
        }
    }

    private (Snapshot, int) Resume(string token)
    {
        int colon = token.IndexOf(':');
        if (colon <= 0 || !int.TryParse(token.AsSpan(colon + 1), out int offset) || offset < 0)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "page_token is not one this daemon issued"));
        Expire();
        if (!_snapshots.TryGetValue(token[..colon], out var snapshot))
            throw new RpcException(new Status(StatusCode.NotFound, "page_token has expired (snapshots are kept 5 minutes); start the listing again"));
        if (offset > snapshot.Routes.Count) throw new RpcException(new Status(StatusCode.InvalidArgument, "page_token is past the end of its listing"));
        return (snapshot, offset);
    }

    private void Keep(Snapshot snapshot)
    {
        _snapshots[snapshot.Id] = snapshot;
        Expire();
        while (_snapshots.Count > MaxSnapshots)
        {
            var oldest = _snapshots.Values.MinBy(s => s.LastUsed);
            if (oldest is null || !_snapshots.TryRemove(oldest.Id, out _)) break;
        }
    }

    private void Expire()
    {
        var now = api.Time.GetUtcNow();
        foreach (var s in _snapshots.Values)
            if (now - s.LastUsed > SnapshotLifetime) _snapshots.TryRemove(s.Id, out _);
    }

    private async Task<ExplainBestPathResponse> ExplainBestAsync(ExplainBestPathRequest request, ServerCallContext call)
    {
        var prefix = ProtoMapping.Prefix(request.Prefix);
        var family = ProtoMapping.FamilyOf(request.Family, prefix)!.Value;
        var explained = await api.AskAsync<RibCommand, BestPathExplanation?>(api.Rib, r => new RibCommand.ExplainBest(family, prefix, r), call)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no route for {prefix}"));
        var cache = new ProtoMapping.AttributeCache();
        var response = new ExplainBestPathResponse { DecidedBy = explained.Step?.ToString() ?? "" };
        foreach (var path in explained.Paths)
            response.Paths.Add(new ExplainedPath
            {
                Route = ProtoMapping.ToProto(path.Route, cache),
                LostOn = path.LostOn?.ToString() ?? "",
                Import = path.Import is { } trace ? Trace(trace, family, prefix, cache) : null,
            });
        return response;
    }

    private async Task<ExplainAdvertisedRouteResponse> ExplainAdvertisedAsync(ExplainAdvertisedRouteRequest request, ServerCallContext call)
    {
        var prefix = ProtoMapping.Prefix(request.Prefix);
        var family = ProtoMapping.FamilyOf(request.Family, prefix)!.Value;
        var neighbor = api.RequireNeighbor(request.Neighbor, "neighbor");
        var explained = await api.AskAsync<RibCommand, AdvertisedExplanation?>(api.Rib, r => new RibCommand.ExplainAdvertised(family, prefix, neighbor, r), call)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"neighbor {neighbor} is not Established"));
        var cache = new ProtoMapping.AttributeCache();
        var response = new ExplainAdvertisedRouteResponse { Verdict = explained.Verdict.ToString() };
        if (explained.Best is { } best) response.Best = ProtoMapping.ToProto(best, cache);
        if (explained.Exported is { } exported) response.Exported = ProtoMapping.NewRoute(family, prefix, exported, cache);
        if (explained.LastSent is { } sent) response.Sent = ProtoMapping.NewRoute(family, prefix, sent, cache);
        if (explained.Export is { } trace) response.Export = Trace(trace, family, prefix, cache);
        return response;
    }

    private static PolicyTrace Trace(Actors.Policy.PolicyTrace trace, Wire.AfiSafi family, Wire.Prefix prefix, ProtoMapping.AttributeCache cache)
    {
        var result = new PolicyTrace { Accepted = trace.Accepted };
        if (trace.Result is { } attributes) result.Result = ProtoMapping.NewRoute(family, prefix, attributes, cache);
        foreach (var step in trace.Steps)
            result.Steps.Add(new PolicyStep { Policy = step.Policy, Statement = step.Statement ?? "", Outcome = step.Outcome, Changed = step.Changed });
        return result;
    }

    private async Task<GetRibSummaryResponse> SummaryAsync(GetRibSummaryRequest request, ServerCallContext call)
    {
        var summary = await api.AskAsync<RibCommand, RibSummary>(api.Rib, r => new RibCommand.GetSummary(r), call);
        var response = new GetRibSummaryResponse { LocRibPrefixes = (ulong)summary.LocRibPrefixes, AttributeSets = (ulong)summary.AttributeSets };
        foreach (var (address, counts) in summary.Peers.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
        {
            var n = new RibNeighborSummary { Address = address.ToString() };
            foreach (var (f, c) in counts.PrefixesByFamily) n.Received[f.ToString()] = (ulong)c;
            foreach (var (f, c) in counts.AcceptedByFamily ?? new Dictionary<W.AfiSafi, long>()) n.Accepted[f.ToString()] = (ulong)c;
            foreach (var (f, c) in counts.AdvertisedByFamily ?? new Dictionary<W.AfiSafi, long>()) n.Advertised[f.ToString()] = (ulong)c;
            response.Neighbors.Add(n);
        }
        return response;
    }
}

/// <summary>
/// One route of a listing: a RIB route (received or best, with its source and standing) or, for
/// Adj-RIB-Out, just the prefix and what was sent.
/// </summary>
internal readonly record struct ListedRoute(W.AfiSafi Family, W.Prefix Prefix, RouteAttributes Attributes, RibRoute? Route)
{
    public static IEnumerable<ListedRoute> Of(IEnumerable<RibRoute> routes) =>
        routes.Select(r => new ListedRoute(r.Family, r.Nlri.Prefix, r.Attributes, r));

    public Route ToProto(ProtoMapping.AttributeCache cache) =>
        Route is { } r ? ProtoMapping.ToProto(r, cache) : ProtoMapping.NewRoute(Family, Prefix, Attributes, cache);
}

/// <summary>The ListRoutes filters: prefix (exact, or every prefix inside it), origin AS, community.</summary>
internal sealed class RouteFilter
{
    private W.Prefix? _prefix;
    private bool _longer;
    private uint _originAs;
    private W.Community? _community;
    private W.LargeCommunity? _large;

    public static RouteFilter From(ListRoutesRequest request)
    {
        var f = new RouteFilter
        {
            _prefix = request.Prefix.Length > 0 ? ProtoMapping.Prefix(request.Prefix) : null,
            _longer = request.LongerPrefixes,
            _originAs = request.OriginAs,
        };
        if (request.LongerPrefixes && f._prefix is null) throw new RpcException(new Status(StatusCode.InvalidArgument, "longer_prefixes needs a prefix"));
        if (request.Community.Length > 0)
        {
            if (W.Community.TryParse(request.Community, names: false, out var community)) f._community = community;
            else if (W.LargeCommunity.TryParse(request.Community, out var large)) f._large = large;
            else throw new RpcException(new Status(StatusCode.InvalidArgument, $"community `{request.Community}` is neither ASN:VALUE (16 bits each) nor a large community A:B:C"));
        }
        return f;
    }

    public bool Matches(ListedRoute route)
    {
        var (prefix, attributes) = (route.Prefix, route.Attributes);
        if (_prefix is { } p && !(_longer ? p.Contains(prefix) : p.Equals(prefix))) return false;
        if (_originAs != 0 && attributes.AsPath.OriginAs != _originAs) return false;
        if (_community is { } c && !attributes.Attributes.Any(a => a is W.CommunitiesAttribute ca && ca.Communities.Contains(c))) return false;
        if (_large is { } l && !attributes.Attributes.Any(a => a is W.LargeCommunitiesAttribute la && la.Communities.Contains(l))) return false;
        return true;
    }
}
