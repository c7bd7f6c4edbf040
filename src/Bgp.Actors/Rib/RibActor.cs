using System.Net;
using Bgp.Actors.Runtime;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Rib;

/// <summary>
/// The single owner of all routing state (<see cref="Rib"/>). Sessions feed it UPDATEs; after
/// each run of messages it drains every peer's dirty prefixes into <see cref="OutboundBatch"/>es
/// and hands them to the sessions, at most <see cref="MaxInFlight"/> unacknowledged per peer. A
/// peer that does not keep up stops getting batches; its changes keep accumulating as dirty
/// prefixes (bounded by the table size, latest state wins) and go out when it acknowledges again.
/// The RIB never waits for a session, so one slow peer never slows the others.
/// </summary>
public sealed class RibActor(RibSettings settings) : Actor<RibCommand>
{
    /// <summary>Batches handed to one session and not yet acknowledged.</summary>
    public const int MaxInFlight = 4;

    /// <summary>Batches sent per peer in one flush before other messages get their turn.</summary>
    private const int BatchesPerFlush = 4;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(20);

    private readonly Rib _rib = new(settings);
    private readonly Dictionary<IPAddress, ActorRef<SessionCommand>> _senders = [];
    private bool _flushQueued;

    /// <summary>The state, for tests that inspect it between messages.</summary>
    internal Rib State => _rib;

    protected override ValueTask OnReceiveAsync(RibCommand message)
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
                    Context.Log.LogInformation("peer {Peer} down ({Reason}): withdrew its {Count} routes", down.Peer, down.Reason, withdrawn);
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
                    Context.Log.LogInformation("policy changed: routes of {Reimported} peers evaluated again on import ({Changed} changed), {Reexported} peers' exports evaluated again",
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
                return ValueTask.CompletedTask;
        }
        if (_rib.LimitsPending) ReportLimits();
        if (!_flushQueued && AnythingToSend()) QueueFlush();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Tells each session whose peer went past <c>max_prefixes</c>; it closes with Cease/1. Until a
    /// session has been told (its mailbox may be full) this is retried with the flush timer, and the
    /// peer's further routes are not stored.
    /// </summary>
    private void ReportLimits()
    {
        bool all = true;
        foreach (var peer in _rib.Peers)
            if (peer is { LimitExceeded: not null, LimitReported: false }) all &= ReportLimit(peer);
        _rib.LimitsPending = !all;
    }

    private bool ReportLimit(RibPeer peer)
    {
        var (family, limit) = peer.LimitExceeded!.Value;
        if (!_senders.TryGetValue(peer.Info.Address, out var sender))
        {
            // a peer without a session (tests, tools): nothing to close, its routes past the limit are dropped
            peer.LimitReported = true;
            Context.Log.LogWarning("peer {Peer}: more than {Limit} {Family} routes (max_prefixes); further routes are dropped",
                peer.Info.Address, limit, family);
            return true;
        }
        peer.LimitReported = sender.TryTell(new SessionCommand.PrefixLimitExceeded(family, limit, peer.Info.SessionId));
        if (!peer.LimitReported) Context.Timers.StartSingle("flush", RibCommand.Flush.Instance, RetryAfter);
        return peer.LimitReported;
    }

    /// <summary>
    /// A Flush queued behind what is already in the mailbox, so a burst of UPDATEs is applied
    /// before anything goes out; a timer when the mailbox is full.
    /// </summary>
    private void QueueFlush()
    {
        _flushQueued = true;
        if (!Context.Self.TryTell(RibCommand.Flush.Instance)) Context.Timers.StartSingle("flush", RibCommand.Flush.Instance, RetryAfter);
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
        bool more = false, blocked = false;
        foreach (var peer in _rib.Peers)
        {
            if (!_senders.TryGetValue(peer.Info.Address, out var sender)) continue;
            for (int i = 0; i < BatchesPerFlush && peer.InFlight < MaxInFlight; i++)
            {
                // a batch is only taken once the session has room for it, so nothing taken is lost
                var batch = _rib.TakeBatch(peer);
                if (batch is null) break;
                if (!sender.TryTell(new SessionCommand.SendRoutes(batch)))
                {
                    // the session's mailbox is full: put the prefixes back as dirty and retry shortly
                    _rib.Requeue(peer, batch);
                    blocked = true;
                    break;
                }
                peer.InFlight++;
                peer.UpdatesQueued++;
            }
            if (peer.InFlight < MaxInFlight && (peer.DirtyCount > 0 || peer.Initial.Count > 0)) more = true;
        }
        if (blocked) Context.Timers.StartSingle("flush", RibCommand.Flush.Instance, RetryAfter);
        else if (more && !_flushQueued) QueueFlush();
    }

    /// <summary>For a PeerUp without peer info (tests, tools): an external or internal peer by AS.</summary>
    private RibPeerInfo DefaultInfo(RibCommand.PeerUp up) =>
        new(up.Peer, up.Session.PeerAs, settings.LocalAs, up.Session.PeerBgpId,
            up.Session.PeerAs == settings.LocalAs ? PeerRole.Internal : PeerRole.External, null, up.Session.Families, up.Session.Codec);
}
