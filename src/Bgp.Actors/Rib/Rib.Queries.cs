using System.Net;
using Bgp.Actors.Events;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>The RIB's read side: listings, explanations and counts (asked through the RIB actor's query mailbox).</summary>
public sealed partial class Rib
{
    private readonly List<RouteWatch> _watchers = [];

    /// <summary>The routes a peer sent (Adj-RIB-In), with whether each is eligible and best.</summary>
    public IReadOnlyList<RibRoute> Received(IPAddress address, AfiSafi? family = null)
    {
        var result = new List<RibRoute>();
        if (!_byAddress.TryGetValue(address, out var peer)) return result;
        foreach (var table in Tables(family))
            for (int index = 0; index < table.IndexLimit; index++)
            {
                if (!table.InUse(index)) continue;
                ref var entry = ref table.At(index);
                for (int i = 0; i < entry.Count; i++)
                    if (entry.Path(i).Peer == peer.Index) result.Add(ToRibRoute(table, index, i));
            }
        return result;
    }

    /// <summary>The best route of every prefix (Loc-RIB).</summary>
    public IReadOnlyList<RibRoute> Best(AfiSafi? family = null)
    {
        var result = new List<RibRoute>();
        foreach (var table in Tables(family))
            for (int index = 0; index < table.IndexLimit; index++)
                if (table.InUse(index) && table.At(index).Best is >= 0 and var best) result.Add(ToRibRoute(table, index, best));
        return result;
    }

    /// <summary>What was sent to a peer (Adj-RIB-Out).</summary>
    public IReadOnlyList<AdvertisedRoute> Advertised(IPAddress address, AfiSafi? family = null)
    {
        var result = new List<AdvertisedRoute>();
        if (!_byAddress.TryGetValue(address, out var peer)) return result;
        foreach (var table in Tables(family))
            foreach (var (index, sent) in peer.Exports[table.Slot].AllOut())
                if (!ReferenceEquals(sent, Unknown)) result.Add(new AdvertisedRoute(table.Family, table.PrefixAt(index), sent));
        return result;
    }

    /// <summary>Adds a best-route watcher; returns the current best routes it would have seen (when asked).</summary>
    internal IReadOnlyList<RibRoute> Watch(RouteWatch watch, bool includeCurrent)
    {
        _watchers.Add(watch);
        if (!includeCurrent) return [];
        var result = new List<RibRoute>();
        foreach (var table in Tables(watch.Family))
            for (int index = 0; index < table.IndexLimit; index++)
                if (table.InUse(index) && table.At(index).Best is >= 0 and var best && watch.Matches(table.Family, table.PrefixAt(index)))
                    result.Add(ToRibRoute(table, index, best));
        return result;
    }

    /// <summary>Watchers whose queue was closed (the stream ended) are forgotten here.</summary>
    private void NotifyWatchers(RibTable table, int index, ref RibEntry entry)
    {
        var prefix = table.PrefixAt(index);
        RouteEvent? e = null;
        for (int w = _watchers.Count - 1; w >= 0; w--)
        {
            var watch = _watchers[w];
            if (watch.Queue.IsClosed)
            {
                _watchers.RemoveAt(w);
                continue;
            }
            if (!watch.Matches(table.Family, prefix)) continue;
            e ??= new RouteEvent(watch.Time.GetUtcNow(), table.Family, prefix, entry.Best >= 0 ? ToRibRoute(table, index, entry.Best) : null);
            watch.Queue.Offer(e);
        }
    }

    /// <summary>Best-route watchers registered (closed ones linger until the next change).</summary>
    public int Watchers => _watchers.Count;

    private IEnumerable<RibTable> Tables(AfiSafi? family) =>
        family is { } only ? (_tables.TryGetValue(only, out var t) ? [t] : []) : _tablesBySlot;

    /// <summary>Every path for a prefix, the best first, each with the step it lost on against the best.</summary>
    public BestPathExplanation? ExplainBest(AfiSafi family, Prefix prefix)
    {
        if (!_tables.TryGetValue(family, out var table) || table.Find(prefix) is not (>= 0 and var index)) return null;
        ref var entry = ref table.At(index);
        if (entry.Count == 0) return null;
        SelectBest(ref entry, out var decidedBy);
        var paths = new List<ExplainedPath>();
        Candidate? winner = entry.Best >= 0 ? Candidate.Of(entry.Path(entry.Best), _slots[entry.Path(entry.Best).Peer]!) : null;
        for (int i = 0; i < entry.Count; i++)
        {
            var route = ToRibRoute(table, index, i);
            BestPathStep? lostOn = null;
            if (i != entry.Best && route.Ineligible == Ineligible.None && winner is { } w && _slots[entry.Path(i).Peer] is { } from)
            {
                BestPath.Compare(w, Candidate.Of(entry.Path(i), from), _settings.Decision, out var step);
                lostOn = step;
            }
            var source = _slots[entry.Path(i).Peer];
            paths.Add(new ExplainedPath(route, lostOn) { Import = source is null ? null : ExplainImport(source, family, prefix, entry.Path(i)) });
        }
        paths.Sort((a, b) => (b.Route.IsBest ? 1 : 0) - (a.Route.IsBest ? 1 : 0));
        return new BestPathExplanation(family, prefix, entry.Best >= 0 ? decidedBy : null, paths);
    }

    /// <summary>Whether and how the prefix is advertised to a peer, and which rule decided.</summary>
    public AdvertisedExplanation? ExplainAdvertised(AfiSafi family, Prefix prefix, IPAddress address)
    {
        if (!_byAddress.TryGetValue(address, out var peer) || !_tables.TryGetValue(family, out var table)) return null;
        int index = table.Find(prefix);
        if (index < 0) return new AdvertisedExplanation(family, prefix, address, ExportVerdict.NoRoute, null, null, null);
        ref var entry = ref table.At(index);
        var desired = Desired(peer, table, index, out var verdict);
        if (!peer.Info.Families.Contains(family)) verdict = ExportVerdict.FamilyNotNegotiated;
        var best = entry.Best >= 0 ? ToRibRoute(table, index, entry.Best) : null;
        var sent = peer.Exports[table.Slot].OutAt(index);
        return new AdvertisedExplanation(family, prefix, address, verdict, best, desired, ReferenceEquals(sent, Unknown) ? null : sent)
        {
            Export = verdict is ExportVerdict.Advertise or ExportVerdict.PolicyRejected or ExportVerdict.NoNextHop ? ExplainExport(peer, table, index) : null,
        };
    }

    /// <summary>Per up peer and family: routes received, eligible, and advertised.</summary>
    public RibSummary Summary()
    {
        var peers = new Dictionary<IPAddress, PeerRibCounts>();
        foreach (var p in _byAddress.Values)
        {
            Dictionary<AfiSafi, long> received = [], accepted = [], advertised = [];
            foreach (var table in _tablesBySlot)
            {
                int slot = table.Slot;
                if (p.Received[slot] > 0) received[table.Family] = p.Received[slot];
                if (p.Received[slot] - p.IneligibleCount[slot] > 0) accepted[table.Family] = p.Received[slot] - p.IneligibleCount[slot];
                if (p.OutCount[slot] > 0) advertised[table.Family] = p.OutCount[slot];
            }
            peers[p.Info.Address] = new PeerRibCounts(true, received, accepted, advertised);
        }
        return new RibSummary(peers, LocRibCount(), _attributes.Count);
    }

    /// <summary>Prefixes with a best route, all families (kept as routes change).</summary>
    public long LocRibCount()
    {
        long count = 0;
        foreach (var table in _tablesBySlot) count += table.BestCount;
        return count;
    }

    /// <summary>The same by a scan of every entry, for tests of the kept count.</summary>
    internal long LocRibScan()
    {
        long count = 0;
        foreach (var table in _tablesBySlot)
            for (int index = 0; index < table.IndexLimit; index++)
                if (table.InUse(index) && table.At(index).Best >= 0) count++;
        return count;
    }

    private RibRoute ToRibRoute(RibTable table, int index, int i)
    {
        ref var entry = ref table.At(index);
        ref var r = ref entry.Path(i);
        var from = _slots[r.Peer];
        return new RibRoute(table.Family, new Nlri(table.PrefixAt(index), r.PathId), from?.Info.Address ?? IPAddress.Any, from?.Role ?? PeerRole.Local,
            r.Attributes, r.Ineligible, i == entry.Best) { Received = r.Received };
    }
}
