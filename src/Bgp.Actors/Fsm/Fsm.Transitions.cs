using Bgp.Wire;
using static Bgp.Actors.Fsm.SessionState;

namespace Bgp.Actors.Fsm;

/// <summary>The helpers the transition table in Fsm.cs calls: one per RFC 4271 §8.2.2 paragraph shape.</summary>
public static partial class Fsm
{
    // The timers "releases all BGP resources" stops (§8.2.2); IdleHold is damping's own and runs in Idle.
    private static readonly FsmAction[] ReleaseTimers =
    [
        new StopTimer(TimerKind.ConnectRetry), new StopTimer(TimerKind.DelayOpen),
        new StopTimer(TimerKind.Hold), new StopTimer(TimerKind.Keepalive),
    ];

    private static FsmTransition Stay(FsmState st, params FsmAction[] actions) => new(st, actions);

    private static bool MayStartAutomatically(FsmSettings s, FsmState st) =>
        s.AllowAutomaticStart && !st.AdministrativelyStopped && !st.IdleHoldRunning;

    /// <summary>
    /// Idle, events 1, 3, 4, 5 and 13: ConnectRetryCounter to zero, ConnectRetryTimer started, a connection
    /// initiated, listening; to Connect. Passive starts only listen, in Active.
    /// </summary>
    private static FsmTransition Start(FsmSettings s, FsmState st, bool passive, bool manual)
    {
        var actions = new List<FsmAction>(4);
        if (st.IdleHoldRunning) actions.Add(new StopTimer(TimerKind.IdleHold));    // a manual start overrides damping
        var next = st with
        {
            State = passive ? Active : Connect,
            ConnectRetryCounter = 0,
            ConsecutiveFailures = manual ? 0 : st.ConsecutiveFailures,
            AdministrativelyStopped = false,
            IdleHoldRunning = false,
            FlapDamped = false,
            PassiveStart = passive,
            LastError = manual ? null : st.LastError,
        };
        if (!s.Passive)
        {
            // Events 4/5 start the ConnectRetryTimer too: the attempt comes when it expires in Active.
            next = StartConnectRetry(s, next, actions);
            if (!passive) actions.Add(new InitiateConnection());
        }
        actions.Add(new ListenPassively());
        return new(next, actions.ToArray());
    }

    /// <summary>Deviation: ManualStop in Idle (ignored by §8.2.2) cancels a pending automatic restart.</summary>
    private static FsmTransition StopInIdle(FsmState st)
    {
        var next = st with
        {
            ConnectRetryCounter = 0, ConsecutiveFailures = 0,
            AdministrativelyStopped = true, IdleHoldRunning = false, FlapDamped = false,
        };
        return st.IdleHoldRunning ? new(next, [new StopTimer(TimerKind.IdleHold)]) : new(next, []);
    }

    /// <summary>
    /// Event 2 in every state but Idle: Cease where a NOTIFICATION is due (OpenSent on, or a DelayOpen
    /// connection), drop, release, both counters to zero, no automatic restart.
    /// </summary>
    private static FsmTransition Stopped(FsmState st, NotificationMessage cease)
    {
        var actions = new List<FsmAction>(8);
        if (st.State >= OpenSent || st.DelayOpenRunning) actions.Add(new SendNotification(cease));
        string reason = "manual stop: " + cease;
        if (st.State == Established) actions.Add(new SessionDown(reason));
        actions.Add(new DropConnection());
        actions.AddRange(ReleaseTimers);
        var next = Released(st) with
        {
            ConnectRetryCounter = 0, ConsecutiveFailures = 0,
            AdministrativelyStopped = true, LastError = reason,
        };
        return new(next, actions.ToArray());
    }

    /// <summary>
    /// The §8.2.2 paragraph most events end in: optionally a NOTIFICATION, then (from Established) delete
    /// the peer's routes, drop the connection, release resources, increment the ConnectRetryCounter
    /// (unless <paramref name="countRetry"/> is false, as for event 24), damp, and go to Idle.
    /// </summary>
    private static FsmTransition ToIdle(FsmSettings s, FsmState st, string reason, NotificationMessage? notification = null, bool countRetry = true)
    {
        var actions = new List<FsmAction>(9);
        if (notification is not null) actions.Add(new SendNotification(notification));
        if (st.State == Established) actions.Add(new SessionDown(reason));
        actions.AddRange([new DropConnection(), .. ReleaseTimers]);
        uint failures = Increment(st.ConsecutiveFailures);
        var next = Released(st) with
        {
            ConnectRetryCounter = countRetry ? Increment(st.ConnectRetryCounter) : st.ConnectRetryCounter,
            ConsecutiveFailures = failures,
            LastError = reason,
        };
        if (s.AllowAutomaticStart && !st.AdministrativelyStopped)
        {
            actions.Add(new StartTimer(TimerKind.IdleHold, Backoff.IdleHold(s, failures)));
            next = next with { IdleHoldRunning = true, FlapDamped = st.State == Established };
        }
        return new(next, actions.ToArray());
    }

    private static FsmTransition FsmError(FsmSettings s, FsmState st, FsmEvent ev, FsmErrorSubcode subcode) =>
        ToIdle(s, st, $"unexpected {Name(ev)} in {st.State}", new NotificationMessage(NotificationCode.FsmError, (byte)subcode));

    /// <summary>
    /// Connect, event 9: drop the attempt, restart the ConnectRetryTimer (one more failure, so a longer
    /// interval), stop the DelayOpenTimer, initiate again; stay in Connect.
    /// </summary>
    private static FsmTransition RetryConnect(FsmSettings s, FsmState st)
    {
        var actions = new List<FsmAction>(4) { new DropConnection() };
        var next = st with { ConsecutiveFailures = Increment(st.ConsecutiveFailures), DelayOpenRunning = false };
        next = StartConnectRetry(s, next, actions);
        if (st.DelayOpenRunning) actions.Add(new StopTimer(TimerKind.DelayOpen));
        actions.Add(new InitiateConnection());
        return new(next, actions.ToArray());
    }

    /// <summary>Active, event 9: restart the ConnectRetryTimer, initiate a connection, keep listening; to Connect.</summary>
    private static FsmTransition ConnectAgain(FsmSettings s, FsmState st)
    {
        var actions = new List<FsmAction>(2);
        var next = StartConnectRetry(s, st with { State = Connect }, actions);
        actions.Add(new InitiateConnection());
        return new(next, actions.ToArray());
    }

    /// <summary>
    /// Connect or Active, events 16/17: with DelayOpen, stop the ConnectRetryTimer and start the
    /// DelayOpenTimer, staying put; without, send our OPEN (<see cref="EnterOpenSent"/>).
    /// </summary>
    private static FsmTransition ConnectionUp(FsmSettings s, FsmState st)
    {
        if (s.DelayOpenTime is not { } delay) return EnterOpenSent(s, st);
        return new(st with { DelayOpenRunning = true },
            [new StopTimer(TimerKind.ConnectRetry), new StartTimer(TimerKind.DelayOpen, delay)]);
    }

    /// <summary>
    /// Connect or Active on events 12, 16, 17: ConnectRetryTimer to zero, DelayOpenTimer cleared, OPEN sent,
    /// HoldTimer set to the large value; to OpenSent.
    /// </summary>
    private static FsmTransition EnterOpenSent(FsmSettings s, FsmState st)
    {
        var actions = new List<FsmAction>(4) { new StopTimer(TimerKind.ConnectRetry) };
        if (st.DelayOpenRunning) actions.Add(new StopTimer(TimerKind.DelayOpen));
        actions.Add(new SendOpen());
        actions.Add(new StartTimer(TimerKind.Hold, s.LargeHoldTime));
        return new(st with { State = OpenSent, DelayOpenRunning = false }, actions.ToArray());
    }

    /// <summary>
    /// OpenSent event 18, or Connect event 18 with the DelayOpenTimer running: close the connection,
    /// restart the ConnectRetryTimer (not under <see cref="FsmSettings.Passive"/>), keep listening; to Active.
    /// </summary>
    private static FsmTransition FallBackToActive(FsmSettings s, FsmState st, string reason)
    {
        var actions = new List<FsmAction>(4) { new DropConnection() };
        if (st.DelayOpenRunning) actions.Add(new StopTimer(TimerKind.DelayOpen));
        if (st.State == OpenSent) actions.Add(new StopTimer(TimerKind.Hold));
        var next = st with
        {
            State = Active, DelayOpenRunning = false,
            ConsecutiveFailures = Increment(st.ConsecutiveFailures), LastError = reason,
        };
        if (!s.Passive) next = StartConnectRetry(s, next, actions);
        return new(next, actions.ToArray());
    }

    /// <summary>
    /// OpenSent event 19, or Connect/Active event 20: the OPEN is checked (<see cref="OpenValidator"/>; a
    /// rejection is event 22). If accepted: (event 20 only: ConnectRetryTimer and DelayOpenTimer stopped, our
    /// OPEN sent) a KEEPALIVE is sent; with a non-zero negotiated hold time the KeepaliveTimer and HoldTimer
    /// start, with zero neither runs; to OpenConfirm.
    /// </summary>
    private static FsmTransition OpenReceived(FsmSettings s, FsmState st, OpenMessage open)
    {
        if (OpenValidator.Validate(s, open) is { } rejection)
            return ToIdle(s, st, $"OPEN refused: {rejection.Reason}", rejection.Notification);

        var session = SessionNegotiator.Negotiate(s, open);
        var actions = new List<FsmAction>(6);
        if (st.State != OpenSent)
            actions.AddRange([new StopTimer(TimerKind.ConnectRetry), new StopTimer(TimerKind.DelayOpen), new SendOpen()]);
        actions.Add(new SendKeepalive());
        var next = st with { State = OpenConfirm, Session = session, DelayOpenRunning = false };
        if (session.HoldTime > TimeSpan.Zero)
        {
            next = StartKeepalive(next, actions);
            actions.Add(new StartTimer(TimerKind.Hold, session.HoldTime));
        }
        else if (st.State == OpenSent)
        {
            actions.Add(new StopTimer(TimerKind.Hold));    // the large OpenSent value; §8.2.2: no HoldTimer with hold time zero
        }
        return new(next, actions.ToArray());
    }

    /// <summary>OpenConfirm, event 26: restart the HoldTimer; to Established. Failures are forgotten.</summary>
    private static FsmTransition EnterEstablished(FsmState st)
    {
        var next = st with { State = Established, ConsecutiveFailures = 0, LastError = null };
        return new(next, [.. RestartHold(st), new SessionEstablished(st.Session!)]);
    }

    /// <summary>
    /// OpenConfirm or Established, event 11: send a KEEPALIVE and restart the KeepaliveTimer, unless the
    /// negotiated hold time is zero (§8.2.2 Established).
    /// </summary>
    private static FsmTransition KeepaliveDue(FsmState st)
    {
        var actions = new List<FsmAction>(2) { new SendKeepalive() };
        var next = st.HoldTime > TimeSpan.Zero ? StartKeepalive(st, actions) : st;
        return new(next, actions.ToArray());
    }

    /// <summary>§8.2.2 Established, events 26, 27: restart the HoldTimer if the negotiated hold time is non-zero.</summary>
    private static FsmAction[] RestartHold(FsmState st) =>
        st.HoldTime > TimeSpan.Zero ? [new StartTimer(TimerKind.Hold, st.HoldTime)] : [];

    private static FsmState StartConnectRetry(FsmSettings s, FsmState st, List<FsmAction> actions)
    {
        ulong random = st.RandomState;
        var duration = Backoff.Jitter(Backoff.ConnectRetryNominal(s, st.ConsecutiveFailures), ref random);
        actions.Add(new StartTimer(TimerKind.ConnectRetry, duration));
        return st with { RandomState = random };
    }

    private static FsmState StartKeepalive(FsmState st, List<FsmAction> actions)
    {
        ulong random = st.RandomState;
        actions.Add(new StartTimer(TimerKind.Keepalive, Backoff.Jitter(st.KeepaliveTime, ref random)));
        return st with { RandomState = random };
    }

    /// <summary>The state after "releases all BGP resources": Idle, nothing negotiated, no DelayOpenTimer.</summary>
    private static FsmState Released(FsmState st) =>
        st with { State = Idle, Session = null, DelayOpenRunning = false, IdleHoldRunning = false, FlapDamped = false };

    private static uint Increment(uint n) => n == uint.MaxValue ? n : n + 1;

    private static string Sent(NotificationMessage n) => "sent " + n;
    private static string Received(NotificationMessage n) => "received " + n;

    private static string Name(FsmEvent ev) => ev.GetType().Name;
}
