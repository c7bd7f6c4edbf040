using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Bgp.Actors.Events;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using FsmState = Bgp.Actors.Fsm.SessionState;

namespace Bgp.Api.Metrics;

/// <summary>
/// The daemon's instruments (meter <see cref="MeterName"/>). They are observable: before each
/// collection <see cref="RefreshAsync"/> asks the peer manager and the RIB for their counters
/// (through the query mailboxes, so a scrape during a full-table load is answered between
/// UPDATEs), and the callbacks report from that copy. Nothing here holds routing state.
/// </summary>
public sealed class DaemonMetrics : IDisposable
{
    public const string MeterName = "BgpActors";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);   // as the API's asks (docs/API.md)
    private static readonly string[] MessageTypes = ["", "open", "update", "notification", "keepalive", "route_refresh"];

    private readonly Meter _meter = new(MeterName);
    private readonly ActorRef<ManagerCommand> _manager;
    private readonly ActorRef<RibCommand> _rib;
    private readonly DeadLetterCounter? _deadLetters;
    private readonly EventHub? _events;
    private volatile Snapshot _snapshot = new([], null);

    private sealed record Snapshot(IReadOnlyList<PeerStatus> Peers, RibSummary? Rib);

    public DaemonMetrics(ActorRef<ManagerCommand> manager, ActorRef<RibCommand> rib, DeadLetterCounter? deadLetters = null, EventHub? events = null)
    {
        _manager = manager;
        _rib = rib;
        _deadLetters = deadLetters;
        _events = events;

        _meter.CreateObservableGauge("bgpactors_peers_configured", () => _snapshot.Peers.Count, "{peer}", "Neighbors configured.");
        _meter.CreateObservableGauge("bgpactors_peers_established", () => _snapshot.Peers.Count(p => p.State == FsmState.Established), "{peer}",
            "Neighbors whose session is Established.");
        _meter.CreateObservableGauge("bgpactors_peer_state", () => PerPeer(p => (int)p.State + 1), "{state}",
            "Session state per neighbor: 1 Idle, 2 Connect, 3 Active, 4 OpenSent, 5 OpenConfirm, 6 Established.");
        _meter.CreateObservableGauge("bgpactors_peer_up", () => PerPeer(p => p.State == FsmState.Established ? 1 : 0), "{bool}",
            "1 when the neighbor's session is Established, else 0.");
        _meter.CreateObservableGauge("bgpactors_peer_uptime", () => PerPeer(p => p.Uptime?.TotalSeconds ?? 0), "s",
            "Seconds since the session came up (0 when it is not up).");
        _meter.CreateObservableCounter("bgpactors_peer_messages_received", () => Messages(received: true), "{message}",
            "BGP messages received per neighbor and type.");
        _meter.CreateObservableCounter("bgpactors_peer_messages_sent", () => Messages(received: false), "{message}",
            "BGP messages sent per neighbor and type.");
        _meter.CreateObservableCounter("bgpactors_peer_notifications_received", () => PerPeer(p => p.NotificationsIn), "{message}",
            "NOTIFICATIONs received per neighbor.");
        _meter.CreateObservableCounter("bgpactors_peer_notifications_sent", () => PerPeer(p => p.NotificationsOut), "{message}",
            "NOTIFICATIONs sent per neighbor.");
        _meter.CreateObservableCounter("bgpactors_peer_prefixes_announced_received", () => PerPeer(p => p.PrefixesAnnouncedIn), "{prefix}",
            "Prefixes announced by the neighbor (NLRI counted in its UPDATEs).");
        _meter.CreateObservableCounter("bgpactors_peer_prefixes_withdrawn_received", () => PerPeer(p => p.PrefixesWithdrawnIn), "{prefix}",
            "Prefixes withdrawn by the neighbor.");
        _meter.CreateObservableCounter("bgpactors_peer_flaps", () => PerPeer(p => p.Flaps), "{flap}",
            "Times the neighbor's session went down from Established.");
        _meter.CreateObservableGauge("bgpactors_peer_prefixes_received", () => PerFamily(c => c.PrefixesByFamily), "{prefix}",
            "Routes held from the neighbor (Adj-RIB-In) per family.");
        _meter.CreateObservableGauge("bgpactors_peer_prefixes_accepted", () => PerFamily(c => c.AcceptedByFamily), "{prefix}",
            "Routes from the neighbor eligible for best path per family.");
        _meter.CreateObservableGauge("bgpactors_peer_prefixes_advertised", () => PerFamily(c => c.AdvertisedByFamily), "{prefix}",
            "Routes advertised to the neighbor (Adj-RIB-Out) per family.");
        _meter.CreateObservableGauge("bgpactors_rib_prefixes", () => _snapshot.Rib?.LocRibPrefixes ?? 0, "{prefix}",
            "Prefixes with a best route (Loc-RIB), all families.");
        _meter.CreateObservableGauge("bgpactors_rib_attribute_sets", () => _snapshot.Rib?.AttributeSets ?? 0, "{set}",
            "Distinct path attribute sets held (interned).");
        _meter.CreateObservableGauge("bgpactors_rib_queue_depth", () => _rib.QueuedMessages, "{message}",
            "Messages waiting in the RIB actor's mailbox.");
        _meter.CreateObservableGauge("bgpactors_peer_manager_queue_depth", () => _manager.QueuedMessages, "{message}",
            "Messages waiting in the peer manager's mailbox.");
        if (_deadLetters is not null)
            _meter.CreateObservableCounter("bgpactors_actor_dead_letters", () => _deadLetters.Count, "{message}",
                "Messages that reached an actor after it had stopped.");
        if (_events is not null)
            _meter.CreateObservableCounter("bgpactors_events_published", () => _events.Published, "{event}",
                "Session, NOTIFICATION and neighbor events published.");
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        _meter.CreateObservableGauge("process_start_time", () => new DateTimeOffset(started).ToUnixTimeMilliseconds() / 1000.0, "s",
            "Start time of the process since the Unix epoch.");
        _meter.CreateObservableGauge("process_resident_memory", () => Environment.WorkingSet, "By", "Resident memory size.");
        _meter.CreateObservableCounter("process_cpu", () => Environment.CpuUsage.TotalTime.TotalSeconds, "s",
            "User and system CPU time spent.");
        _meter.CreateObservableGauge("dotnet_gc_heap_size", () => GC.GetTotalMemory(false), "By", "Bytes allocated in the managed heap and still referenced.");
    }

    /// <summary>Takes a fresh copy of the counters; call it before each collection.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var peers = await _manager.AskAsync<ManagerCommand, IReadOnlyList<PeerStatus>>(r => new ManagerCommand.ListPeers(r), AskTimeout, ct)
            .ConfigureAwait(false);
        var rib = await _rib.AskAsync<RibCommand, RibSummary>(r => new RibCommand.GetSummary(r), AskTimeout, ct).ConfigureAwait(false);
        _snapshot = new Snapshot(peers, rib);
    }

    private static KeyValuePair<string, object?>[] PeerTags(PeerStatus p, params KeyValuePair<string, object?>[] more) =>
        [new("peer", p.Address.ToString()), new("remote_as", p.RemoteAs.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. more];

    private IEnumerable<Measurement<T>> PerPeer<T>(Func<PeerStatus, T> value) where T : struct =>
        _snapshot.Peers.Select(p => new Measurement<T>(value(p), PeerTags(p)));

    private IEnumerable<Measurement<long>> Messages(bool received)
    {
        foreach (var p in _snapshot.Peers)
        {
            long[] counts =
            [
                0,
                received ? p.OpensIn : p.OpensOut,
                received ? p.UpdatesIn : p.UpdatesOut,
                received ? p.NotificationsIn : p.NotificationsOut,
                received ? p.KeepalivesIn : p.KeepalivesOut,
                received ? p.RouteRefreshIn : p.RouteRefreshOut,
            ];
            for (int type = 1; type < MessageTypes.Length; type++)
                yield return new Measurement<long>(counts[type], PeerTags(p, new KeyValuePair<string, object?>("type", MessageTypes[type])));
        }
    }

    /// <summary>Per neighbor that is up in the RIB and family it negotiated (0 when it holds none).</summary>
    private IEnumerable<Measurement<long>> PerFamily(Func<PeerRibCounts, IReadOnlyDictionary<AfiSafi, long>?> counts)
    {
        if (_snapshot.Rib is not { } rib) yield break;
        foreach (var p in _snapshot.Peers)
        {
            if (!rib.Peers.TryGetValue(p.Address, out var c)) continue;
            var byFamily = counts(c);
            foreach (var family in Rib.Families)
                yield return new Measurement<long>(byFamily?.GetValueOrDefault(family) ?? 0, PeerTags(p, new KeyValuePair<string, object?>("family", family.ToString())));
        }
    }

    public void Dispose() => _meter.Dispose();
}
