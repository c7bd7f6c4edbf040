using Bgp.Actors.Rib;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using E = Bgp.Actors.Events;
using W = Bgp.Wire;

namespace Bgp.Api.V1;

/// <summary>
/// EventService, and the stream behind RibService.WatchRoutes: every watch reads one bounded
/// <see cref="E.EventQueue{T}"/> that the sessions (through the <see cref="E.EventHub"/>) and the RIB
/// (through a <see cref="RouteWatch"/>) fill without waiting; the gRPC stream drains it with HTTP/2
/// flow control, and a client that falls behind is told with a lag event.
/// </summary>
internal sealed class EventApi(ApiContext api) : EventService.EventServiceBase
{
    /// <summary>Events queued per watch of session, NOTIFICATION and neighbor events.</summary>
    public const int EventQueueCapacity = 4096;

    /// <summary>Events queued per watch that includes route changes (a full table's churn arrives in bursts).</summary>
    public const int RouteQueueCapacity = 65536;

    private static readonly EventKind[] DefaultKinds = [EventKind.Session, EventKind.Notification, EventKind.Neighbor];

    public override Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context) =>
        Task.FromResult(List(request));

    public override Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context) =>
        WatchEventsAsync(request, responseStream, context);

    private ListEventsResponse List(ListEventsRequest request)
    {
        if (request.Kinds.Contains(EventKind.Route))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "route changes are not kept; use WatchEvents or RibService.WatchRoutes"));
        var filter = Filter(request.Kinds, request.Neighbor);
        var response = new ListEventsResponse();
        var cache = new ProtoMapping.AttributeCache();
        foreach (var e in api.Events.Recent(filter, request.Limit == 0 ? int.MaxValue : (int)request.Limit))
            response.Events.Add(ToProto(e, cache));
        return response;
    }

    private async Task WatchEventsAsync(WatchEventsRequest request, IServerStreamWriter<Event> responses, ServerCallContext call)
    {
        var kinds = request.Kinds.Count == 0 ? DefaultKinds : [.. request.Kinds];
        bool routes = kinds.Contains(EventKind.Route);
        var filter = Filter(kinds, request.Neighbor);
        var queue = new E.EventQueue<E.BgpEvent>(routes ? RouteQueueCapacity : EventQueueCapacity);
        var watch = routes ? RouteWatchOf(queue, request.Family, request.Prefix, request.LongerPrefixes) : null;
        try
        {
            var history = filter.Sessions || filter.Notifications || filter.Neighbors
                ? api.Events.Subscribe(filter, queue, request.IncludeHistory)
                : [];
            if (watch is not null) await api.AskAsync<RibCommand, IReadOnlyList<RibRoute>>(api.Rib, r => new RibCommand.WatchRoutes(watch, false, r), call);
            var cache = new ProtoMapping.AttributeCache();
            foreach (var e in history) await responses.WriteAsync(ToProto(e, cache), call.CancellationToken);
            await DrainAsync(queue, responses, cache, call);
        }
        finally
        {
            queue.Close();
        }
    }

    /// <summary>RibService.WatchRoutes.</summary>
    public async Task WatchRoutesAsync(WatchRoutesRequest request, IServerStreamWriter<Event> responses, ServerCallContext call)
    {
        var queue = new E.EventQueue<E.BgpEvent>(RouteQueueCapacity);
        var watch = RouteWatchOf(queue, request.Family, request.Prefix, request.LongerPrefixes);
        try
        {
            var current = await api.AskAsync<RibCommand, IReadOnlyList<RibRoute>>(api.Rib,
                r => new RibCommand.WatchRoutes(watch, request.IncludeCurrent, r), call);
            var cache = new ProtoMapping.AttributeCache();
            if (request.IncludeCurrent)
            {
                var now = Timestamp.FromDateTimeOffset(api.Time.GetUtcNow());
                foreach (var route in current)
                {
                    var e = new Event { Time = now, Route = new RouteEvent { Family = ProtoMapping.ToFamily(route.Family), Prefix = route.Nlri.Prefix.ToString(), Current = true } };
                    e.Route.Best = ProtoMapping.ToProto(route, cache);
                    await responses.WriteAsync(e, call.CancellationToken);
                }
                await responses.WriteAsync(new Event { Time = now, Synced = new SyncedEvent { Routes = (ulong)current.Count } }, call.CancellationToken);
            }
            await DrainAsync(queue, responses, cache, call);
        }
        finally
        {
            queue.Close();
        }
    }

    private async Task DrainAsync(E.EventQueue<E.BgpEvent> queue, IServerStreamWriter<Event> responses, ProtoMapping.AttributeCache cache, ServerCallContext call)
    {
        await foreach (var next in queue.ReadAllAsync(call.CancellationToken).ConfigureAwait(false))
        {
            var e = next.Item is { } item
                ? ToProto(item, cache)
                : new Event { Time = Timestamp.FromDateTimeOffset(api.Time.GetUtcNow()), Lag = new LagEvent { Dropped = (ulong)next.Lagged } };
            await responses.WriteAsync(e, call.CancellationToken);
        }
    }

    private RouteWatch RouteWatchOf(E.EventQueue<E.BgpEvent> queue, Family family, string prefixText, bool longer)
    {
        W.Prefix? prefix = prefixText.Length > 0 ? ProtoMapping.Prefix(prefixText) : null;
        return new RouteWatch(queue, api.Time, ProtoMapping.FamilyOf(family, prefix), prefix, longer);
    }

    private static E.EventFilter Filter(IEnumerable<EventKind> requested, string neighbor)
    {
        var kinds = requested.ToHashSet();
        if (kinds.Count == 0) kinds = [.. DefaultKinds];
        if (kinds.Contains(EventKind.Unspecified)) throw new RpcException(new Status(StatusCode.InvalidArgument, "kinds: EVENT_KIND_UNSPECIFIED is not a kind"));
        return new E.EventFilter(kinds.Contains(EventKind.Session), kinds.Contains(EventKind.Notification), kinds.Contains(EventKind.Neighbor),
            neighbor.Length > 0 ? ProtoMapping.Address(neighbor, "neighbor") : null);
    }

    public static Event ToProto(E.BgpEvent e, ProtoMapping.AttributeCache cache)
    {
        var result = new Event { Time = Timestamp.FromDateTimeOffset(e.Time) };
        switch (e)
        {
            case E.SessionStateEvent s:
                result.Session = new SessionEvent
                {
                    Neighbor = s.Address.ToString(),
                    RemoteAs = s.RemoteAs,
                    From = ProtoMapping.ToProto(s.From),
                    To = ProtoMapping.ToProto(s.To),
                    Reason = s.Reason,
                };
                break;
            case E.NotificationEvent n:
                result.Notification = new NotificationEvent
                {
                    Neighbor = n.Address.ToString(),
                    RemoteAs = n.RemoteAs,
                    Sent = n.Sent,
                    Code = (uint)n.Code,
                    Subcode = n.Subcode,
                    Description = n.Description,
                    ShutdownCommunication = n.ShutdownCommunication ?? "",
                };
                break;
            case E.NeighborChangeEvent c:
                result.Neighbor = new NeighborEvent { Neighbor = c.Address.ToString(), Change = c.Change };
                break;
            case E.RouteEvent r:
                result.Route = new RouteEvent { Family = ProtoMapping.ToFamily(r.Family), Prefix = r.Prefix.ToString(), Current = r.Current };
                if (r.Best is { } best) result.Route.Best = ProtoMapping.ToProto(best, cache);
                break;
        }
        return result;
    }
}
