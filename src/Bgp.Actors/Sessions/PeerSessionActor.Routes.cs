using System.Buffers;
using System.Runtime.InteropServices;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Sessions;

/// <summary>The session's side of route distribution: what the RIB is told at PeerUp, and sending its batches.</summary>
public sealed partial class PeerSessionActor
{
    private RibPeerInfo RibInfo(Slot slot, NegotiatedSession session)
    {
        var n = _settings.Neighbor;
        var role = n.RouteServerClient ? PeerRole.RouteServerClient
            : n.RouteReflectorClient ? PeerRole.ReflectorClient
            : _settings.IsInternal ? PeerRole.Internal
            : PeerRole.External;
        var local = slot.Connection?.Transport.Local.Address;
        return new RibPeerInfo(Peer, session.PeerAs, _settings.Global.Asn, session.PeerBgpId, role, local, session.Families, session.Codec)
        {
            ImportNone = n.ImportNone,
            ExportNone = n.ExportNone,
            NextHopUnchanged = n.NextHopUnchanged,
            MaxPrefixes = n.MaxPrefixes,
            SessionId = _counters.EstablishedTransitions,
        };
    }

    /// <summary>
    /// The RIB says the peer went past <c>max_prefixes</c>: close the session with Cease/1 carrying the
    /// family and the limit (RFC 4486 §4). The session comes back after the usual idle hold, which
    /// grows with each consecutive failure. News about an earlier session is ignored.
    /// </summary>
    private void PrefixLimitExceeded(SessionCommand.PrefixLimitExceeded exceeded)
    {
        if (_established is not { } slot || slot.Fsm.State != SessionState.Established || exceeded.SessionId != _counters.EstablishedTransitions) return;
        var family = exceeded.Family.ToString();
        Log.LogWarning("peer {Peer} AS{RemoteAs}: sent more than {Limit} {Family} routes (max_prefixes); closing the session with Cease/1",
            Peer, _settings.Neighbor.RemoteAsn, exceeded.Limit, family);
        Step(slot, new AutomaticStop(NotificationMessage.MaximumPrefixes(exceeded.Family, exceeded.Limit),
            $"max_prefixes {family}={exceeded.Limit} exceeded: Cease/1 sent"));
    }

    /// <summary>
    /// The peer asks for our routes again (RFC 2918): the RIB re-sends everything it advertised for
    /// the family. A family that was not negotiated is ignored (RFC 2918 §4), as are the ORF and
    /// Enhanced Route Refresh demarcation subtypes (we do not yet send BoRR/EoRR ourselves).
    /// </summary>
    private void RouteRefreshReceived(RouteRefreshMessage refresh)
    {
        var session = _established?.Fsm.Session;
        if (session is null || !session.Families.Contains(refresh.Family) || refresh.Subtype != RouteRefreshSubtype.Normal)
        {
            Log.LogInformation("peer {Peer} AS{RemoteAs}: ROUTE-REFRESH for {Family} subtype {Subtype} ignored",
                Peer, _settings.Neighbor.RemoteAsn, refresh.Family.ToString(), refresh.Subtype);
            return;
        }
        Log.LogInformation("peer {Peer} AS{RemoteAs}: ROUTE-REFRESH for {Family}: sending the table again",
            Peer, _settings.Neighbor.RemoteAsn, refresh.Family.ToString());
        TellRib(new RibCommand.RefreshOut(Peer, refresh.Family));
    }

    /// <summary>Soft reset in: ROUTE-REFRESH to the peer for one or every negotiated family.</summary>
    private RouteRefreshResult RequestRouteRefresh(AfiSafi? family)
    {
        if (_established is not { Connection: not null } slot || slot.Fsm.State != SessionState.Established || slot.Fsm.Session is not { } session)
            return new([], $"neighbor {Peer} is not Established");
        if (!session.RouteRefresh) return new([], $"neighbor {Peer} did not negotiate route refresh (RFC 2918)");
        if (family is { } f && !session.Families.Contains(f)) return new([], $"{f} was not negotiated with neighbor {Peer}");
        IReadOnlyList<AfiSafi> families = family is { } one ? [one] : session.Families.Items;
        foreach (var each in families) Send(slot, new RouteRefreshMessage(each.Afi, each.Safi));
        Log.LogInformation("peer {Peer} AS{RemoteAs}: ROUTE-REFRESH sent for {Families} (soft reset in)",
            Peer, _settings.Neighbor.RemoteAsn, string.Join(", ", families));
        return new(families, null);
    }

    /// <summary>Writes still waiting for room in the connection's queue, in order; later batches queue behind them.</summary>
    private Task _routeWrites = Task.CompletedTask;

    /// <summary>
    /// Encodes a batch from the RIB with the session's codec and queues it on the connection. The
    /// RIB is acknowledged once the bytes are queued; when the connection's queue is full the write
    /// waits in the background (the session keeps running its timers and reading), so the RIB's
    /// limit on unacknowledged batches is what bounds the memory a slow peer can hold.
    /// </summary>
    private void SendRoutes(OutboundBatch batch)
    {
        if (_established?.Connection is not { } connection || _established.Fsm.State != SessionState.Established)
        {
            _rib.Tell(new RibCommand.BatchSent(Peer, batch.Epoch));   // stale: the RIB ignores its epoch
            return;
        }
        var bytes = EncodeRoutes(batch, connection.Context);
        if (bytes.Length == 0)
        {
            _rib.Tell(new RibCommand.BatchSent(Peer, batch.Epoch));
            return;
        }
        if (_routeWrites.IsCompleted && connection.TrySendEncoded(bytes))
        {
            _rib.Tell(new RibCommand.BatchSent(Peer, batch.Epoch));
            return;
        }
        _routeWrites = WriteLaterAsync(_routeWrites, connection, bytes, batch.Epoch);
    }

    private async Task WriteLaterAsync(Task previous, BgpConnection connection, byte[] bytes, long epoch)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await connection.SendEncodedAsync(bytes).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Threading.Channels.ChannelClosedException or OperationCanceledException)
        {
            // the connection closed meanwhile; the RIB learns of it through PeerDown
        }
        _rib.Tell(new RibCommand.BatchSent(Peer, epoch));
    }

    private byte[] EncodeRoutes(OutboundBatch batch, CodecContext codec)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        int messages = 0;
        foreach (var part in batch.Families)
        {
            if (part.Withdrawn.Count > 0)
            {
                messages += UpdatePacker.Withdraw(output, part.Family, CollectionsMarshal.AsSpan(part.Withdrawn), codec);
                _counters.PrefixesWithdrawnOut += part.Withdrawn.Count;
            }
            foreach (var (attributes, nlri) in part.Announced)
            {
                try
                {
                    messages += UpdatePacker.Announce(output, part.Family, attributes.NextHop, attributes.Attributes.AsSpan(),
                        CollectionsMarshal.AsSpan(nlri), codec);
                    _counters.PrefixesAnnouncedOut += nlri.Count;
                }
                catch (ArgumentException e)
                {
                    // attributes too large for the negotiated message size: these prefixes cannot be sent
                    Log.LogWarning("peer {Peer}: {Count} {Family} prefixes not sent: {Reason}", Peer, nlri.Count, part.Family.ToString(), e.Message);
                }
            }
            if (part.EndOfRib)
            {
                var eor = MessageEncoder.Encode(UpdateMessage.EndOfRib(part.Family), codec);
                output.Write(eor);
                messages++;
                Log.LogInformation("peer {Peer} AS{RemoteAs}: initial {Family} table sent, End-of-RIB", Peer,
                    _settings.Neighbor.RemoteAsn, part.Family.ToString());
            }
        }
        _counters.MessagesOut[(int)MessageType.Update] += messages;
        return output.WrittenSpan.ToArray();
    }
}
