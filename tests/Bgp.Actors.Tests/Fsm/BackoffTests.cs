using Bgp.Actors.Fsm;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Fsm.SessionState;
using static Bgp.Actors.Tests.Fsm.FsmFixtures;

namespace Bgp.Actors.Tests.Fsm;

/// <summary>Connect-retry backoff with jitter (RFC 4271 §10), damping with the idle hold (RFC 4271 §8.1.1), and what stops them.</summary>
[TestFixture]
public sealed class BackoffTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    /// <summary>The ConnectRetryTimer durations of a start followed by <paramref name="expiries"/> timeouts in Connect.</summary>
    private static List<TimeSpan> RetryIntervals(FsmSettings settings, ulong seed, int expiries)
    {
        var t = Step(settings, FsmState.Initial(seed), new ManualStart());
        var list = new List<TimeSpan> { t.Timer(TimerKind.ConnectRetry) };
        for (int i = 0; i < expiries; i++)
        {
            t = Step(settings, t.Next, new ConnectRetryTimerExpires());
            list.Add(t.Timer(TimerKind.ConnectRetry));
        }
        return list;
    }

    private static void AssertJittered(TimeSpan actual, TimeSpan nominal) =>
        Assert.That(actual, Is.InRange(nominal * Backoff.MinJitterFactor, nominal), $"nominal {nominal}");

    [Test]
    public void Each_connect_retry_timeout_doubles_the_interval_up_to_the_cap_with_jitter_between_75_and_100_percent_RFC_4271_section_10()
    {
        var intervals = RetryIntervals(Default, Seed, 5);

        TimeSpan[] nominal = [30 * S, 60 * S, 120 * S, 120 * S, 120 * S, 120 * S];
        for (int i = 0; i < nominal.Length; i++) AssertJittered(intervals[i], nominal[i]);
    }

    [Test]
    public void The_nominal_connect_retry_interval_is_capped_at_the_configured_maximum()
    {
        var settings = Default with { ConnectRetryTime = 5 * S, ConnectRetryMaxTime = 30 * S };

        var nominal = Enumerable.Range(0, 8).Select(f => Backoff.ConnectRetryNominal(settings, (uint)f)).ToArray();

        Assert.That(nominal, Is.EqualTo(new[] { 5 * S, 10 * S, 20 * S, 30 * S, 30 * S, 30 * S, 30 * S, 30 * S }));
        Assert.That(Backoff.ConnectRetryNominal(settings, uint.MaxValue), Is.EqualTo(30 * S));
    }

    [Test]
    public void The_same_seed_gives_the_same_intervals_and_another_seed_other_ones()
    {
        var a = RetryIntervals(Default, 42, 6);
        var b = RetryIntervals(Default, 42, 6);
        var c = RetryIntervals(Default, 43, 6);

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void Jitter_covers_its_range_and_never_exceeds_the_nominal_value()
    {
        ulong random = 7;
        var factors = Enumerable.Range(0, 10_000)
            .Select(_ => Backoff.Jitter(TimeSpan.FromSeconds(100), ref random).TotalSeconds / 100).ToList();

        Assert.That(factors.Min(), Is.GreaterThanOrEqualTo(0.75).And.LessThan(0.76));
        Assert.That(factors.Max(), Is.LessThanOrEqualTo(1.0).And.GreaterThan(0.99));
        Assert.That(factors.Average(), Is.EqualTo(0.875).Within(0.01));
    }

    [Test]
    public void Jitter_never_returns_zero()
    {
        ulong random = 0;
        Assert.That(Backoff.Jitter(TimeSpan.FromTicks(1), ref random), Is.EqualTo(TimeSpan.FromTicks(1)));
    }

    [Test]
    public void The_keepalive_timer_is_jittered_below_a_third_of_the_hold_time_and_the_hold_timer_is_exact()
    {
        var t = Run(Default, FsmState.Initial(Seed), PathTo(OpenSent)).Next;

        var open = Step(Default, t, new BgpOpen(PeerOpen));

        AssertJittered(open.Timer(TimerKind.Keepalive), 30 * S);
        Assert.That(open.Timer(TimerKind.Hold), Is.EqualTo(90 * S));
    }

    [Test]
    public void OpenSent_runs_the_hold_timer_at_the_large_value_of_4_minutes_RFC_4271_section_8_2_2()
    {
        var t = Run(Default, FsmState.Initial(Seed), PathTo(OpenSent));

        Assert.That(t.Timer(TimerKind.Hold), Is.EqualTo(TimeSpan.FromMinutes(4)));
    }

    [Test]
    public void The_idle_hold_doubles_with_each_failure_in_a_row_up_to_its_cap()
    {
        var state = FsmState.Initial(Seed);
        var holds = new List<TimeSpan>();
        state = Step(Default, state, new ManualStart()).Next;
        for (int i = 0; i < 10; i++)
        {
            var down = Step(Default, state, new TcpConnectionFails());
            Assert.That(down.Next.State, Is.EqualTo(Idle));
            holds.Add(down.Timer(TimerKind.IdleHold));
            var restart = Step(Default, down.Next, new IdleHoldTimerExpires());
            Assert.That(restart.Next.State, Is.EqualTo(Connect), "the idle hold's expiry restarts the session");
            state = restart.Next;
        }

        Assert.That(holds, Is.EqualTo(new[] { 1, 2, 4, 8, 16, 32, 64, 120, 120, 120 }.Select(n => n * S)));
    }

    [Test]
    public void Failures_also_lengthen_the_connect_retry_interval_after_an_automatic_restart()
    {
        var state = Run(Default, FsmState.Initial(Seed), new ManualStart(), new TcpConnectionFails(), new IdleHoldTimerExpires(), new TcpConnectionFails()).Next;

        var restart = Step(Default, state, new IdleHoldTimerExpires());

        Assert.That(restart.Next.ConsecutiveFailures, Is.EqualTo(2));
        AssertJittered(restart.Timer(TimerKind.ConnectRetry), 120 * S);
    }

    [Test]
    public void Reaching_Established_forgets_earlier_failures()
    {
        var settings = Default;
        var state = Run(settings, FsmState.Initial(Seed),
            new ManualStart(), new ConnectRetryTimerExpires(), new ConnectRetryTimerExpires(), new TcpConnectionFails(),
            new IdleHoldTimerExpires(), new TcpCrAcked(), new BgpOpen(PeerOpen)).Next;
        Assert.That(state.ConsecutiveFailures, Is.EqualTo(3));

        var up = Step(settings, state, new KeepAliveMsg());
        var down = Step(settings, up.Next, new TcpConnectionFails());
        var restart = Step(settings, down.Next, new IdleHoldTimerExpires());

        Assert.That(up.Next.ConsecutiveFailures, Is.Zero);
        Assert.That(down.Timer(TimerKind.IdleHold), Is.EqualTo(1 * S));
        AssertJittered(restart.Timer(TimerKind.ConnectRetry), 60 * S);
    }

    [Test]
    public void A_passive_start_restarts_passively_after_the_idle_hold()
    {
        var state = Run(Default, FsmState.Initial(Seed), new AutomaticStartWithPassiveTcpEstablishment(), new TcpConnectionFails()).Next;

        var restart = Step(Default, state, new IdleHoldTimerExpires());

        Assert.That(restart.Next.State, Is.EqualTo(Active));
        Assert.That(restart.OfType<InitiateConnection>(), Is.Empty);
    }

    [Test]
    public void ManualStop_cancels_the_idle_hold_and_nothing_but_ManualStart_brings_the_session_back()
    {
        var held = Run(Default, FsmState.Initial(Seed), new ManualStart(), new TcpConnectionFails()).Next;
        Assert.That(held.IdleHoldRunning, Is.True);

        var stop = Step(Default, held, new ManualStop());
        var lateExpiry = Step(Default, stop.Next, new IdleHoldTimerExpires());
        var automatic = Step(Default, stop.Next, new AutomaticStart());
        var manual = Step(Default, stop.Next, new ManualStart());

        Assert.That(stop.Actions, Is.EqualTo(new FsmAction[] { new StopTimer(TimerKind.IdleHold) }));
        Assert.That(stop.Next.AdministrativelyStopped, Is.True);
        Assert.That((lateExpiry.Next.State, lateExpiry.Actions.Count), Is.EqualTo((Idle, 0)));
        Assert.That((automatic.Next.State, automatic.Actions.Count), Is.EqualTo((Idle, 0)));
        Assert.That(manual.Next.State, Is.EqualTo(Connect));
        Assert.That(manual.Next.AdministrativelyStopped, Is.False);
    }

    [TestCase(Connect)]
    [TestCase(OpenSent)]
    [TestCase(Established)]
    public void ManualStop_starts_no_idle_hold_and_resets_the_counters(SessionState from)
    {
        var state = Drive(Default, from) with { ConnectRetryCounter = 3, ConsecutiveFailures = 4 };

        var stop = Step(Default, state, new ManualStop());

        Assert.That(stop.OfType<StartTimer>(), Is.Empty);
        Assert.That((stop.Next.ConnectRetryCounter, stop.Next.ConsecutiveFailures), Is.EqualTo((0u, 0u)));
        Assert.That(stop.Next.AdministrativelyStopped, Is.True);
    }

    [Test]
    public void AutomaticStop_restarts_after_the_idle_hold()
    {
        var state = Drive(Default, Established);
        var cease = new NotificationMessage(NotificationCode.Cease, (byte)CeaseSubcode.MaximumPrefixesReached);

        var stop = Step(Default, state, new AutomaticStop(cease));

        Assert.That(stop.Timer(TimerKind.IdleHold), Is.EqualTo(1 * S));
        Assert.That(stop.Next.LastError, Does.Contain("automatic stop"));
    }

    [Test]
    public void Without_AllowAutomaticStart_a_failure_leaves_the_session_down()
    {
        var settings = Default with { AllowAutomaticStart = false };
        var state = Drive(settings, Connect);

        var down = Step(settings, state, new TcpConnectionFails());

        Assert.That(down.Next.State, Is.EqualTo(Idle));
        Assert.That(down.OfType<StartTimer>(), Is.Empty);
        Assert.That(down.Next.IdleHoldRunning, Is.False);
    }

    [Test]
    public void The_reason_for_the_last_fall_to_Idle_is_kept_and_cleared_on_Established()
    {
        var state = Drive(Default, OpenSent);

        var refused = Step(Default, state, new BgpOpen(Open(64999, PeerId)));
        var up = Run(Default, refused.Next, new IdleHoldTimerExpires(), new TcpCrAcked(), new BgpOpen(PeerOpen), new KeepAliveMsg());

        Assert.That(refused.Next.LastError, Does.Contain("64999"));
        Assert.That(up.Next.LastError, Is.Null);
    }

    [Test]
    public void Settings_refuse_durations_the_timers_cannot_use()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Default with { ConnectRetryTime = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Default with { IdleHoldTime = -S });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Default with { DelayOpenTime = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Default with { HoldTime = 2 * S });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Settings(Open(LocalAs, LocalId, hold: 1)));
        Assert.That((Default with { HoldTime = TimeSpan.Zero }).HoldTime, Is.EqualTo(TimeSpan.Zero));
        Assert.That((Default with { DelayOpenTime = null }).DelayOpenTime, Is.Null);
    }
}
