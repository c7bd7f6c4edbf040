using System.Net;
using Bgp.Actors.Policy;
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
public sealed partial class Rib
{
    /// <summary>The slot of routes we originate (injected).</summary>
    public const int LocalPeer = 0;

    private readonly RibSettings _settings;
    private readonly ExportContext _export;
    private readonly AttributeTable _attributes = new();
    private readonly Dictionary<AfiSafi, RibTable> _tables = [];
    private readonly RibTable[] _tablesBySlot;
    private readonly List<RibPeer?> _slots = [];
    private readonly Dictionary<IPAddress, RibPeer> _byAddress = [];
    private long _epoch;
    private RoutingPolicy _policy = RoutingPolicy.Empty;
    private int[] _applied = new int[16];
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
        _tablesBySlot = new RibTable[Families.Length];
        for (int i = 0; i < Families.Length; i++) _tables[Families[i]] = _tablesBySlot[i] = new RibTable(Families[i], i);
        var local = new RibPeerInfo(IPAddress.Any, settings.LocalAs, settings.LocalAs, _export.RouterId, PeerRole.Local, null,
            new FamilySet(Families), CodecContext.Default);
        _slots.Add(new RibPeer(LocalPeer, local, ++_epoch));
    }

    /// <summary>The policy in force (<see cref="SetPolicy"/>).</summary>
    public RoutingPolicy Policy => _policy;

    public RibSettings Settings => _settings;

    /// <summary>Paths not stored because their prefix already held <see cref="RibEntry.MaxPaths"/>.</summary>
    public long PathsDropped { get; private set; }

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
        AssignPolicy(peer);
        _slots[index] = peer;
        _byAddress[info.Address] = peer;
        ApplyLimits(peer, info.MaxPrefixes);
        foreach (var table in _tablesBySlot)
        {
            if (!info.Families.Contains(table.Family)) continue;
            peer.Initial.Add(table.Family);
            if (info.ExportNone) continue;
            var export = peer.Exports[table.Slot];
            for (int i = 0; i < table.IndexLimit; i++)
                if (table.InUse(i) && table.At(i).Best >= 0) export.MarkDirty(i);
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
        var touched = new List<int>();
        foreach (var table in _tablesBySlot)
        {
            touched.Clear();
            foreach (var (index, sent) in peer.Exports[table.Slot].AllOut())
            {
                Release(sent);
                touched.Add(index);
            }
            for (int index = 0; index < table.IndexLimit; index++)
            {
                if (!table.InUse(index)) continue;
                ref var entry = ref table.At(index);
                bool removed = false, bestRemoved = false;
                for (int i = entry.Count - 1; i >= 0; i--)
                {
                    ref var path = ref entry.Path(i);
                    if (path.Peer != peer.Index) continue;
                    bestRemoved |= i == entry.Best;
                    ReleasePath(ref path);
                    entry.RemoveAt(i);
                    removed = true;
                    withdrawn++;
                }
                if (!removed) continue;
                Reselect(table, index, ref entry, force: bestRemoved);
                touched.Add(index);
            }
            foreach (int index in touched)
                if (table.InUse(index) && IsEmpty(table, index)) table.Remove(index);
        }
        return withdrawn;
    }

    /// <summary>
    /// Route refresh from the peer (RFC 2918): every prefix of the family it holds from us is sent
    /// again, with its current state, on the output path. Returns how many were queued.
    /// </summary>
    internal int RefreshOut(IPAddress address, AfiSafi family)
    {
        if (!_byAddress.TryGetValue(address, out var peer) || !_tables.TryGetValue(family, out var table)) return 0;
        var export = peer.Exports[table.Slot];
        int queued = 0;
        foreach (var (index, _) in export.AllOut().ToList())
        {
            SetOut(peer, table.Slot, index, Unknown);
            export.MarkDirty(index);
            queued++;
        }
        return queued;
    }

    /// <summary>
    /// Sets a peer's <c>max_prefixes</c> (a reload); a limit below what the peer already has counts as
    /// exceeded at once. A peer that is not up is ignored (its next PeerUp carries the limits).
    /// </summary>
    internal void SetLimits(IPAddress address, EquatableArray<Config.PrefixLimit> limits)
    {
        if (_byAddress.TryGetValue(address, out var peer)) ApplyLimits(peer, limits);
    }

    private void ApplyLimits(RibPeer peer, EquatableArray<Config.PrefixLimit> limits)
    {
        Array.Clear(peer.Limits);
        foreach (var limit in limits)
            if (_tables.TryGetValue(limit.Family, out var table))
            {
                peer.Limits[table.Slot] = limit.Limit;
                if (peer.Received[table.Slot] > limit.Limit) MarkLimitExceeded(peer, limit.Family, limit.Limit);
            }
    }

    /// <summary>Some peer went past a <c>max_prefixes</c> limit and its session may not have been told yet.</summary>
    internal bool LimitsPending { get; set; }

    private void MarkLimitExceeded(RibPeer peer, AfiSafi family, uint limit)
    {
        if (peer.LimitExceeded is not null) return;
        peer.LimitExceeded = (family, limit);
        LimitsPending = true;
    }

    /// <summary>No path and nothing sent to any peer that is up: the prefix can go.</summary>
    private bool IsEmpty(RibTable table, int index)
    {
        if (table.At(index).Count > 0) return false;
        foreach (var p in _byAddress.Values)
            if (p.Exports[table.Slot].OutAt(index) is not null) return false;
        return true;
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
            Import(peer, ipv4, update, new NextHop(nh.Address), update.Nlri);
        if (update.MpReach is { IsTyped: true } reach && reach.Nlri.Count > 0 && _tables.TryGetValue(reach.Family, out var reachTable))
            Import(peer, reachTable, update, reach.NextHop, reach.Nlri);
    }

    /// <summary>
    /// Stores announcements: the attributes as received, the eligibility checks, then the peer's
    /// import policy per prefix (a rejected route is kept, ineligible, for a later policy change).
    /// </summary>
    private void Import(RibPeer peer, RibTable table, UpdateMessage update, NextHop nextHop, EquatableArray<Nlri> nlri)
    {
        var received = InternReceived(update, nextHop);
        var input = ImportInput(peer, received, intern: true);
        var ineligible = Check(peer, input);
        var chain = ineligible == Ineligible.None ? peer.ImportChain : null;
        foreach (var n in nlri)
        {
            var attributes = input;
            var reason = ineligible;
            if (chain is not null) (attributes, reason) = ApplyImport(peer, chain, table.Family, n.Prefix, input);
            Announce(peer, table, n, attributes, ReferenceEquals(attributes, received) ? null : received, reason);
            if (!ReferenceEquals(attributes, input)) _attributes.Sweep(attributes);
        }
        _attributes.Sweep(input);
        _attributes.Sweep(received);
    }

    /// <summary>
    /// What import policy sees: the route as received, except that a LOCAL_PREF from an external
    /// peer is dropped (RFC 4271 §5.1.5: it must be ignored), so that one set by policy is the only kind.
    /// </summary>
    private RouteAttributes ImportInput(RibPeer peer, RouteAttributes received, bool intern)
    {
        if (!peer.Info.IsExternal || received.LocalPref is null) return received;
        var list = new List<PathAttribute>(received.Attributes.Count);
        foreach (var a in received.Attributes) if (a.Type != AttrType.LocalPref) list.Add(a);
        var stripped = new RouteAttributes(new EquatableArray<PathAttribute>([.. list]), received.NextHop);
        return intern ? _attributes.Intern(stripped) : stripped;
    }

    /// <summary>The import chain's verdict for one prefix and the attributes it leaves (interned, memoised on the input set).</summary>
    private (RouteAttributes Attributes, Ineligible Reason) ApplyImport(RibPeer peer, PolicyChain chain, AfiSafi family, Prefix prefix, RouteAttributes input)
    {
        if (_applied.Length < chain.StatementCount) _applied = new int[chain.StatementCount * 2];
        if (!chain.Evaluate(new PolicyInput(family, prefix, input, peer.Source), _applied, out int count)) return (input, Ineligible.PolicyRejected);
        if (count == 0) return (input, Ineligible.None);
        var applied = _applied.AsSpan(0, count);
        var memo = input.Memo ??= new AttributeMemo();
        if (memo.TryGet(peer, AttributeMemo.NoTarget, 0, chain, applied, out _, out var result))
            return (result is { References: 0 } ? _attributes.Intern(result) : result!, Ineligible.None);
        var changed = chain.Apply(input, family, applied, new PolicyContext(_settings.LocalAs, peer.LocalAddress, Export: false), out _);
        result = ReferenceEquals(changed, input) ? input : _attributes.Intern(changed);
        memo.Add(peer, AttributeMemo.NoTarget, 0, chain, applied, ExportVerdict.Advertise, result);
        return (result, Ineligible.None);
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
        Announce(_slots[LocalPeer]!, _tables[family], new Nlri(prefix), interned, null, Ineligible.None);
        _attributes.Sweep(interned);
    }

    /// <summary>Withdraws a route of ours; false when there was none.</summary>
    public bool RemoveInjected(AfiSafi family, Prefix prefix)
    {
        if (!_tables.TryGetValue(family, out var table) || table.Find(prefix) is not (>= 0 and var index) || table.At(index).Find(LocalPeer, 0) < 0) return false;
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

    private void Announce(RibPeer peer, RibTable table, Nlri nlri, RouteAttributes attributes, RouteAttributes? received, Ineligible ineligible)
    {
        int index = table.GetOrAdd(nlri.Prefix);
        ref var entry = ref table.At(index);
        int i = entry.Find(peer.Index, nlri.PathId);
        if (i >= 0)
        {
            ref var existing = ref entry.Path(i);
            if (ReferenceEquals(existing.Attributes, attributes) && ReferenceEquals(existing.Received, received) && existing.Ineligible == ineligible) return;
            Replace(peer, table, index, ref entry, i, attributes, received, ineligible);
            return;
        }
        if (peer.Limits[table.Slot] is uint limit && peer.Received[table.Slot] >= limit)
        {
            // RFC 4486: the peer is over its limit; nothing more is stored and its session is closed
            MarkLimitExceeded(peer, table.Family, limit);
            if (entry.Count == 0 && IsEmpty(table, index)) table.Remove(index);
            return;
        }
        if (!entry.Add(new Route { Peer = (ushort)peer.Index, PathId = nlri.PathId, Attributes = attributes, Received = received, Ineligible = ineligible }))
        {
            PathsDropped++;
            return;
        }
        peer.Received[table.Slot]++;
        if (ineligible != Ineligible.None) peer.IneligibleCount[table.Slot]++;
        _attributes.AddRef(attributes);
        if (received is not null) _attributes.AddRef(received);
        if (ineligible == Ineligible.None) Reselect(table, index, ref entry, force: false);
    }

    /// <summary>Gives an existing path new attributes or eligibility, and runs the decision again.</summary>
    private void Replace(RibPeer peer, RibTable table, int index, ref RibEntry entry, int i, RouteAttributes attributes, RouteAttributes? received, Ineligible ineligible)
    {
        ref var existing = ref entry.Path(i);
        peer.IneligibleCount[table.Slot] += (ineligible != Ineligible.None ? 1 : 0) - (existing.Ineligible != Ineligible.None ? 1 : 0);
        _attributes.AddRef(attributes);
        if (received is not null) _attributes.AddRef(received);
        ReleasePath(ref existing);
        existing.Attributes = attributes;
        existing.Received = received;
        existing.Ineligible = ineligible;
        Reselect(table, index, ref entry, force: i == entry.Best);
    }

    private void ReleasePath(ref Route path)
    {
        _attributes.Release(path.Attributes);
        if (path.Received is { } received) _attributes.Release(received);
    }

    private void Withdraw(RibPeer peer, RibTable table, Nlri nlri)
    {
        int index = table.Find(nlri.Prefix);
        if (index < 0) return;
        ref var entry = ref table.At(index);
        int i = entry.Find(peer.Index, nlri.PathId);
        if (i < 0) return;
        bool wasBest = i == entry.Best;
        if (entry.Path(i).Ineligible != Ineligible.None) peer.IneligibleCount[table.Slot]--;
        ReleasePath(ref entry.Path(i));
        entry.RemoveAt(i);
        peer.Received[table.Slot]--;
        if (wasBest) Reselect(table, index, ref entry, force: true);
        if (IsEmpty(table, index)) table.Remove(index);
    }

    /// <summary>
    /// Runs the decision process for one prefix; when the best route changes (or <paramref name="force"/>:
    /// the best route's attributes or presence changed), queues the prefix for every peer.
    /// </summary>
    private void Reselect(RibTable table, int index, ref RibEntry entry, bool force)
    {
        int before = entry.Best;
        int beforePeer = -1;
        uint beforePathId = 0;
        RouteAttributes? beforeAttributes = null;
        if (before >= 0)
        {
            ref var b = ref entry.Path(before);
            (beforePeer, beforePathId, beforeAttributes) = (b.Peer, b.PathId, b.Attributes);
        }

        entry.Best = SelectBest(ref entry, out _);
        // a forced reselect follows the best path's removal (RemoveAt already cleared Best) or change
        bool hadBest = before >= 0 || force, hasBest = entry.Best >= 0;
        if (hadBest != hasBest) table.BestCount += hasBest ? 1 : -1;

        bool changed = force || entry.Best < 0 != before < 0;
        if (!changed && entry.Best >= 0)
        {
            ref var now = ref entry.Path(entry.Best);
            changed = now.Peer != beforePeer || now.PathId != beforePathId || !ReferenceEquals(now.Attributes, beforeAttributes);
        }
        if (!changed) return;
        if (_watchers.Count > 0) NotifyWatchers(table, index, ref entry);
        foreach (var peer in _byAddress.Values)
            if (!peer.Info.ExportNone && peer.Info.Families.Contains(table.Family)) peer.Exports[table.Slot].MarkDirty(index);
    }

    /// <summary>The decision process over the eligible paths of an entry: the best one's index (or -1) and the deciding step.</summary>
    private int SelectBest(ref RibEntry entry, out BestPathStep step)
    {
        int n = 0, count = entry.Count;
        if (_candidates.Length < count)
        {
            _candidates = new Candidate[count * 2];
            _candidateIndex = new int[count * 2];
        }
        for (int i = 0; i < count; i++)
        {
            ref var r = ref entry.Path(i);
            if (r.Ineligible != Ineligible.None || _slots[r.Peer] is not { } from) continue;
            _candidates[n] = Candidate.Of(r, from);
            _candidateIndex[n++] = i;
        }
        int best = BestPath.Select(_candidates.AsSpan(0, n), _settings.Decision, out step);
        return best < 0 ? -1 : _candidateIndex[best];
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
        foreach (var table in _tablesBySlot)
        {
            if (budget <= 0) break;
            var family = table.Family;
            var export = peer.Exports[table.Slot];
            while (budget > 0)
            {
                int index = export.TakeDirty();
                if (index < 0) break;
                budget--;
                if (!table.InUse(index)) continue;
                var desired = Desired(peer, table, index, out _);
                var sent = export.OutAt(index);
                if (ReferenceEquals(desired, sent)) continue;
                SetOut(peer, table.Slot, index, desired);
                batch ??= new OutboundBatch(peer.Epoch);
                var part = batch.For(family);
                var prefix = table.PrefixAt(index);
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
                if (IsEmpty(table, index)) table.Remove(index);
            }
            if (export.DirtyCount == 0 && peer.Initial.Remove(family))
            {
                batch ??= new OutboundBatch(peer.Epoch);
                batch.For(family).EndOfRib = true;
            }
        }
        return batch;
    }

    private void Release(RouteAttributes attributes)
    {
        if (!ReferenceEquals(attributes, Unknown)) _attributes.Release(attributes);
    }

    /// <summary>Records what a peer holds for a prefix (Adj-RIB-Out), keeping reference counts and the peer's count right.</summary>
    private void SetOut(RibPeer peer, int slot, int index, RouteAttributes? value)
    {
        var export = peer.Exports[slot];
        var old = export.OutAt(index);
        if (ReferenceEquals(old, value)) return;
        if (old is not null && !ReferenceEquals(old, Unknown))
        {
            _attributes.Release(old);
            peer.OutCount[slot]--;
        }
        if (value is not null && !ReferenceEquals(value, Unknown))
        {
            _attributes.AddRef(value);
            peer.OutCount[slot]++;
        }
        export.SetOut(index, value);
    }

    /// <summary>What the peer should hold for this prefix now: the export of the best route, or null.</summary>
    private RouteAttributes? Desired(RibPeer to, RibTable table, int index, out ExportVerdict verdict)
    {
        ref var entry = ref table.At(index);
        if (entry.Best < 0)
        {
            verdict = ExportVerdict.NoRoute;
            return null;
        }
        ref var best = ref entry.Path(entry.Best);
        var from = _slots[best.Peer]!;
        if (to.ExportChain is { } chain && _applied.Length < chain.StatementCount) _applied = new int[chain.StatementCount * 2];
        verdict = ExportPolicy.Evaluate(from, best.Attributes, to, table.Family, table.PrefixAt(index), _export, _attributes, _applied, out var exported);
        return verdict == ExportVerdict.Advertise ? exported : null;
    }
}
