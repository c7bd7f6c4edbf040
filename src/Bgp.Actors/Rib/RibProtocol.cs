using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>What sessions and the API tell the RIB actor.</summary>
public abstract record RibCommand
{
    private protected RibCommand() { }

    /// <summary>
    /// A session reached Established with these negotiated parameters. <paramref name="Info"/> says
    /// how to treat the peer; <paramref name="Sender"/> receives <see cref="SessionCommand.SendRoutes"/>.
    /// Null for either means the peer only feeds the RIB and is sent nothing (tests, benchmarks).
    /// </summary>
    public sealed record PeerUp(IPAddress Peer, NegotiatedSession Session, RibPeerInfo? Info = null,
        ActorRef<SessionCommand>? Sender = null) : RibCommand;

    /// <summary>A session left Established: everything learned from the peer is withdrawn.</summary>
    public sealed record PeerDown(IPAddress Peer, string Reason) : RibCommand;

    /// <summary>An UPDATE received from the peer (already turned into withdrawals where RFC 7606 said so); not acknowledged.</summary>
    public sealed record UpdateReceived(IPAddress Peer, UpdateMessage Update) : RibCommand;

    /// <summary>
    /// The UPDATEs a session read in one go, in order. The RIB answers the sender with
    /// <see cref="SessionCommand.RibApplied"/> carrying <paramref name="Work"/> once they are applied:
    /// the session's credit window on work not yet applied (prefixes, see <see cref="UpdateWork"/>)
    /// is what bounds the memory a fast peer can make the RIB hold.
    /// </summary>
    public sealed record UpdatesReceived(IPAddress Peer, IReadOnlyList<UpdateMessage> Updates, long Work) : RibCommand;

    /// <summary>The peer sent ROUTE-REFRESH for a family: everything advertised to it goes again.</summary>
    public sealed record RefreshOut(IPAddress Peer, AfiSafi Family) : RibCommand;

    /// <summary>A new policy is in force (start-up, reload, API): routes are re-evaluated where chains changed.</summary>
    public sealed record SetPolicy(Policy.RoutingPolicy Policy, Reply<Rib.PolicyChangeResult>? Reply = null) : RibCommand;

    /// <summary>The neighbor's <c>max_prefixes</c> changed (a reload) while its session is up.</summary>
    public sealed record SetPrefixLimits(IPAddress Peer, EquatableArray<Config.PrefixLimit> Limits) : RibCommand;

    /// <summary>A session has handed a batch to its connection: the RIB may send it the next one.</summary>
    public sealed record BatchSent(IPAddress Peer, long Epoch) : RibCommand;

    /// <summary>Originates a route (the API's injection path). Replies with null on success or the reason it was refused.</summary>
    public sealed record InjectRoute(AfiSafi Family, Prefix Prefix, NextHop NextHop, EquatableArray<PathAttribute> Attributes,
        Reply<string?> Reply) : RibCommand;

    /// <summary>Withdraws a route we originated; replies whether there was one.</summary>
    public sealed record RemoveInjectedRoute(AfiSafi Family, Prefix Prefix, Reply<bool> Reply) : RibCommand;

    public sealed record GetSummary(Reply<RibSummary> Reply) : RibCommand, IQueryMessage;
    /// <summary>
    /// Registers a best-route watcher; the reply is the current best routes that pass its filter
    /// (when <paramref name="IncludeCurrent"/>), taken in the same step, so with the events that follow
    /// it is the table without a gap or a duplicate.
    /// </summary>
    public sealed record WatchRoutes(RouteWatch Watch, bool IncludeCurrent, Reply<IReadOnlyList<RibRoute>> Reply) : RibCommand, IQueryMessage;

    public sealed record GetReceivedRoutes(IPAddress Peer, Reply<IReadOnlyList<RibRoute>> Reply, AfiSafi? Family = null) : RibCommand, IQueryMessage;

    public sealed record GetBestRoutes(Reply<IReadOnlyList<RibRoute>> Reply, AfiSafi? Family = null) : RibCommand, IQueryMessage;

    public sealed record GetAdvertisedRoutes(IPAddress Peer, Reply<IReadOnlyList<AdvertisedRoute>> Reply, AfiSafi? Family = null) : RibCommand, IQueryMessage;

    public sealed record ExplainBest(AfiSafi Family, Prefix Prefix, Reply<BestPathExplanation?> Reply) : RibCommand, IQueryMessage;

    public sealed record ExplainAdvertised(AfiSafi Family, Prefix Prefix, IPAddress Peer, Reply<AdvertisedExplanation?> Reply) : RibCommand, IQueryMessage;

    /// <summary>Internal: drain the output path (self-sent).</summary>
    internal sealed record Flush : RibCommand
    {
        public static readonly Flush Instance = new();
    }
}

/// <summary>Route counts of the whole RIB.</summary>
public sealed record RibSummary(IReadOnlyDictionary<IPAddress, PeerRibCounts> Peers, long LocRibPrefixes = 0, int AttributeSets = 0)
{
    /// <summary>Routes received from all up peers.</summary>
    public long TotalPrefixes => Peers.Values.Sum(p => p.Total);
}

/// <summary>Per family: routes received from a peer, of which eligible for best path, and routes advertised to it.</summary>
public sealed record PeerRibCounts(bool Up, IReadOnlyDictionary<AfiSafi, long> PrefixesByFamily,
    IReadOnlyDictionary<AfiSafi, long>? AcceptedByFamily = null, IReadOnlyDictionary<AfiSafi, long>? AdvertisedByFamily = null)
{
    /// <summary>Routes received, all families.</summary>
    public long Total => PrefixesByFamily.Values.Sum();
    public long Accepted => AcceptedByFamily?.Values.Sum() ?? 0;
    public long Advertised => AdvertisedByFamily?.Values.Sum() ?? 0;
}

/// <summary>A route in the RIB: where it came from, its attributes (after import policy), whether it is eligible and best.</summary>
public sealed record RibRoute(AfiSafi Family, Nlri Nlri, IPAddress Peer, PeerRole PeerRole, RouteAttributes Attributes,
    Ineligible Ineligible, bool IsBest)
{
    /// <summary>The attributes as received, when import processing changed them (null: the same as <see cref="Attributes"/>).</summary>
    public RouteAttributes? Received { get; init; }

    public RouteAttributes AsReceived => Received ?? Attributes;
}

/// <summary>A route as advertised to a peer (after the export rules).</summary>
public sealed record AdvertisedRoute(AfiSafi Family, Prefix Prefix, RouteAttributes Attributes);

/// <summary>
/// A path for a prefix and, unless it is the best or ineligible, the step it lost on against the
/// best; with how the source's import policy treated it, when the source has one.
/// </summary>
public sealed record ExplainedPath(RibRoute Route, BestPathStep? LostOn)
{
    public Policy.PolicyTrace? Import { get; init; }
}

/// <summary>Why the best route for a prefix won: the step that set it apart, and every path with where it lost.</summary>
public sealed record BestPathExplanation(AfiSafi Family, Prefix Prefix, BestPathStep? Step, IReadOnlyList<ExplainedPath> Paths);

/// <summary>
/// Whether the prefix goes to a peer and why: the export rule's verdict, the best route it applies
/// to, the attributes it would be sent with, and what the peer was last sent.
/// </summary>
public sealed record AdvertisedExplanation(AfiSafi Family, Prefix Prefix, IPAddress Peer, ExportVerdict Verdict,
    RibRoute? Best, RouteAttributes? Exported, RouteAttributes? LastSent)
{
    /// <summary>How the peer's export policy treated the best route (null when the peer has none or the rules stopped the route first).</summary>
    public Policy.PolicyTrace? Export { get; init; }
}

/// <summary>
/// What the RIB hands a session to send: per family, withdrawals, announcements grouped by
/// attribute set (one group, as few UPDATEs as the message size allows), and End-of-RIB markers.
/// The session encodes it with its negotiated codec.
/// </summary>
public sealed class OutboundBatch(long epoch)
{
    public long Epoch { get; } = epoch;
    public List<FamilyBatch> Families { get; } = [];

    public FamilyBatch For(AfiSafi family)
    {
        foreach (var f in Families) if (f.Family == family) return f;
        var created = new FamilyBatch(family);
        Families.Add(created);
        return created;
    }

    public int Prefixes => Families.Sum(f => f.Withdrawn.Count + f.Announced.Sum(g => g.Nlri.Count));
}

public sealed class FamilyBatch(AfiSafi family)
{
    public AfiSafi Family { get; } = family;
    public List<Nlri> Withdrawn { get; } = [];
    public List<(RouteAttributes Attributes, List<Nlri> Nlri)> Announced { get; } = [];
    public bool EndOfRib { get; set; }

    private Dictionary<RouteAttributes, List<Nlri>>? _groups;
    private RouteAttributes? _last;
    private List<Nlri>? _lastList;

    public void Add(RouteAttributes attributes, Nlri nlri)
    {
        if (!ReferenceEquals(attributes, _last))
        {
            _groups ??= new(ReferenceEqualityComparer.Instance);
            if (!_groups.TryGetValue(attributes, out _lastList))
            {
                _groups[attributes] = _lastList = [];
                Announced.Add((attributes, _lastList));
            }
            _last = attributes;
        }
        _lastList!.Add(nlri);
    }
}
