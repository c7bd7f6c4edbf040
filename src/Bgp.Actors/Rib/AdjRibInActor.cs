using System.Net;
using Bgp.Actors.Runtime;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Rib;

/// <summary>
/// Owns what each peer announced (Adj-RIB-In), keyed by family and NLRI, and nothing else yet:
/// the decision process and distribution arrive with the RIB issue. Receives
/// <see cref="RibCommand.PeerUp"/>/<see cref="RibCommand.PeerDown"/>/<see cref="RibCommand.UpdateReceived"/>
/// from sessions; a peer going down withdraws everything it sent. Answers counts and route lists.
/// </summary>
public sealed class AdjRibInActor : Actor<RibCommand>
{
    private readonly Dictionary<IPAddress, PeerTable> _peers = [];

    private sealed class PeerTable
    {
        public bool Up;
        public readonly Dictionary<(AfiSafi Family, Nlri Nlri), EquatableArray<PathAttribute>> Routes = [];
    }

    protected override ValueTask OnReceiveAsync(RibCommand message)
    {
        switch (message)
        {
            case RibCommand.PeerUp up:
                Table(up.Peer).Up = true;
                break;
            case RibCommand.PeerDown down:
                if (_peers.Remove(down.Peer, out var gone) && gone.Routes.Count > 0)
                    Context.Log.LogInformation("peer {Peer} down ({Reason}): withdrew its {Count} routes", down.Peer, down.Reason, gone.Routes.Count);
                break;
            case RibCommand.UpdateReceived update:
                Apply(Table(update.Peer), update.Update);
                break;
            case RibCommand.GetSummary get:
                get.Reply.Complete(new RibSummary(_peers.ToDictionary(p => p.Key, p => new PeerRibCounts(p.Value.Up,
                    p.Value.Routes.Keys.GroupBy(k => k.Family).ToDictionary(g => g.Key, g => (long)g.Count())))));
                break;
            case RibCommand.GetReceivedRoutes get:
                get.Reply.Complete(_peers.TryGetValue(get.Peer, out var table)
                    ? table.Routes.Select(r => new ReceivedRoute(r.Key.Family, r.Key.Nlri, r.Value)).ToList()
                    : []);
                break;
        }
        return ValueTask.CompletedTask;
    }

    private PeerTable Table(IPAddress peer)
    {
        if (!_peers.TryGetValue(peer, out var table)) _peers[peer] = table = new PeerTable();
        return table;
    }

    private static void Apply(PeerTable table, UpdateMessage update)
    {
        foreach (var (family, nlri) in update.WithdrawnRoutes()) table.Routes.Remove((family, nlri));
        var announced = update.Announced();
        if (!announced.Any()) return;
        var attributes = update.Attributes;
        foreach (var (family, nlri) in announced) table.Routes[(family, nlri)] = attributes;
    }
}
