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

/// <summary>What the peer sends: each frame through the FSM, and the window on the work handed to the RIB.</summary>
public sealed partial class PeerSessionActor
{
    /// <summary>A loop rather than List.Find: it runs for every inbound message, and a capturing lambda allocates.</summary>
    private Slot? Find(int connectionId)
    {
        foreach (var slot in _slots)
            if (slot.Connection?.Id == connectionId) return slot;
        return null;
    }

    // ---- inbound ---------------------------------------------------------------------------

    private void HandleInbound(Slot slot, InboundFrame frame)
    {
        _counters.CountIn(frame.Type);
        var result = frame.Result;
        FsmEvent ev;
        switch (result.Message)
        {
            case null:
                var notification = result.Errors?.Decisive?.ToNotification()
                    ?? new NotificationMessage(NotificationCode.MessageHeaderError, 0);
                _counters.LastError = result.Errors?.ToString();
                ev = frame.Type == MessageType.Open ? new BgpOpenMsgErr(notification) : new BgpHeaderErr(notification);
                break;
            case OpenMessage open:
                if (result.Notification is { } openError)
                {
                    _counters.LastError = $"malformed OPEN: {result.Errors}";
                    ev = new BgpOpenMsgErr(openError);
                }
                else ev = new BgpOpen(open);
                break;
            case KeepaliveMessage:
                ev = new KeepAliveMsg();
                break;
            case NotificationMessage received:
                _counters.NotificationsIn++;
                _counters.LastNotificationIn = NotificationText.Describe(received);
                _counters.LastError = "NOTIFICATION received: " + _counters.LastNotificationIn;
                Log.LogWarning("peer {Peer} AS{RemoteAs}: NOTIFICATION received {Notification}, code {Code} subcode {Subcode}, shutdown communication {ShutdownText}",
                    Peer, _settings.Neighbor.RemoteAsn, _counters.LastNotificationIn, (int)received.Code, received.Subcode,
                    received.ShutdownCommunication);
                PublishNotification(received, sent: false, _counters.LastNotificationIn);
                ev = received.Code == NotificationCode.OpenMessageError && received.Subcode == (byte)OpenErrorSubcode.UnsupportedVersionNumber
                    ? new NotifMsgVerErr(received)
                    : new NotifMsg(received);
                break;
            case UpdateMessage update:
                if (result.Action == ErrorAction.SessionReset || result.Action == ErrorAction.AfiSafiDisable)
                {
                    // AFI/SAFI disable (RFC 4760 §7) is carried out as the session reset RFC 7606 §5.3 allows
                    _counters.LastError = $"malformed UPDATE: {result.Errors}";
                    ev = new UpdateMsgErr(result.Errors!.Decisive!.ToNotification());
                    break;
                }
                if (result.Action == ErrorAction.TreatAsWithdraw)
                {
                    _counters.TreatAsWithdrawIn++;
                    Log.LogWarning("peer {Peer}: UPDATE treated as withdraw (RFC 7606): {Errors}", Peer, result.Errors);
                    update = update.AsTreatAsWithdraw();
                }
                else if (result.Action == ErrorAction.AttributeDiscard)
                    Log.LogInformation("peer {Peer}: attributes discarded (RFC 7606): {Errors}", Peer, result.Errors);
                _current = frame with { Result = new DecodeResult(update, result.Errors) };
                ev = UpdateMsgEvent;
                break;
            case RouteRefreshMessage:
                _current = frame;
                ev = new RouteRefreshMsg();
                break;
            default:
                return;
        }
        Step(slot, ev);
        _current = default;
    }

    /// <summary>Hands the UPDATEs gathered from the current batch to the RIB, counting them against the window.</summary>
    private void FlushUpdates()
    {
        if (_pendingUpdates.Count == 0) return;
        _ribWork += _pendingWork;
        _rib.Tell(new RibCommand.UpdatesReceived(Peer, _pendingUpdates, _pendingWork), Self);
        _pendingUpdates = [];
        _pendingWork = 0;
    }

    /// <summary>Everything else for the RIB goes after the UPDATEs already read, in order.</summary>
    private void TellRib(RibCommand command)
    {
        FlushUpdates();
        _rib.Tell(command, Self);
    }

    private void ReleaseAcks()
    {
        foreach (var stream in _heldAcks) stream.Tell(SessionCommand.InboundAck.Instance);
        _heldAcks.Clear();
    }
}
