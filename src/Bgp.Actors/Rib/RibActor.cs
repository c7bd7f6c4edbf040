using System.Net;
using Akka.Actor;
using Bgp.Actors.Sessions;
using Bgp.Actors.Typed;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Rib;

/// <summary>
/// The single owner of all routing state (<see cref="Rib"/>). Sessions feed it UPDATEs; after
/// each run of messages it drains every peer's dirty prefixes into <see cref="OutboundBatch"/>es
/// and hands them to the sessions, at most <see cref="MaxInFlight"/> unacknowledged per peer. A
/// peer that does not keep up stops getting batches; its changes keep accumulating as dirty
/// prefixes (bounded by the table size, latest state wins) and go out when it acknowledges again.
/// The RIB never waits for a session, so one slow peer never slows the others. Inbound, every
/// <see cref="RibCommand.UpdatesReceived"/> is acknowledged once applied: the sessions' credit
/// windows, not the mailbox, bound the work queued here (docs/ARCHITECTURE.md, "A connection's stream graph and where backpressure acts").
/// </summary>
public sealed class RibActor : UntypedActor
{
    private readonly RibSettings _settings;
    private readonly Rib _rib;
    private ILogger _log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public RibActor(RibSettings settings)
    {
        _settings = settings;
        _rib = new Rib(settings);
    }

    /// <summary>Props for the RIB, on the mailbox that answers queries first.</summary>
    public static Props Props(RibSettings settings) =>
        Akka.Actor.Props.Create(() => new RibActor(settings)).WithMailbox(QueryFirstMailbox.ConfigPath);

    protected override void PreStart() => _log = Context.LoggerFactory().CreateLogger("Bgp.Actors.Rib");

    /// <summary>Batches handed to one session and not yet acknowledged.</summary>
    public const int MaxInFlight = 4;

    /// <summary>Batches sent per peer in one flush before other messages get their turn.</summary>
    private const int BatchesPerFlush = 4;

    private readonly Dictionary<IPAddress, ActorRef<SessionCommand>> _senders = [];
    private bool _flushQueued;

    /// <summary>The state, for tests that inspect it between messages.</summary>
    internal Rib State => _rib;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RibCommand.PeerUp up:
                var info = up.Info ?? DefaultInfo(up);
                if (up.Sender is null) info = info with { ExportNone = true };
                _rib.PeerUp(info);
                if (up.Sender is { } sender) _senders[up.Peer] = sender; else _senders.Remove(up.Peer);
                break;
            case RibCommand.PeerDown down:
                _senders.Remove(down.Peer);
                int withdrawn = _rib.PeerDown(down.Peer);
                if (withdrawn > 0)
                    _log.LogInformation("peer {Peer} down ({Reason}): withdrew its {Count} routes", down.Peer, down.Reason, withdrawn);
                break;
            case RibCommand.UpdatesReceived updates:
                foreach (var update in updates.Updates) _rib.Apply(updates.Peer, update);
                if (!Sender.IsNobody()) Sender.Tell(new SessionCommand.RibApplied(updates.Work));
                break;
            case RibCommand.UpdateReceived update:
                _rib.Apply(update.Peer, update.Update);
                break;
            case RibCommand.RefreshOut refresh:
                _rib.RefreshOut(refresh.Peer, refresh.Family);
                break;
            case RibCommand.SetPolicy set:
                var result = _rib.SetPolicy(set.Policy);
                if (result.PeersReimported + result.PeersReexported > 0)
                    _log.LogInformation("policy changed: routes of {Reimported} peers evaluated again on import ({Changed} changed), {Reexported} peers' exports evaluated again",
                        result.PeersReimported, result.RoutesChanged, result.PeersReexported);
                set.Reply?.Complete(result);
                break;
            case RibCommand.SetPrefixLimits limits:
                _rib.SetLimits(limits.Peer, limits.Limits);
                break;
            case RibCommand.BatchSent sent:
                if (_rib.Peer(sent.Peer) is { } acked && acked.Epoch == sent.Epoch && acked.InFlight > 0) acked.InFlight--;
                break;
            case RibCommand.InjectRoute inject:
                try
                {
                    _rib.Inject(inject.Family, inject.Prefix, inject.NextHop, inject.Attributes.AsSpan());
                    inject.Reply.Complete(null);
                }
                catch (ArgumentException e)
                {
                    inject.Reply.Complete(e.Message);
                }
                break;
            case RibCommand.RemoveInjectedRoute remove:
                remove.Reply.Complete(_rib.RemoveInjected(remove.Family, remove.Prefix));
                break;
            case RibCommand.GetSummary get:
                get.Reply.Complete(_rib.Summary());
                break;
            case RibCommand.WatchRoutes watch:
                watch.Reply.Complete(_rib.Watch(watch.Watch, watch.IncludeCurrent));
                break;
            case RibCommand.GetReceivedRoutes get:
                get.Reply.Complete(_rib.Received(get.Peer, get.Family));
                break;
            case RibCommand.GetBestRoutes get:
                get.Reply.Complete(_rib.Best(get.Family));
                break;
            case RibCommand.GetAdvertisedRoutes get:
                get.Reply.Complete(_rib.Advertised(get.Peer, get.Family));
                break;
            case RibCommand.ExplainBest explain:
                explain.Reply.Complete(_rib.ExplainBest(explain.Family, explain.Prefix));
                break;
            case RibCommand.ExplainAdvertised explain:
                explain.Reply.Complete(_rib.ExplainAdvertised(explain.Family, explain.Prefix, explain.Peer));
                break;
            case RibCommand.Flush:
                _flushQueued = false;
                Flush();
                return;
            default:
                Unhandled(message);
                return;
        }
        if (_rib.LimitsPending) ReportLimits();
        if (!_flushQueued && AnythingToSend()) QueueFlush();
    }

    /// <summary>
    /// Tells each session whose peer went past <c>max_prefixes</c>; it closes with Cease/1. The
    /// peer's further routes are not stored.
    /// </summary>
    private void ReportLimits()
    {
        foreach (var peer in _rib.Peers)
            if (peer is { LimitExceeded: not null, LimitReported: false }) ReportLimit(peer);
        _rib.LimitsPending = false;
    }

    private void ReportLimit(RibPeer peer)
    {
        var (family, limit) = peer.LimitExceeded!.Value;
        if (!_senders.TryGetValue(peer.Info.Address, out var sender))
        {
            // a peer without a session (tests, tools): nothing to close, its routes past the limit are dropped
            peer.LimitReported = true;
            _log.LogWarning("peer {Peer}: more than {Limit} {Family} routes (max_prefixes); further routes are dropped",
                peer.Info.Address, limit, family);
            return;
        }
        sender.Tell(new SessionCommand.PrefixLimitExceeded(family, limit, peer.Info.SessionId));
        peer.LimitReported = true;
    }

    /// <summary>A Flush queued behind what is already in the mailbox, so a burst of UPDATEs is applied before anything goes out.</summary>
    private void QueueFlush()
    {
        _flushQueued = true;
        Self.Tell(RibCommand.Flush.Instance);
    }

    private bool AnythingToSend()
    {
        foreach (var peer in _rib.Peers)
            if (_senders.ContainsKey(peer.Info.Address) && peer.InFlight < MaxInFlight && (peer.DirtyCount > 0 || peer.Initial.Count > 0))
                return true;
        return false;
    }

    private void Flush()
    {
        if (_rib.LimitsPending) ReportLimits();
        bool more = false;
        foreach (var peer in _rib.Peers)
        {
            if (!_senders.TryGetValue(peer.Info.Address, out var sender)) continue;
            for (int i = 0; i < BatchesPerFlush && peer.InFlight < MaxInFlight; i++)
            {
                // at most MaxInFlight batches wait in a session at once: that bounds what a slow peer holds
                var batch = _rib.TakeBatch(peer);
                if (batch is null) break;
                sender.Tell(new SessionCommand.SendRoutes(batch));
                peer.InFlight++;
                peer.UpdatesQueued++;
            }
            if (peer.InFlight < MaxInFlight && (peer.DirtyCount > 0 || peer.Initial.Count > 0)) more = true;
        }
        if (more && !_flushQueued) QueueFlush();
    }

    /// <summary>For a PeerUp without peer info (tests, tools): an external or internal peer by AS.</summary>
    private RibPeerInfo DefaultInfo(RibCommand.PeerUp up) =>
        new(up.Peer, up.Session.PeerAs, _settings.LocalAs, up.Session.PeerBgpId,
            up.Session.PeerAs == _settings.LocalAs ? PeerRole.Internal : PeerRole.External, null, up.Session.Families, up.Session.Codec);
}
