using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>The decision-process step that separated two routes (RFC 4271 §9.1.2.2, RFC 4456 §9).</summary>
public enum BestPathStep
{
    /// <summary>No competitor: the only eligible route.</summary>
    OnlyPath,
    /// <summary>Higher LOCAL_PREF (for routes from external peers: the default 100).</summary>
    LocalPref,
    /// <summary>Originated by us (injected) over learned from a peer.</summary>
    LocallyOriginated,
    /// <summary>Shorter AS_PATH (an AS_SET counts 1, confederation segments 0).</summary>
    AsPathLength,
    /// <summary>Lower ORIGIN (IGP &lt; EGP &lt; INCOMPLETE).</summary>
    Origin,
    /// <summary>Lower MULTI_EXIT_DISC, between routes from the same neighbouring AS (or any, with always-compare-med).</summary>
    Med,
    /// <summary>Learned from an external peer over learned from an internal one.</summary>
    ExternalOverInternal,
    /// <summary>Lower BGP identifier of the advertising router (the ORIGINATOR_ID when present).</summary>
    RouterId,
    /// <summary>Shorter CLUSTER_LIST (RFC 4456 §9).</summary>
    ClusterListLength,
    /// <summary>Lower peer address.</summary>
    PeerAddress,
    /// <summary>Lower path identifier (two Add-Path routes from the same peer).</summary>
    PathId,
}

/// <summary>Switches of the decision process (config <c>[global]</c>).</summary>
public sealed record DecisionOptions(bool AlwaysCompareMed = false, bool DeterministicMed = true)
{
    public static readonly DecisionOptions Default = new();
}

/// <summary>
/// One route as the decision process sees it: the values it compares, gathered from the route's
/// attributes and the peer it came from.
/// </summary>
public readonly record struct Candidate(
    uint LocalPref,
    bool IsLocal,
    int AsPathLength,
    Origin Origin,
    uint Med,
    uint? NeighborAs,
    bool IsExternal,
    uint RouterId,
    int ClusterListLength,
    IpAddr PeerAddress,
    uint PathId)
{
    /// <summary>
    /// LOCAL_PREF when none is given. A route from an external peer has none unless its import
    /// policy set one: the RIB drops a received LOCAL_PREF on import (RFC 4271 §5.1.5).
    /// </summary>
    public const uint DefaultLocalPref = 100;

    internal static Candidate Of(in Route route, RibPeer peer)
    {
        var a = route.Attributes;
        bool local = peer.Role == PeerRole.Local;
        uint localPref = a.LocalPref ?? DefaultLocalPref;
        uint routerId = a.OriginatorId is { IsV4: true } originator ? originator.V4Value : peer.Info.RouterId;
        return new Candidate(localPref, local, a.AsPathLength, a.Origin, a.Med ?? 0, a.NeighborAs, peer.Info.IsExternal,
            routerId, a.ClusterList.Count, peer.Address, route.PathId);
    }
}

/// <summary>
/// The BGP decision process (RFC 4271 §9.1.2.2 with RFC 4456 §9), as pure functions over
/// <see cref="Candidate"/>s. Next-hop reachability is not a step: this daemon has no IGP, every
/// next hop counts as reachable at equal cost.
/// </summary>
public static class BestPath
{
    /// <summary>
    /// Negative when <paramref name="a"/> is better, positive when <paramref name="b"/> is;
    /// <paramref name="step"/> names the step that decided. Zero only for identical candidates.
    /// </summary>
    public static int Compare(in Candidate a, in Candidate b, DecisionOptions options, out BestPathStep step)
    {
        step = BestPathStep.LocalPref;
        if (a.LocalPref != b.LocalPref) return a.LocalPref > b.LocalPref ? -1 : 1;
        step = BestPathStep.LocallyOriginated;
        if (a.IsLocal != b.IsLocal) return a.IsLocal ? -1 : 1;
        step = BestPathStep.AsPathLength;
        if (a.AsPathLength != b.AsPathLength) return a.AsPathLength < b.AsPathLength ? -1 : 1;
        step = BestPathStep.Origin;
        if (a.Origin != b.Origin) return a.Origin < b.Origin ? -1 : 1;
        step = BestPathStep.Med;
        if (a.Med != b.Med && (options.AlwaysCompareMed || a.NeighborAs == b.NeighborAs)) return a.Med < b.Med ? -1 : 1;
        step = BestPathStep.ExternalOverInternal;
        if (a.IsExternal != b.IsExternal) return a.IsExternal ? -1 : 1;
        step = BestPathStep.RouterId;
        if (a.RouterId != b.RouterId) return a.RouterId < b.RouterId ? -1 : 1;
        step = BestPathStep.ClusterListLength;
        if (a.ClusterListLength != b.ClusterListLength) return a.ClusterListLength < b.ClusterListLength ? -1 : 1;
        step = BestPathStep.PeerAddress;
        int byAddress = a.PeerAddress.CompareTo(b.PeerAddress);
        if (byAddress != 0) return byAddress;
        step = BestPathStep.PathId;
        return a.PathId.CompareTo(b.PathId);
    }

    /// <summary>
    /// The index of the best of <paramref name="candidates"/> (−1 when empty) and the step that
    /// set it apart from the runner-up. With deterministic MED the routes are first grouped by
    /// neighbouring AS, the best of each group chosen (MED applies there), then the group winners
    /// compared; otherwise routes are compared pairwise in order, so the result can depend on the
    /// order when MED is not comparable between all of them (RFC 4271 §9.1.2.2 c).
    /// </summary>
    public static int Select(ReadOnlySpan<Candidate> candidates, DecisionOptions options, out BestPathStep step)
    {
        step = BestPathStep.OnlyPath;
        if (candidates.Length == 0) return -1;
        if (candidates.Length == 1) return 0;
        int best;
        if (options.DeterministicMed && !options.AlwaysCompareMed)
        {
            best = -1;
            // a group's winner is the best route of its neighbouring AS; the overall winner is the
            // best group winner. Quadratic in the number of paths, which is small per prefix.
            for (int i = 0; i < candidates.Length; i++)
            {
                bool groupWinner = true;
                for (int j = 0; j < candidates.Length && groupWinner; j++)
                {
                    if (j == i || candidates[j].NeighborAs != candidates[i].NeighborAs) continue;
                    int c = Compare(candidates[j], candidates[i], options, out _);
                    if (c < 0 || (c == 0 && j < i)) groupWinner = false;
                }
                if (!groupWinner) continue;
                if (best < 0 || Compare(candidates[i], candidates[best], options, out _) < 0) best = i;
            }
        }
        else
        {
            best = 0;
            for (int i = 1; i < candidates.Length; i++)
                if (Compare(candidates[i], candidates[best], options, out _) < 0) best = i;
        }
        // the reason reported: against the strongest competitor (the one that lost latest in the order of steps)
        var reason = BestPathStep.LocalPref;
        for (int i = 0; i < candidates.Length; i++)
        {
            if (i == best) continue;
            Compare(candidates[best], candidates[i], options, out var s);
            if (s > reason) reason = s;
        }
        step = reason;
        return best;
    }
}
