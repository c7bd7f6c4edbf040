using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Runtime;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>What sessions and the API tell the RIB actor.</summary>
public abstract record RibCommand
{
    private protected RibCommand() { }

    /// <summary>A session reached Established with these negotiated parameters.</summary>
    public sealed record PeerUp(IPAddress Peer, NegotiatedSession Session) : RibCommand;

    /// <summary>A session left Established: everything learned from the peer is withdrawn.</summary>
    public sealed record PeerDown(IPAddress Peer, string Reason) : RibCommand;

    /// <summary>An UPDATE received from the peer (already turned into withdrawals where RFC 7606 said so).</summary>
    public sealed record UpdateReceived(IPAddress Peer, UpdateMessage Update) : RibCommand;

    public sealed record GetSummary(Reply<RibSummary> Reply) : RibCommand;

    public sealed record GetReceivedRoutes(IPAddress Peer, Reply<IReadOnlyList<ReceivedRoute>> Reply) : RibCommand;
}

public sealed record RibSummary(IReadOnlyDictionary<IPAddress, PeerRibCounts> Peers)
{
    public long TotalPrefixes => Peers.Values.Sum(p => p.Total);
}

public sealed record PeerRibCounts(bool Up, IReadOnlyDictionary<AfiSafi, long> PrefixesByFamily)
{
    public long Total => PrefixesByFamily.Values.Sum();
}

public sealed record ReceivedRoute(AfiSafi Family, Nlri Nlri, EquatableArray<PathAttribute> Attributes);
