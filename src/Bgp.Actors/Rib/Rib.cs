using System.Net;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>The RIB's identity and decision switches.</summary>
public sealed record RibSettings(uint LocalAs, IPAddress RouterId, IPAddress ClusterId)
{
    public DecisionOptions Decision { get; init; } = DecisionOptions.Default;

    /// <summary>Most prefixes put in one batch for a session to encode.</summary>
    public int BatchPrefixes { get; init; } = 2048;

    internal ExportContext Export => new(LocalAs, ToUInt(RouterId), ToUInt(ClusterId));

    /// <summary>The RIB settings the configuration's [global] table gives.</summary>
    public static RibSettings From(Config.GlobalConfig global) =>
        new(global.Asn, global.RouterId, global.EffectiveClusterId)
        {
            Decision = new DecisionOptions(global.AlwaysCompareMed, global.DeterministicMed),
        };

    internal static uint ToUInt(IPAddress address) => IpAddr.FromIPAddress(address) is { IsV4: true } v4 ? v4.V4Value : 0;
}

/// <summary>
/// The routing state: Adj-RIB-In of every peer, the Loc-RIB (best route per prefix, with the step
/// that chose it), and the Adj-RIB-Out of every peer, for IPv4 and IPv6 unicast. Single-threaded
/// by design: only the RIB actor calls it. Changes to the best route mark the prefix dirty for
/// every peer; <see cref="TakeBatch"/> turns a peer's dirty prefixes into what it must be sent.
/// </summary>
public sealed class Rib
{
    /// <summary>The slot of routes we originate (injected).</summary>
    public const int LocalPeer = 0;

    private readonly RibSettings _settings;
    private readonly ExportContext _export;
    private readonly AttributeTable _attributes = new();
    private readonly Dictionary<AfiSafi, RibTable> _tables = [];
    private readonly List<RibPeer?> _slots = [];
    private readonly Dictionary<IPAddress, RibPeer> _byAddress = [];
    private long _epoch;
    private Candidate[] _candidates = new Candidate[8];
    private int[] _candidateIndex = new int[8];

    public static readonly AfiSafi[] Families = [AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast];

    /// <summary>
    /// Adj-RIB-Out marker for "not known what the peer holds" (a batch that could not be handed
    /// to the session): never equal to a real export, so the prefix is sent again either way.
    /// </summary>
    internal static readonly RouteAttributes Unknown = new(EquatableArray<PathAttribute>.Empty, default);

    public Rib(RibSettings settings)
    {
        _settings = settings;
        _export = settings.Export;
        foreach (var f in Families) _tables[f] = new RibTable(f);
        var local = new RibPeerInfo(IPAddress.Any, settings.LocalAs, settings.LocalAs, _export.RouterId, PeerRole.Local, null,
            new FamilySet(Families), CodecContext.Default);
        _slots.Add(new RibPeer(LocalPeer, local, ++_epoch));
    }

    public RibSettings Settings => _settings;

    /// <summary>Distinct attribute sets held (received and exported).</summary>
    public int AttributeSets => _attributes.Count;

    public int PrefixCount(AfiSafi family) => _tables.TryGetValue(family, out var t) ? t.Count : 0;

    internal RibPeer? Peer(IPAddress address) => _byAddress.GetValueOrDefault(address);

    internal IEnumerable<RibPeer> Peers => _byAddress.Values;

    // ---------------------------------------------------------------- peers

    /// <summary>
    /// A session came up: the peer gets a slot, and every prefix with a best route is queued for it
    /// (its initial table, followed by End-of-RIB for each negotiated family).
    /// </summary>
    internal RibPeer PeerUp(RibPeerInfo info)
    {
        if (_byAddress.ContainsKey(info.Address)) PeerDown(info.Address);
        int index = _slots.IndexOf(null, 1);
        if (index < 0) { index = _slots.Count; _slots.Add(null); }
        var peer = new RibPeer(index, info, ++_epoch);
        _slots[index] = peer;
        _byAddress[info.Address] = peer;
        foreach (var family in Families)
        {
            if (!info.Families.Contains(family)) continue;
            peer.Initial.Add(family);
            if (info.ExportNone) continue;
            foreach (var (prefix, entry) in _tables[family].All())
                if (entry.Best >= 0) peer.MarkDirty(family, prefix);
        }
        return peer;
    }

    /// <summary>
    /// A session went down: every route it sent is withdrawn (and the new best routes queued for the
    /// other peers), and what it was sent is forgotten. Returns the number of routes withdrawn.
    /// </summary>
    internal int PeerDown(IPAddress address)
    {
        if (!_byAddress.Remove(address, out var peer)) return 0;
        _slots[peer.Index] = null;
        int withdrawn = 0;
        var emptied = new List<Prefix>();
        foreach (var (family, table) in _tables)
        {
            emptied.Clear();
            foreach (var (prefix, entry) in table.All())
            {
                if (entry.OutFor(peer.Index) is { } sent)
                {
                    Release(sent);
                    entry.SetOut(peer.Index, null);
                }
                bool removed = false, bestRemoved = false;
                for (int i = entry.Count - 1; i >= 0; i--)
                {
                    if (entry.Paths[i].Peer != peer.Index) continue;
                    bestRemoved |= i == entry.Best;
                    _attributes.Release(entry.Paths[i].Attributes);
                    entry.RemoveAt(i);
                    removed = true;
                    withdrawn++;
                }
                if (removed) Reselect(family, prefix, entry, force: bestRemoved);
                if (entry.IsEmpty) emptied.Add(prefix);
            }
            foreach (var prefix in emptied) table.Remove(prefix);
        }
        return withdrawn;
    }

    // ---------------------------------------------------------------- input

    /// <summary>Applies an UPDATE from <paramref name="address"/>: withdrawals first, then announcements.</summary>
    public void Apply(IPAddress address, UpdateMessage update)
    {
        if (!_byAddress.TryGetValue(address, out var peer)) return;
        var ipv4 = _tables[AfiSafi.Ipv4Unicast];
        foreach (var n in update.Withdrawn) Withdraw(peer, ipv4, n);
        if (update.MpUnreach is { IsTyped: true } unreach && _tables.TryGetValue(unreach.Family, out var unreachTable))
            foreach (var n in unreach.Nlri) Withdraw(peer, unreachTable, n);

        if (update.Nlri.Count > 0 && update.Get<NextHopAttribute>() is { } nh)
        {
            var attributes = InternReceived(update, new NextHop(nh.Address));
            var ineligible = Check(peer, attributes);
            foreach (var n in update.Nlri) Announce(peer, ipv4, n, attributes, ineligible);
            _attributes.Sweep(attributes);
        }
        if (update.MpReach is { IsTyped: true } reach && reach.Nlri.Count > 0 && _tables.TryGetValue(reach.Family, out var reachTable))
        {
            var attributes = InternReceived(update, reach.NextHop);
            var ineligible = Check(peer, attributes);
            foreach (var n in reach.Nlri) Announce(peer, reachTable, n, attributes, ineligible);
            _attributes.Sweep(attributes);
        }
    }

    /// <summary>Originates (or replaces) a route of ours. Attributes may include anything but the MP ones; ORIGIN defaults to IGP.</summary>
    public void Inject(AfiSafi family, Prefix prefix, NextHop nextHop, ReadOnlySpan<PathAttribute> attributes)
    {
        if (!_tables.ContainsKey(family)) throw new ArgumentException($"family {family} is not held by the RIB", nameof(family));
        if (prefix.Afi != family.Afi) throw new ArgumentException($"{prefix} is not a {family} prefix", nameof(prefix));
        var list = new List<PathAttribute>(attributes.Length + 2);
        list.AddRange(attributes);   // Normalize drops NEXT_HOP and the MP attributes
        if (!list.Exists(a => a.Type == AttrType.Origin)) list.Add(OriginAttribute.Igp);
        if (!list.Exists(a => a.Type == AttrType.AsPath)) list.Add(new AsPathAttribute(AsPath.Empty));
        var normalized = RouteAttributes.Normalize(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        var interned = _attributes.Intern(new RouteAttributes(normalized, nextHop));
        Announce(_slots[LocalPeer]!, _tables[family], new Nlri(prefix), interned, Ineligible.None);
        _attributes.Sweep(interned);
    }

    /// <summary>Withdraws a route of ours; false when there was none.</summary>
    public bool RemoveInjected(AfiSafi family, Prefix prefix)
    {
        if (!_tables.TryGetValue(family, out var table) || table.Find(prefix) is not { } entry || entry.Find(LocalPeer, 0) < 0) return false;
        Withdraw(_slots[LocalPeer]!, table, new Nlri(prefix));
        return true;
    }

    private RouteAttributes InternReceived(UpdateMessage update, NextHop nextHop) =>
        _attributes.Intern(new RouteAttributes(RouteAttributes.Normalize(update.Attributes.AsSpan()), nextHop));

    /// <summary>Import checks that make a received route ineligible (it stays in Adj-RIB-In).</summary>
    private Ineligible Check(RibPeer peer, RouteAttributes attributes)
    {
        if (peer.Info.ImportNone) return Ineligible.ImportNone;
        if (attributes.AsPath.Contains(_settings.LocalAs)) return Ineligible.AsPathLoop;
        if (attributes.OriginatorId is { IsV4: true } originator && originator.V4Value == _export.RouterId) return Ineligible.OriginatorIsUs;
        foreach (var id in attributes.ClusterList) if (id == _export.ClusterId) return Ineligible.ClusterLoop;
        return Ineligible.None;
    }

    private void Announce(RibPeer peer, RibTable table, Nlri nlri, RouteAttributes attributes, Ineligible ineligible)
    {
        var family = table.Family;
        var prefix = nlri.Prefix;
        var entry = table.GetOrAdd(prefix);
        int i = entry.Find(peer.Index, nlri.PathId);
        if (i >= 0)
        {
            ref var existing = ref entry.Paths[i];
            if (ReferenceEquals(existing.Attributes, attributes) && existing.Ineligible == ineligible) return;
            _attributes.Release(existing.Attributes);
            _attributes.AddRef(attributes);
            existing.Attributes = attributes;
            existing.Ineligible = ineligible;
            Reselect(family, prefix, entry, force: i == entry.Best);
            return;
        }
        _attributes.AddRef(attributes);
        entry.Add(new Route { Peer = peer.Index, PathId = nlri.PathId, Attributes = attributes, Ineligible = ineligible });
        if (ineligible == Ineligible.None) Reselect(family, prefix, entry, force: false);
    }

    private void Withdraw(RibPeer peer, RibTable table, Nlri nlri)
    {
        var family = table.Family;
        var prefix = nlri.Prefix;
        if (table.Find(prefix) is not { } entry) return;
        int i = entry.Find(peer.Index, nlri.PathId);
        if (i < 0) return;
        bool wasBest = i == entry.Best;
        _attributes.Release(entry.Paths[i].Attributes);
        entry.RemoveAt(i);
        if (wasBest) Reselect(family, prefix, entry, force: true);
        if (entry.IsEmpty) table.Remove(prefix);
    }

    /// <summary>
    /// Runs the decision process for one prefix; when the best route changes (or <paramref name="force"/>:
    /// the best route's attributes or presence changed), queues the prefix for every peer.
    /// </summary>
    private void Reselect(AfiSafi family, Prefix prefix, RibEntry entry, bool force)
    {
        int before = entry.Best;
        int beforePeer = before >= 0 ? entry.Paths[before].Peer : -1;
        uint beforePathId = before >= 0 ? entry.Paths[before].PathId : 0;
        var beforeAttributes = before >= 0 ? entry.Paths[before].Attributes : null;

        int n = 0;
        if (_candidates.Length < entry.Count)
        {
            _candidates = new Candidate[entry.Count * 2];
            _candidateIndex = new int[entry.Count * 2];
        }
        for (int i = 0; i < entry.Count; i++)
        {
            ref var r = ref entry.Paths[i];
            if (r.Ineligible != Ineligible.None || _slots[r.Peer] is not { } from) continue;
            _candidates[n] = Candidate.Of(r, from);
            _candidateIndex[n++] = i;
        }
        int best = BestPath.Select(_candidates.AsSpan(0, n), _settings.Decision, out var step);
        entry.Best = best < 0 ? -1 : _candidateIndex[best];
        entry.BestStep = step;

        bool changed = force || entry.Best < 0 != before < 0
            || (entry.Best >= 0 && (entry.Paths[entry.Best].Peer != beforePeer || entry.Paths[entry.Best].PathId != beforePathId
                                    || !ReferenceEquals(entry.Paths[entry.Best].Attributes, beforeAttributes)));
        if (!changed) return;
        foreach (var peer in _byAddress.Values)
            if (!peer.Info.ExportNone && peer.Info.Families.Contains(family)) peer.MarkDirty(family, prefix);
    }

    // ---------------------------------------------------------------- output

    /// <summary>
    /// Up to <see cref="RibSettings.BatchPrefixes"/> of the peer's dirty prefixes turned into
    /// announcements (grouped by attribute set) and withdrawals, with the peer's Adj-RIB-Out brought
    /// up to date; End-of-RIB for a family once its initial table is out. Null when there is nothing
    /// to send.
    /// </summary>
    internal OutboundBatch? TakeBatch(RibPeer peer)
    {
        OutboundBatch? batch = null;
        int budget = _settings.BatchPrefixes;
        foreach (var family in Families)
        {
            if (budget <= 0) break;
            var table = _tables[family];
            if (peer.Dirty.TryGetValue(family, out var dirty) && dirty.Count > 0)
            {
                var taken = new List<Prefix>(Math.Min(budget, dirty.Count));
                foreach (var prefix in dirty)
                {
                    taken.Add(prefix);
                    if (taken.Count >= budget) break;
                }
                foreach (var prefix in taken)
                {
                    dirty.Remove(prefix);
                    budget--;
                    if (table.Find(prefix) is not { } entry) continue;
                    var desired = Desired(peer, family, entry, out _);
                    var sent = entry.OutFor(peer.Index);
                    if (ReferenceEquals(desired, sent)) continue;
                    if (sent is not null) Release(sent);
                    if (desired is not null) _attributes.AddRef(desired);
                    entry.SetOut(peer.Index, desired);
                    batch ??= new OutboundBatch(peer.Epoch);
                    var part = batch.For(family);
                    if (desired is null)
                    {
                        part.Withdrawn.Add(new Nlri(prefix));
                        peer.Withdrawn++;
                    }
                    else
                    {
                        part.Add(desired, new Nlri(prefix));
                        peer.Advertised++;
                    }
                    if (entry.IsEmpty) table.Remove(prefix);
                }
            }
            if ((dirty is null || dirty.Count == 0) && peer.Initial.Remove(family))
            {
                batch ??= new OutboundBatch(peer.Epoch);
                batch.For(family).EndOfRib = true;
            }
        }
        return batch;
    }

    /// <summary>
    /// Undoes a batch the session could not take: its prefixes are queued again with the peer's
    /// Adj-RIB-Out set to <see cref="Unknown"/>, so the next batch sends their current state
    /// (announcement or withdrawal) whatever it is then.
    /// </summary>
    internal void Requeue(RibPeer peer, OutboundBatch batch)
    {
        foreach (var part in batch.Families)
        {
            var table = _tables[part.Family];
            foreach (var n in part.Withdrawn) Forget(n.Prefix);
            foreach (var (_, list) in part.Announced) foreach (var n in list) Forget(n.Prefix);
            if (part.EndOfRib) peer.Initial.Add(part.Family);

            void Forget(Prefix prefix)
            {
                var entry = table.GetOrAdd(prefix);
                if (entry.OutFor(peer.Index) is { } sent) Release(sent);
                entry.SetOut(peer.Index, Unknown);
                peer.MarkDirty(part.Family, prefix);
            }
        }
        peer.Advertised -= batch.Families.Sum(f => f.Announced.Sum(g => g.Nlri.Count));
        peer.Withdrawn -= batch.Families.Sum(f => f.Withdrawn.Count);
    }

    private void Release(RouteAttributes attributes)
    {
        if (!ReferenceEquals(attributes, Unknown)) _attributes.Release(attributes);
    }

    /// <summary>What the peer should hold for this prefix now: the export of the best route, or null.</summary>
    private RouteAttributes? Desired(RibPeer to, AfiSafi family, RibEntry entry, out ExportVerdict verdict)
    {
        if (entry.Best < 0)
        {
            verdict = ExportVerdict.NoRoute;
            return null;
        }
        ref var best = ref entry.Paths[entry.Best];
        var from = _slots[best.Peer]!;
        verdict = ExportPolicy.Evaluate(from, best.Attributes, to, family, _export, _attributes, out var exported);
        return verdict == ExportVerdict.Advertise ? exported : null;
    }

    // ---------------------------------------------------------------- queries

    /// <summary>The routes a peer sent (Adj-RIB-In), with whether each is eligible and best.</summary>
    public IReadOnlyList<RibRoute> Received(IPAddress address, AfiSafi? family = null)
    {
        var result = new List<RibRoute>();
        if (!_byAddress.TryGetValue(address, out var peer)) return result;
        foreach (var (f, table) in _tables)
        {
            if (family is { } only && only != f) continue;
            foreach (var (prefix, entry) in table.All())
                for (int i = 0; i < entry.Count; i++)
                    if (entry.Paths[i].Peer == peer.Index) result.Add(ToRibRoute(f, prefix, entry, i));
        }
        return result;
    }

    /// <summary>The best route of every prefix (Loc-RIB).</summary>
    public IReadOnlyList<RibRoute> Best(AfiSafi? family = null)
    {
        var result = new List<RibRoute>();
        foreach (var (f, table) in _tables)
        {
            if (family is { } only && only != f) continue;
            foreach (var (prefix, entry) in table.All())
                if (entry.Best >= 0) result.Add(ToRibRoute(f, prefix, entry, entry.Best));
        }
        return result;
    }

    /// <summary>What was sent to a peer (Adj-RIB-Out).</summary>
    public IReadOnlyList<AdvertisedRoute> Advertised(IPAddress address, AfiSafi? family = null)
    {
        var result = new List<AdvertisedRoute>();
        if (!_byAddress.TryGetValue(address, out var peer)) return result;
        foreach (var (f, table) in _tables)
        {
            if (family is { } only && only != f) continue;
            foreach (var (prefix, entry) in table.All())
                if (entry.OutFor(peer.Index) is { } sent && !ReferenceEquals(sent, Unknown)) result.Add(new AdvertisedRoute(f, prefix, sent));
        }
        return result;
    }

    /// <summary>Every path for a prefix, the best first, each with the step it lost on against the best.</summary>
    public BestPathExplanation? ExplainBest(AfiSafi family, Prefix prefix)
    {
        if (!_tables.TryGetValue(family, out var table) || table.Find(prefix) is not { } entry || entry.Count == 0) return null;
        var paths = new List<ExplainedPath>();
        Candidate? winner = entry.Best >= 0 ? Candidate.Of(entry.Paths[entry.Best], _slots[entry.Paths[entry.Best].Peer]!) : null;
        for (int i = 0; i < entry.Count; i++)
        {
            var route = ToRibRoute(family, prefix, entry, i);
            BestPathStep? lostOn = null;
            if (i != entry.Best && route.Ineligible == Ineligible.None && winner is { } w && _slots[entry.Paths[i].Peer] is { } from)
            {
                BestPath.Compare(w, Candidate.Of(entry.Paths[i], from), _settings.Decision, out var step);
                lostOn = step;
            }
            paths.Add(new ExplainedPath(route, lostOn));
        }
        paths.Sort((a, b) => (b.Route.IsBest ? 1 : 0) - (a.Route.IsBest ? 1 : 0));
        return new BestPathExplanation(family, prefix, entry.Best >= 0 ? entry.BestStep : null, paths);
    }

    /// <summary>Whether and how the prefix is advertised to a peer, and which rule decided.</summary>
    public AdvertisedExplanation? ExplainAdvertised(AfiSafi family, Prefix prefix, IPAddress address)
    {
        if (!_byAddress.TryGetValue(address, out var peer) || !_tables.TryGetValue(family, out var table)) return null;
        if (table.Find(prefix) is not { } entry) return new AdvertisedExplanation(family, prefix, address, ExportVerdict.NoRoute, null, null, null);
        var desired = Desired(peer, family, entry, out var verdict);
        if (!peer.Info.Families.Contains(family)) verdict = ExportVerdict.FamilyNotNegotiated;
        var best = entry.Best >= 0 ? ToRibRoute(family, prefix, entry, entry.Best) : null;
        return new AdvertisedExplanation(family, prefix, address, verdict, best, desired, entry.OutFor(peer.Index));
    }

    /// <summary>Per up peer and family: routes received, eligible, and advertised.</summary>
    public RibSummary Summary()
    {
        var counts = new Dictionary<IPAddress, (Dictionary<AfiSafi, long> Received, Dictionary<AfiSafi, long> Accepted, Dictionary<AfiSafi, long> Advertised)>();
        foreach (var p in _byAddress.Values) counts[p.Info.Address] = ([], [], []);
        var byIndex = _byAddress.Values.ToDictionary(p => p.Index, p => counts[p.Info.Address]);
        long locRib = 0;
        foreach (var (family, table) in _tables)
        {
            foreach (var (_, entry) in table.All())
            {
                if (entry.Best >= 0) locRib++;
                for (int i = 0; i < entry.Count; i++)
                {
                    if (!byIndex.TryGetValue(entry.Paths[i].Peer, out var c)) continue;
                    c.Received[family] = c.Received.GetValueOrDefault(family) + 1;
                    if (entry.Paths[i].Ineligible == Ineligible.None) c.Accepted[family] = c.Accepted.GetValueOrDefault(family) + 1;
                }
                if (entry.Out is { } o)
                    for (int s = 0; s < o.Length; s++)
                        if (o[s] is { } sent && !ReferenceEquals(sent, Unknown) && byIndex.TryGetValue(s, out var c)) c.Advertised[family] = c.Advertised.GetValueOrDefault(family) + 1;
            }
        }
        return new RibSummary(
            counts.ToDictionary(kv => kv.Key, kv => new PeerRibCounts(true, kv.Value.Received, kv.Value.Accepted, kv.Value.Advertised)),
            locRib, _attributes.Count);
    }

    private RibRoute ToRibRoute(AfiSafi family, Prefix prefix, RibEntry entry, int i)
    {
        ref var r = ref entry.Paths[i];
        var from = _slots[r.Peer];
        return new RibRoute(family, new Nlri(prefix, r.PathId), from?.Info.Address ?? IPAddress.Any, from?.Role ?? PeerRole.Local,
            r.Attributes, r.Ineligible, i == entry.Best);
    }
}
