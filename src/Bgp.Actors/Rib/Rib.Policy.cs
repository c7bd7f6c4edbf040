using Bgp.Actors.Policy;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>Putting a new policy in force: soft reconfiguration inbound and re-evaluation outbound, no session touched.</summary>
public sealed partial class Rib
{
    /// <summary>What <see cref="SetPolicy"/> did.</summary>
    public readonly record struct PolicyChangeResult(int PeersReimported, int PeersReexported, int RoutesChanged);

    /// <summary>
    /// Puts <paramref name="policy"/> in force. For each peer that is up: when its import chain (or
    /// its peer group) changed, every route it sent is run through the new chain again from the
    /// attributes as received, which the RIB keeps (soft reconfiguration inbound, RFC 2918 not
    /// needed); when its export chain changed, every prefix is evaluated for it again and the
    /// differences go out as announcements and withdrawals. Peers whose chains did not change are
    /// not touched.
    /// </summary>
    public PolicyChangeResult SetPolicy(RoutingPolicy policy)
    {
        _policy = policy;
        int reimported = 0, reexported = 0, changed = 0;
        var regrouped = new List<RibPeer>();
        foreach (var peer in _byAddress.Values)
        {
            var import = policy.Import(peer.Info.Address);
            var export = policy.Export(peer.Info.Address);
            string? group = policy.PeerGroup(peer.Info.Address);
            bool groupChanged = group != peer.Source.PeerGroup;
            bool importChanged = !ReferenceEquals(import, peer.ImportChain) || groupChanged;
            bool exportChanged = !ReferenceEquals(export, peer.ExportChain);
            if (!importChanged && !exportChanged) continue;
            AssignPolicy(peer);
            peer.MemoEpoch = ++_epoch;
            if (groupChanged) regrouped.Add(peer);
            if (importChanged)
            {
                changed += Reimport(peer);
                reimported++;
            }
            if (exportChanged)
            {
                MarkAllDirty(peer);
                reexported++;
            }
        }
        // other peers' export chains may match on a regrouped peer (neighbor sets): its routes are evaluated again for everyone
        if (regrouped.Count > 0)
            foreach (var table in _tablesBySlot)
                for (int index = 0; index < table.IndexLimit; index++)
                {
                    if (!table.InUse(index) || table.At(index).Best is not (>= 0 and var best)) continue;
                    int from = table.At(index).Path(best).Peer;
                    if (!regrouped.Exists(p => p.Index == from)) continue;
                    foreach (var peer in _byAddress.Values)
                        if (!peer.Info.ExportNone && peer.Info.Families.Contains(table.Family)) peer.Exports[table.Slot].MarkDirty(index);
                }
        return new PolicyChangeResult(reimported, reexported, changed);
    }

    private void AssignPolicy(RibPeer peer)
    {
        if (peer.Index == LocalPeer) return;
        peer.ImportChain = _policy.Import(peer.Info.Address);
        peer.ExportChain = _policy.Export(peer.Info.Address);
        peer.Source = peer.Source with { PeerGroup = _policy.PeerGroup(peer.Info.Address) };
    }

    /// <summary>Runs every route from the peer through its import processing again; returns how many changed.</summary>
    private int Reimport(RibPeer peer)
    {
        int changed = 0;
        foreach (var table in _tablesBySlot)
            for (int index = 0; index < table.IndexLimit; index++)
            {
                if (!table.InUse(index)) continue;
                ref var entry = ref table.At(index);
                for (int i = 0; i < entry.Count; i++)
                {
                    ref var path = ref entry.Path(i);
                    if (path.Peer != peer.Index) continue;
                    var received = path.Received ?? path.Attributes;
                    var input = ImportInput(peer, received, intern: true);
                    var reason = Check(peer, input);
                    var attributes = input;
                    if (reason == Ineligible.None && peer.ImportChain is { } chain)
                        (attributes, reason) = ApplyImport(peer, chain, table.Family, table.PrefixAt(index), input);
                    var keep = ReferenceEquals(attributes, received) ? null : received;
                    if (!ReferenceEquals(attributes, path.Attributes) || !ReferenceEquals(keep, path.Received) || reason != path.Ineligible)
                    {
                        Replace(peer, table, index, ref entry, i, attributes, keep, reason);
                        changed++;
                    }
                    _attributes.Sweep(input);
                    if (!ReferenceEquals(attributes, input)) _attributes.Sweep(attributes);
                }
            }
        return changed;
    }

    /// <summary>Queues every prefix for the peer: what it should hold is worked out again and the differences sent.</summary>
    private void MarkAllDirty(RibPeer peer)
    {
        foreach (var table in _tablesBySlot)
        {
            if (!peer.Info.Families.Contains(table.Family) || peer.Info.ExportNone) continue;
            var export = peer.Exports[table.Slot];
            for (int index = 0; index < table.IndexLimit; index++)
                if (table.InUse(index) && (table.At(index).Best >= 0 || export.OutAt(index) is not null)) export.MarkDirty(index);
        }
    }

    /// <summary>How the peer's import chain treats one of its routes now (null: the peer has no import chain).</summary>
    internal PolicyTrace? ExplainImport(RibPeer from, AfiSafi family, Prefix prefix, in Route route)
    {
        if (from.ImportChain is not { } chain || route.Ineligible is not (Ineligible.None or Ineligible.PolicyRejected)) return null;
        var input = ImportInput(from, route.Received ?? route.Attributes, intern: false);
        return chain.Explain(new PolicyInput(family, prefix, input, from.Source), new PolicyContext(_settings.LocalAs, from.LocalAddress, Export: false));
    }

    /// <summary>How the peer's export chain treats the best route for a prefix (null: no chain, or no best route).</summary>
    internal PolicyTrace? ExplainExport(RibPeer to, RibTable table, int index)
    {
        ref var entry = ref table.At(index);
        if (to.ExportChain is not { } chain || entry.Best < 0) return null;
        ref var best = ref entry.Path(entry.Best);
        var from = _slots[best.Peer]!;
        return chain.Explain(new PolicyInput(table.Family, table.PrefixAt(index), best.Attributes, from.Source),
            new PolicyContext(_settings.LocalAs, to.LocalAddress, Export: true));
    }
}
