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

/// <summary>
/// One configured peer. Owns up to two connections, each driven by its own instance of the pure
/// <see cref="Fsm"/> (RFC 4271 §8: a second FSM exists only while a connection collision is being
/// resolved, §6.8): the primary, which starts, retries and backs off, and a secondary for a
/// connection the peer opened while the primary was already in OpenSent or OpenConfirm.
/// Receives <see cref="SessionCommand"/>s from the peer manager, its connections and its timers;
/// carries out the FSM's actions; tells the RIB when the session comes up, goes down and what the
/// peer announced. The UPDATEs of each inbound batch go to the RIB in one message; the RIB
/// acknowledges the work (<see cref="SessionCommand.RibApplied"/>), and while more than
/// <see cref="RibWindow"/> of it is unacknowledged the session holds the connection's stream
/// acknowledgement, so a busy RIB stops the socket being read instead of queueing without bound.
/// </summary>
public sealed partial class PeerSessionActor : UntypedActor, IWithTimers
{
    /// <summary>Work (prefixes, plus one per UPDATE) handed to the RIB and not yet applied, above which the session stops reading.</summary>
    public const long RibWindow = 64 * 1024;

    private static int s_ids;

    private PeerSessionSettings _settings;
    private readonly ActorRef<RibCommand> _rib;
    private readonly IBgpConnector _connector;
    private readonly PeerCounters _counters;
    private readonly EventHub? _events;
    private readonly OpenMessage _localOpen;
    private FsmSettings _fsmSettings;
    private FsmSettings _secondarySettings;
    private readonly List<Slot> _slots = [];
    private readonly List<Task> _closing = [];
    private bool _enabled;
    private Slot? _established;
    private InboundFrame _current;
    private readonly Dictionary<AfiSafi, long> _announcedSinceUp = [];
    private TimeProvider _clock = TimeProvider.System;
    private IMaterializer _materializer = null!;

    /// <summary>UPDATEs of the batch being handled, sent to the RIB together (<see cref="FlushUpdates"/>).</summary>
    private List<UpdateMessage> _pendingUpdates = [];
    private long _pendingWork;

    /// <summary>Work the RIB has been handed and not yet acknowledged.</summary>
    private long _ribWork;

    /// <summary>Inbound streams waiting for their acknowledgement until the RIB catches up.</summary>
    private readonly List<IActorRef> _heldAcks = [];

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Events without fields are values: one instance serves every UPDATE.</summary>
    private static readonly UpdateMsg UpdateMsgEvent = new();

    public PeerSessionActor(PeerSessionSettings settings, ActorRef<RibCommand> rib, IBgpConnector connector, PeerCounters counters,
        bool enabled = true, EventHub? events = null)
    {
        _settings = settings;
        _events = events;
        _rib = rib;
        _connector = connector;
        _counters = counters;
        _enabled = enabled;
        // Published at once: the manager answers AddNeighbor and ListNeighbors from the counters,
        // possibly before this actor has run its first step.
        _counters.Enabled = enabled;
        _localOpen = settings.BuildLocalOpen();
        _fsmSettings = settings.BuildFsmSettings(_localOpen);
        // a connection the peer opened while we were busy with our own: passive, never retried by itself
        _secondarySettings = _fsmSettings with { Passive = true, AllowAutomaticStart = false };
    }

    /// <summary>Props for a session (the peer manager's children; tests and benchmarks spawn them alone).</summary>
    public static Props Props(PeerSessionSettings settings, ActorRef<RibCommand> rib, IBgpConnector connector, PeerCounters counters,
        bool enabled = true, EventHub? events = null) =>
        Akka.Actor.Props.Create(() => new PeerSessionActor(settings, rib, connector, counters, enabled, events));

    private IPAddress Peer => _settings.Address;


    private sealed class Slot(int id, FsmSettings settings, FsmState state)
    {
        public int Id { get; } = id;
        public FsmSettings Settings { get; set; } = settings;
        public FsmState Fsm { get; set; } = state;
        public BgpConnection? Connection { get; set; }
        public CancellationTokenSource? Connecting { get; set; }
        public bool HoldArmed { get; set; }
        public DateTimeOffset HoldArmedFor { get; set; }
        public DateTimeOffset HoldDeadline { get; set; }
    }

    private Slot Primary => _slots[0];

    protected override void PreStart()
    {
        var services = ActorServices.Of(Context.System);
        _clock = services.Clock;
        _materializer = services.Materializer;
        _slots.Add(new Slot(Interlocked.Increment(ref s_ids), _fsmSettings, FsmState.Initial(_settings.Seed)));
        if (_enabled && _restartBackoff > TimeSpan.Zero) Timers.StartSingleTimer(RestartKey, StartAfterRestart.Instance, _restartBackoff);
        else if (_enabled) Step(Primary, StartEvent());
        Publish();
    }

    /// <summary>After a failure the new instance waits before it dials, longer the more often it failed lately.</summary>
    protected override void PostRestart(Exception reason)
    {
        _restartBackoff = _counters.RestartBackoff(ActorServices.Of(Context.System).Clock.GetUtcNow());
        base.PostRestart(reason);
    }

    private const string RestartKey = "restart-backoff";
    private TimeSpan _restartBackoff;

    private sealed class StartAfterRestart
    {
        public static readonly StartAfterRestart Instance = new();
    }

    private FsmEvent StartEvent() => _settings.Neighbor.Passive ? new ManualStartWithPassiveTcpEstablishment() : new ManualStart();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SessionCommand.Inbound inbound:
                foreach (var frame in inbound.Frames)
                {
                    // a frame can end the connection (NOTIFICATION, error): what follows it is not for us
                    if (Find(inbound.ConnectionId) is not { } slot) break;
                    HandleInbound(slot, frame);
                }
                FlushUpdates();
                if (_ribWork > RibWindow) _heldAcks.Add(Sender);
                else Sender.Tell(SessionCommand.InboundAck.Instance);
                break;
            case StartAfterRestart:
                if (_enabled && Primary.Fsm.State == SessionState.Idle) Step(Primary, StartEvent());
                break;
            case SessionCommand.InboundStarted:
                Sender.Tell(SessionCommand.InboundAck.Instance);
                break;
            case SessionCommand.RibApplied applied:
                _ribWork = Math.Max(0, _ribWork - applied.Work);
                if (_ribWork <= RibWindow / 2) ReleaseAcks();
                break;
            case SessionCommand.TimerFired timer:
                if (_slots.Find(s => s.Id == timer.SlotId) is { } timed) HandleTimer(timed, timer.Timer);
                break;
            case SessionCommand.Closed closed:
                if (Find(closed.ConnectionId) is { } lost)
                {
                    _counters.LastError = closed.Reason;
                    Step(lost, new TcpConnectionFails());
                }
                break;
            case SessionCommand.Connected connected:
                HandleConnected(connected);
                break;
            case SessionCommand.ConnectFailed failed:
                if (_slots.Find(s => s.Id == failed.SlotId) is { Connection: null, Connecting: not null } attempt
                    && attempt.Fsm.State == SessionState.Connect)
                {
                    attempt.Connecting = null;
                    _counters.LastError = $"connect to {Peer}:{_settings.RemotePort} failed: {failed.Reason}";
                    Step(attempt, new TcpConnectionFails());
                }
                break;
            case SessionCommand.Incoming incoming:
                HandleIncoming(incoming.Transport);
                break;
            case SessionCommand.Enable enable:
                if (!_enabled)
                {
                    _enabled = true;
                    Step(Primary, StartEvent());
                }
                enable.Acted?.Complete(true);
                break;
            case SessionCommand.Disable disable:
                _enabled = false;
                foreach (var each in _slots.ToList()) Step(each, new ManualStop(disable.Notification));
                Publish();
                // answered once the Cease has been written and the connections closed (at most 2 s)
                if (disable.Acted is { } acted) _ = ClosedAsync().ContinueWith(_ => acted.Complete(true), TaskScheduler.Default);
                break;
            case SessionCommand.Reconfigure reconfigure:
                // only changes that need no new OPEN come this way (passive, connect retry, description, limits)
                bool limitsChanged = !_settings.Neighbor.MaxPrefixes.Equals(reconfigure.Settings.Neighbor.MaxPrefixes);
                _settings = reconfigure.Settings;
                if (limitsChanged && _established is not null)
                    TellRib(new RibCommand.SetPrefixLimits(Peer, _settings.Neighbor.MaxPrefixes));
                _fsmSettings = _settings.BuildFsmSettings(_localOpen);
                _secondarySettings = _fsmSettings with { Passive = true, AllowAutomaticStart = false };
                if (_slots.Count > 0) Primary.Settings = _fsmSettings;
                break;
            case SessionCommand.GetStatus get:
                get.Reply.Complete(Status());
                break;
            case SessionCommand.SendRoutes send:
                SendRoutes(send.Batch);
                break;
            case SessionCommand.RequestRouteRefresh request:
                request.Reply.Complete(RequestRouteRefresh(request.Family));
                break;
            case SessionCommand.PrefixLimitExceeded exceeded:
                PrefixLimitExceeded(exceeded);
                break;
            case SessionCommand.InjectFault fault:
                throw new InvalidOperationException($"fault injected into the session with {Peer}: {fault.Why}");
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>On stop or before a restart: close our connections (draining in the background) and withdraw what the peer sent.</summary>
    protected override void PostStop()
    {
        foreach (var slot in _slots)
        {
            slot.Connecting?.Cancel();
            if (slot.Connection is { } connection)
            {
                if (slot.Fsm.State is SessionState.OpenSent or SessionState.OpenConfirm or SessionState.Established)
                    Send(slot, NotificationMessage.Shutdown("session restarted by the daemon", CeaseSubcode.AdministrativeReset));
                Close(connection);
            }
        }
        if (_established is not null)
        {
            _counters.Flaps++;
            _counters.EstablishedSince = null;
            TellRib(new RibCommand.PeerDown(Peer, "session actor stopped"));
        }
        _slots.Clear();
    }

    private void HandleTimer(Slot slot, TimerKind timer)
    {
        FsmEvent ev;
        switch (timer)
        {
            case TimerKind.Hold:
                slot.HoldArmed = false;
                var left = slot.HoldDeadline - _clock.GetUtcNow();
                if (left > TimeSpan.Zero)
                {
                    ArmHold(slot, left);  // traffic arrived since it was armed: the real deadline is later
                    return;
                }
                _counters.LastError = "hold timer expired";
                ev = new HoldTimerExpires();
                break;
            case TimerKind.Keepalive: ev = new KeepaliveTimerExpires(); break;
            case TimerKind.ConnectRetry: ev = new ConnectRetryTimerExpires(); break;
            case TimerKind.DelayOpen: ev = new DelayOpenTimerExpires(); break;
            case TimerKind.IdleHold: ev = new IdleHoldTimerExpires(); break;
            default: return;
        }
        Step(slot, ev);
    }

    // ---- the FSM and its actions -------------------------------------------------------------

    private void Step(Slot slot, FsmEvent ev)
    {
        var before = slot.Fsm.State;
        var transition = Fsm.Fsm.Step(slot.Settings, slot.Fsm, ev);
        slot.Fsm = transition.Next;
        var after = transition.Next.State;
        if (before != after)
        {
            _counters.LastStateChange = _clock.GetUtcNow();
            Log.LogInformation("peer {Peer} AS{RemoteAs}: {OldState} -> {NewState} on {Event}",
                Peer, _settings.Neighbor.RemoteAsn, before, after, ev.GetType().Name);
            if (_events is not null)
            {
                string reason = ev.GetType().Name;
                foreach (var action in transition.Actions)
                    if (action is SessionDown down) reason = $"{reason}: {down.Reason}";
                _events.Publish(new SessionStateEvent(_counters.LastStateChange, Peer, _settings.Neighbor.RemoteAsn, before, after, reason));
            }
        }
        var actions = transition.Actions;
        for (int i = 0; i < actions.Count; i++) Execute(slot, actions[i]);
        AfterStep(slot, before, after);
        if (before != after) Publish();   // state, session and error change only with the state
    }

    private void Execute(Slot slot, FsmAction action)
    {
        switch (action)
        {
            case InitiateConnection:
                Connect(slot);
                break;
            case DropConnection:
                slot.Connecting?.Cancel();
                slot.Connecting = null;
                if (slot.Connection is { } connection) Close(connection);
                slot.Connection = null;
                break;
            case SendOpen:
                Send(slot, _localOpen);
                break;
            case SendKeepalive:
                Send(slot, KeepaliveMessage.Instance);
                break;
            case SendNotification send:
                _counters.NotificationsOut++;
                _counters.LastNotificationOut = NotificationText.Describe(send.Notification);
                Log.LogWarning("peer {Peer} AS{RemoteAs}: NOTIFICATION sent {Notification}, code {Code} subcode {Subcode}, shutdown communication {ShutdownText}",
                    Peer, _settings.Neighbor.RemoteAsn, _counters.LastNotificationOut, (int)send.Notification.Code, send.Notification.Subcode,
                    send.Notification.ShutdownCommunication);
                PublishNotification(send.Notification, sent: true, _counters.LastNotificationOut);
                Send(slot, send.Notification);
                break;
            case StartTimer { Timer: TimerKind.Hold } hold:
                // Restarting a timer per UPDATE is costly during a full table: keep the armed timer
                // and move the deadline; the expiry re-arms for what is left (see HandleTimer).
                slot.HoldDeadline = _clock.GetUtcNow() + hold.Duration;
                if (!slot.HoldArmed || slot.HoldArmedFor > slot.HoldDeadline) ArmHold(slot, hold.Duration);
                break;
            case StartTimer start:
                Timers.StartSingleTimer((slot.Id, start.Timer), new SessionCommand.TimerFired(slot.Id, start.Timer), start.Duration);
                break;
            case StopTimer { Timer: TimerKind.Hold }:
                slot.HoldArmed = false;
                Timers.Cancel((slot.Id, TimerKind.Hold));
                break;
            case StopTimer stop:
                Timers.Cancel((slot.Id, stop.Timer));
                break;
            case SessionEstablished up:
                Established(slot, up.Session);
                break;
            case SessionDown down:
                if (_established == slot)
                {
                    _established = null;
                    _counters.Flaps++;
                    _counters.EstablishedSince = null;
                    _counters.LastError ??= down.Reason;
                    Log.LogWarning("peer {Peer} AS{RemoteAs}: session down: {Reason}", Peer, _settings.Neighbor.RemoteAsn, down.Reason);
                    TellRib(new RibCommand.PeerDown(Peer, down.Reason));
                    // the streams of this session are gone; nothing it had read is waiting for the RIB any more
                    _ribWork = 0;
                    ReleaseAcks();
                }
                break;
            case ProcessUpdate:
                if (_current.Result.Message is UpdateMessage update)
                {
                    if (update.IsEndOfRib(out var eorFamily))
                        Log.LogInformation("peer {Peer} AS{RemoteAs}: End-of-RIB for {Family}: {Count} prefixes announced since the session came up",
                            Peer, _settings.Neighbor.RemoteAsn, eorFamily.ToString(), _announcedSinceUp.GetValueOrDefault(eorFamily));
                    // counted from the NLRI lists, not by enumerating routes: this runs once per UPDATE
                    CountAnnounced(AfiSafi.Ipv4Unicast, update.Nlri.Count);
                    if (update.MpReach is { } reach) CountAnnounced(reach.Family, reach.Nlri.Count);
                    int withdrawn = update.Withdrawn.Count + (update.MpUnreach?.Nlri.Count ?? 0);
                    _counters.PrefixesWithdrawnIn += withdrawn;
                    _pendingUpdates.Add(update);
                    _pendingWork += 1 + update.Nlri.Count + (update.MpReach?.Nlri.Count ?? 0) + withdrawn;
                }
                else if (_current.Result.Message is RouteRefreshMessage refresh)
                    RouteRefreshReceived(refresh);
                break;
        }
    }

    private void CountAnnounced(AfiSafi family, int count)
    {
        if (count == 0) return;
        _counters.PrefixesAnnouncedIn += count;
        _announcedSinceUp[family] = _announcedSinceUp.GetValueOrDefault(family) + count;
    }

    private void ArmHold(Slot slot, TimeSpan due)
    {
        slot.HoldArmed = true;
        slot.HoldArmedFor = _clock.GetUtcNow() + due;
        Timers.StartSingleTimer((slot.Id, TimerKind.Hold), new SessionCommand.TimerFired(slot.Id, TimerKind.Hold), due);
    }

    private void Established(Slot slot, NegotiatedSession session)
    {
        // the winner becomes the primary; any other connection is closed as a collision loser
        foreach (var other in _slots.Where(s => s != slot).ToList())
        {
            if (other.Connection is not null) Step(other, new OpenCollisionDump());
            Discard(other);
        }
        _slots.Remove(slot);
        _slots.Insert(0, slot);
        slot.Settings = _fsmSettings;
        _established = slot;
        _announcedSinceUp.Clear();
        _counters.EstablishedTransitions++;
        _counters.EstablishedSince = _clock.GetUtcNow();
        _counters.LastError = null;
        // the status the API reads says Established from here, not only after the RIB has taken PeerUp
        Publish();
        Log.LogInformation(
            "peer {Peer} AS{RemoteAs}: established; hold {HoldTime} s, families {Families}, 4-octet AS {FourOctetAs}, extended messages {ExtendedMessages}, route refresh {RouteRefresh}, peer BGP ID {PeerBgpId}",
            Peer, session.PeerAs, (int)session.HoldTime.TotalSeconds, session.Families.ToString(), session.FourOctetAs,
            session.ExtendedMessages, session.RouteRefresh, new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(session.PeerBgpId)));
        TellRib(new RibCommand.PeerUp(Peer, session, RibInfo(slot, session), new ActorRef<SessionCommand>(Self)));
    }

    /// <summary>Collision handling (§6.8) and retiring a secondary FSM that fell back to Idle.</summary>
    private void AfterStep(Slot slot, SessionState before, SessionState after)
    {
        if (after == SessionState.Idle && slot != Primary)
        {
            Discard(slot);
            return;
        }
        if (after == SessionState.Idle && _slots.Count > 1 && slot == Primary && before != SessionState.Idle)
        {
            // the primary failed while a second connection is in progress: that one carries on as primary
            var next = _slots[1];
            Discard(slot);
            next.Settings = _fsmSettings with { AllowAutomaticStart = _enabled };
            return;
        }
        if (after != SessionState.OpenConfirm || before == SessionState.OpenConfirm || _slots.Count < 2) return;
        var other = _slots.Find(s => s != slot)!;
        // §6.8: the OPEN just received names the peer's BGP identifier, which is all the other
        // connection (OpenSent or OpenConfirm) needs to be compared with
        if (CollisionResolver.Check(other.Fsm.State) != CollisionCheck.Resolve || slot.Fsm.Session is not { } session) return;
        var outcome = CollisionResolver.Resolve(_fsmSettings.LocalBgpId, session.PeerBgpId, _fsmSettings.LocalAs, session.PeerAs);
        bool keepOutgoing = outcome == CollisionOutcome.KeepOutgoing;
        var loser = _slots.Find(s => s.Connection is { } c && c.Outgoing != keepOutgoing);
        if (loser is null) return;
        Log.LogInformation("peer {Peer}: connection collision (RFC 4271 §6.8): keeping the {Kept} connection", Peer,
            keepOutgoing ? "outgoing" : "incoming");
        var winner = _slots.Find(s => s != loser)!;
        _slots.Remove(winner);
        _slots.Insert(0, winner);
        winner.Settings = _fsmSettings with { AllowAutomaticStart = _enabled && _fsmSettings.AllowAutomaticStart };
        Step(loser, new OpenCollisionDump());
        Discard(loser);
    }

}
