using Bgp.Actors.Events;
using Bgp.Actors.Typed;
using Bgp.Actors.Fsm;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Sessions;

/// <summary>What a session tells the rest of the daemon about itself: status, events, logs.</summary>
public sealed partial class PeerSessionActor
{
    /// <summary>This neighbor's logger: its own log_level, its address and AS on every entry.</summary>
    private ILogger Log => _log ??= new PeerLogger(Context.LoggerFactory().CreateLogger(PeerLogger.Category), Peer,
        () => _settings.Neighbor.RemoteAsn, () => _settings.Neighbor.LogLevel);

    private ILogger? _log;

    private void PublishNotification(NotificationMessage notification, bool sent, string description) =>
        _events?.Publish(new NotificationEvent(_clock.GetUtcNow(), Peer, _settings.Neighbor.RemoteAsn, sent, notification.Code,
            notification.Subcode, description, notification.ShutdownCommunication));

    private PeerStatus Status()
    {
        Publish();
        return PeerStatus.From(_settings.Neighbor, _counters, _clock.GetUtcNow());
    }

    /// <summary>Publishes the state the manager reports without asking (see <see cref="PeerCounters"/>).</summary>
    private void Publish()
    {
        var main = _established ?? (_slots.Count > 0 ? Primary : null);
        var state = SessionState.Idle;
        foreach (var slot in _slots)
            if (slot.Fsm.State > state) state = slot.Fsm.State;
        _counters.State = state;
        _counters.Enabled = _enabled;
        _counters.Negotiated = _established?.Fsm.Session;
        _counters.FsmError = main?.Fsm.LastError;
    }
}
