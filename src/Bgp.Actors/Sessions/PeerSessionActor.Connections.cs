using System.Net;
using Bgp.Actors.Events;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Akka.Actor;
using Akka.Streams;
using Bgp.Actors.Typed;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Sessions;

/// <summary>The session's connections: dialling, accepting the peer's, sending, closing.</summary>
public sealed partial class PeerSessionActor
{
    private void HandleConnected(SessionCommand.Connected connected)
    {
        var slot = _slots.Find(s => s.Id == connected.SlotId);
        if (slot is not { Connection: null, Connecting: not null } || slot.Fsm.State != SessionState.Connect)
        {
            connected.Transport.Dispose();  // the attempt was abandoned meanwhile
            return;
        }
        slot.Connecting = null;
        Attach(slot, connected.Transport, outgoing: true);
        Step(slot, new TcpCrAcked());
    }

    /// <summary>
    /// A connection from the peer. Into the primary when it is waiting for one (Connect, Active);
    /// into a second FSM when the primary is mid-handshake (collision, resolved once an OPEN names
    /// the peer's BGP identifier); refused when the primary is Established (§6.8) or Idle.
    /// </summary>
    private void HandleIncoming(BgpTransport transport)
    {
        var primary = Primary;
        // lets the peer in between our own dials; refused while the idle hold damps an oscillating session
        if (primary.Fsm.State == SessionState.Idle && _enabled && _slots.Count == 1)
            Step(primary, new AutomaticStartWithPassiveTcpEstablishment());
        // two connections already and neither Established: one the peer opened and never sent an OPEN on
        // gives way to the new one (it cannot take part in collision resolution, RFC 4271 §6.8), so a
        // silent connection cannot keep the real router out
        if (_slots.Count == 2 && _enabled && _established is null && SilentIncoming() is { } silent)
        {
            Log.LogInformation("peer {Peer}: connection from {Remote} replaces {Old}, which has sent no OPEN", Peer, transport.Remote,
                silent.Connection!.Transport.Remote);
            Step(silent, new OpenCollisionDump());
            if (_slots.Contains(silent)) Discard(silent);
            HandleIncoming(transport);
            return;
        }
        switch (primary.Fsm.State)
        {
            case SessionState.Connect or SessionState.Active when _enabled:
                primary.Connecting?.Cancel();
                primary.Connecting = null;
                if (primary.Connection is { } pending) Close(pending);
                Attach(primary, transport, outgoing: false);
                Step(primary, new TcpConnectionConfirmed());
                return;
            case SessionState.OpenSent or SessionState.OpenConfirm when _slots.Count == 1:
                var second = new Slot(Interlocked.Increment(ref s_ids), _secondarySettings,
                    FsmState.Initial(_settings.Seed ^ (ulong)Interlocked.Increment(ref s_ids)));
                _slots.Add(second);
                Step(second, new ManualStartWithPassiveTcpEstablishment());
                Attach(second, transport, outgoing: false);
                Step(second, new TcpConnectionConfirmed());
                return;
            default:
                var why = !_enabled ? "the session is administratively disabled"
                    : primary.Fsm.State == SessionState.Established ? "a session is already established (RFC 4271 §6.8)"
                    : $"the session is {primary.Fsm.State}";
                Log.LogInformation("peer {Peer}: refused a connection from {Remote}: {Why}", Peer, transport.Remote, why);
                var refused = new BgpConnection(0, false, transport, _localOpen, PeerKind);
                if (primary.Fsm.State == SessionState.Established)
                {
                    refused.TrySend(new NotificationMessage(NotificationCode.Cease, (byte)CeaseSubcode.ConnectionCollisionResolution));
                    refused.StartWriter(_materializer);
                    Close(refused);
                }
                else _ = refused.DisposeAsync();
                return;
        }
    }

    /// <summary>The oldest connection the peer opened that is still waiting for the peer's OPEN.</summary>
    private Slot? SilentIncoming()
    {
        Slot? oldest = null;
        foreach (var slot in _slots)
            if (slot is { Connection.Outgoing: false, Fsm.State: SessionState.OpenSent } && (oldest is null || slot.Connection.Id < oldest.Connection!.Id))
                oldest = slot;
        return oldest;
    }

        private PeerKind PeerKind => _settings.IsInternal ? PeerKind.Internal : PeerKind.External;

    private void Attach(Slot slot, BgpTransport transport, bool outgoing)
    {
        var connection = new BgpConnection(Interlocked.Increment(ref s_ids), outgoing, transport, _localOpen, PeerKind);
        slot.Connection = connection;
        connection.Start(_materializer, Self);
        Log.LogDebug("peer {Peer}: {Direction} connection {Local} -> {Remote}", Peer, outgoing ? "outgoing" : "incoming",
            transport.Local, transport.Remote);
    }

    private void Discard(Slot slot)
    {
        slot.Connecting?.Cancel();
        if (slot.Connection is { } connection) Close(connection);
        slot.Connection = null;
        foreach (var kind in Enum.GetValues<TimerKind>()) Timers.Cancel((slot.Id, kind));
        _slots.Remove(slot);
    }

    /// <summary>Closes in the background (the writer drains a queued NOTIFICATION first); stop waits for these.</summary>
    private void Close(BgpConnection connection)
    {
        _closing.RemoveAll(t => t.IsCompleted);
        _closing.Add(connection.CloseAsync(TimeSpan.FromSeconds(1)));
    }

    private void Send(Slot slot, BgpMessage message)
    {
        if (slot.Connection is not { } connection) return;
        _counters.CountOut(message.Type);
        if (!connection.TrySend(message)) _ = SendLaterAsync(connection, message);
    }

    private static async Task SendLaterAsync(BgpConnection connection, BgpMessage message)
    {
        try
        {
            await connection.SendAsync(message).ConfigureAwait(false);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // closed meanwhile
        }
    }

    private void Connect(Slot slot)
    {
        slot.Connecting?.Cancel();
        var cts = new CancellationTokenSource();
        slot.Connecting = cts;
        var request = new ConnectRequest(new IPEndPoint(Peer, _settings.RemotePort), _settings.Neighbor.LocalAddress,
            _settings.Neighbor.Md5Password, _settings.Neighbor.TtlSecurityHops, _settings.MultihopTtl);
        var self = Self;
        int slotId = slot.Id;
        var connector = _connector;
        _ = Task.Run(async () =>
        {
            try
            {
                var transport = await connector.ConnectAsync(request, cts.Token).ConfigureAwait(false);
                if (cts.IsCancellationRequested) transport.Dispose();
                else self.Tell(new SessionCommand.Connected(slotId, transport));
            }
            catch (Exception ex) when (!cts.IsCancellationRequested)
            {
                self.Tell(new SessionCommand.ConnectFailed(slotId, ex.Message));
            }
            catch (Exception)
            {
                // abandoned attempt
            }
        });
    }

    /// <summary>Completes when the connections being closed have drained and closed, or after 2 s.</summary>
    private Task ClosedAsync()
    {
        _closing.RemoveAll(t => t.IsCompleted);
        return Task.WhenAll(_closing).WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
