using NUnit.Framework;
using Bgp.Actors.Runtime;

namespace Bgp.Actors.Tests.Runtime;

public abstract record TestMsg
{
    public sealed record Add(int Value) : TestMsg;
    public sealed record Get(Reply<int> Reply) : TestMsg;
    public sealed record Peek(Reply<int> Reply) : TestMsg, IQueryMessage;
    public sealed record Fail(string Why) : TestMsg;
    public sealed record Block(TaskCompletionSource Gate, string? ThenRestartTimer = null) : TestMsg;
    public sealed record StartTimer(string Key, TimeSpan Due, bool Periodic = false) : TestMsg;
    public sealed record CancelTimer(string Key) : TestMsg;
    public sealed record Tick(string Key) : TestMsg;
    public sealed record SpawnChild(string Name, Reply<ActorRef<TestMsg>> Reply) : TestMsg;
}

/// <summary>Sums what it is told, reports everything to a probe; fails on request.</summary>
public sealed class Summer(Probe<string> probe, string name = "summer") : Actor<TestMsg>
{
    private int _sum;

    protected override ValueTask OnStartAsync()
    {
        probe.TryTell($"{name} started");
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask OnReceiveAsync(TestMsg message)
    {
        switch (message)
        {
            case TestMsg.Add add:
                _sum += add.Value;
                break;
            case TestMsg.Get get:
                get.Reply.Complete(_sum);
                break;
            case TestMsg.Peek peek:
                peek.Reply.Complete(_sum);
                break;
            case TestMsg.Fail fail:
                throw new InvalidOperationException(fail.Why);
            case TestMsg.Block block:
                probe.TryTell($"{name} blocked");
                await block.Gate.Task;
                if (block.ThenRestartTimer is string key) Context.Timers.StartSingle(key, new TestMsg.Tick(key), TimeSpan.FromSeconds(10));
                break;
            case TestMsg.StartTimer t when t.Periodic:
                Context.Timers.StartPeriodic(t.Key, new TestMsg.Tick(t.Key), t.Due);
                break;
            case TestMsg.StartTimer t:
                Context.Timers.StartSingle(t.Key, new TestMsg.Tick(t.Key), t.Due);
                break;
            case TestMsg.CancelTimer c:
                Context.Timers.Cancel(c.Key);
                break;
            case TestMsg.Tick tick:
                probe.TryTell($"{name} tick {tick.Key} at {Context.Time.GetUtcNow():HH:mm:ss}");
                break;
            case TestMsg.SpawnChild spawn:
                spawn.Reply.Complete(Context.Spawn(spawn.Name, () => new Summer(probe, spawn.Name)));
                break;
        }
    }

    protected override ValueTask OnStopAsync()
    {
        probe.TryTell($"{name} stopped");
        return ValueTask.CompletedTask;
    }
}

[TestFixture]
public class RuntimeTests
{
    private static readonly TimeSpan AskWait = TimeSpan.FromSeconds(5);

    private static SupervisorStrategy Quick(Directive directive, int maxRestarts = 3) =>
        new(_ => directive, maxRestarts, TimeSpan.FromMinutes(1), TimeSpan.Zero, TimeSpan.Zero);

    [Test]
    public async Task Messages_are_handled_one_at_a_time_in_mailbox_order()
    {
        await using var system = new ActorSystem();
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        for (int i = 1; i <= 1000; i++) await actor.TellAsync(new TestMsg.Add(i));
        Assert.That(await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(500500));
    }

    [Test]
    public async Task A_full_mailbox_makes_tell_wait_and_try_tell_refuse()
    {
        await using var system = new ActorSystem();
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe), new ActorOptions { MailboxCapacity = 2 });
        await probe.ExpectAsync<string>();
        var gate = new TaskCompletionSource();
        await actor.TellAsync(new TestMsg.Block(gate));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer blocked"));
        int accepted = 0;
        while (actor.TryTell(new TestMsg.Add(1)) && accepted < 10) accepted++;
        Assert.That(accepted, Is.EqualTo(2), "the mailbox holds two");
        var waiting = actor.TellAsync(new TestMsg.Add(100)).AsTask();
        await Task.Delay(50);
        Assert.That(waiting.IsCompleted, Is.False, "TellAsync waits while the mailbox is full");
        gate.SetResult();
        await waiting.WaitAsync(AskWait);
        Assert.That(await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(accepted + 100));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_query_skips_the_queued_messages_only_when_the_actor_has_a_query_mailbox(bool queryMailbox)
    {
        await using var system = new ActorSystem();
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe),
            new ActorOptions { MailboxCapacity = 100, QueryMailboxCapacity = queryMailbox ? 4 : 0 });
        await probe.ExpectAsync<string>();
        var gate = new TaskCompletionSource();
        await actor.TellAsync(new TestMsg.Block(gate));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer blocked"));
        for (int i = 0; i < 100; i++) Assert.That(actor.TryTell(new TestMsg.Add(1)), Is.True);
        var peek = new Reply<int>();
        Assert.That(actor.TryTell(new TestMsg.Peek(peek)), Is.EqualTo(queryMailbox), "the ordinary mailbox is full");
        if (!queryMailbox) _ = actor.TellAsync(new TestMsg.Peek(peek));
        gate.SetResult();
        Assert.That(await peek.Task.WaitAsync(AskWait), Is.EqualTo(queryMailbox ? 0 : 100));
        Assert.That(await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(100));
    }

    [Test]
    public async Task Queries_and_ordinary_messages_take_turns_so_neither_starves()
    {
        await using var system = new ActorSystem();
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe), new ActorOptions { QueryMailboxCapacity = 8 });
        await probe.ExpectAsync<string>();
        var gate = new TaskCompletionSource();
        await actor.TellAsync(new TestMsg.Block(gate));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer blocked"));
        var peeks = Enumerable.Range(0, 4).Select(_ => new Reply<int>()).ToArray();
        for (int i = 0; i < 4; i++) await actor.TellAsync(new TestMsg.Add(1));
        foreach (var p in peeks) await actor.TellAsync(new TestMsg.Peek(p));
        gate.SetResult();
        var seen = await Task.WhenAll(peeks.Select(p => p.Task)).WaitAsync(AskWait);
        Assert.That(seen, Is.EqualTo(new[] { 0, 1, 2, 3 }), "one query, then one ordinary message, in turn");
    }

    [Test]
    public async Task An_ask_that_gets_no_answer_times_out_on_the_actor_clock()
    {
        var clock = new ManualTimeProvider();
        await using var system = new ActorSystem(time: clock);
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        var gate = new TaskCompletionSource();
        await actor.TellAsync(new TestMsg.Block(gate));
        var ask = actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), TimeSpan.FromSeconds(3));
        await Task.Delay(20);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(ask.IsCompleted, Is.False);
        clock.Advance(TimeSpan.FromSeconds(1));
        var error = Assert.ThrowsAsync<AskTimeoutException>(async () => await ask);
        Assert.That(error!.Path, Is.EqualTo("/summer"));
        gate.SetResult();
    }

    [Test]
    public async Task Timers_fire_as_messages_when_the_manual_clock_passes_them()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var system = new ActorSystem(time: clock);
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        await probe.ExpectAsync<string>();
        await actor.TellAsync(new TestMsg.StartTimer("hold", TimeSpan.FromSeconds(90)));
        await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait);
        clock.Advance(TimeSpan.FromSeconds(89));
        await probe.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer tick hold at 00:01:30"));
    }

    [Test]
    public async Task A_periodic_timer_repeats_until_cancelled()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var system = new ActorSystem(time: clock);
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        await probe.ExpectAsync<string>();
        await actor.TellAsync(new TestMsg.StartTimer("keepalive", TimeSpan.FromSeconds(30), Periodic: true));
        await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer tick keepalive at 00:00:30"));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer tick keepalive at 00:01:00"));
        await actor.TellAsync(new TestMsg.CancelTimer("keepalive"));
        await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait);
        clock.Advance(TimeSpan.FromSeconds(120));
        await probe.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
    }

    [Test]
    public async Task An_expiry_already_queued_when_its_timer_is_restarted_is_ignored()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var system = new ActorSystem(time: clock);
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        await probe.ExpectAsync<string>();
        await actor.TellAsync(new TestMsg.StartTimer("hold", TimeSpan.FromSeconds(10)));
        await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait);

        // The actor is busy when the timer expires, so the expiry waits in the mailbox; the busy
        // handler then restarts the same timer: the queued expiry carries the old generation.
        var gate = new TaskCompletionSource();
        await actor.TellAsync(new TestMsg.Block(gate, ThenRestartTimer: "hold"));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer blocked"));
        clock.Advance(TimeSpan.FromSeconds(10));
        gate.SetResult();
        await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait);
        await probe.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer tick hold at 00:00:20"));
    }

    [Test]
    public async Task Restart_replaces_the_instance_and_its_state_but_keeps_the_ref_and_later_messages()
    {
        await using var system = new ActorSystem(rootStrategy: Quick(Directive.Restart));
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer started"));
        await actor.TellAsync(new TestMsg.Add(5));
        await actor.TellAsync(new TestMsg.Fail("boom"));
        await actor.TellAsync(new TestMsg.Add(7));
        Assert.That(await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(7));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer stopped"));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer started"));
    }

    [Test]
    public async Task Resume_keeps_the_instance_and_drops_only_the_failed_message()
    {
        await using var system = new ActorSystem(rootStrategy: Quick(Directive.Resume));
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        await actor.TellAsync(new TestMsg.Add(5));
        await actor.TellAsync(new TestMsg.Fail("boom"));
        await actor.TellAsync(new TestMsg.Add(7));
        Assert.That(await actor.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(12));
    }

    [Test]
    public async Task Stop_ends_the_actor_and_later_messages_become_dead_letters()
    {
        await using var system = new ActorSystem(rootStrategy: Quick(Directive.Stop));
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        await actor.TellAsync(new TestMsg.Fail("boom"));
        await actor.Completion.WaitAsync(AskWait);
        await actor.TellAsync(new TestMsg.Add(1));
        Assert.That(system.DeadLetters, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task More_restarts_than_the_budget_within_the_window_stop_the_actor()
    {
        await using var system = new ActorSystem(rootStrategy: Quick(Directive.Restart, maxRestarts: 2));
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        for (int i = 0; i < 3; i++) await actor.TellAsync(new TestMsg.Fail("again"));
        await actor.Completion.WaitAsync(AskWait);
        var log = new List<string>();
        while (probe.TryTake(out var line)) log.Add(line);
        Assert.That(log.Count(l => l == "summer started"), Is.EqualTo(3), "first start plus two restarts");
    }

    [Test]
    public async Task Restarts_back_off_exponentially_on_the_actor_clock()
    {
        var clock = new ManualTimeProvider();
        var strategy = new SupervisorStrategy(_ => Directive.Restart, 5, TimeSpan.FromMinutes(10),
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        Assert.That(new[] { 1, 2, 3, 4 }.Select(strategy.BackoffFor),
            Is.EqualTo(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3) }));
        await using var system = new ActorSystem(time: clock, rootStrategy: strategy);
        var probe = new Probe<string>();
        var actor = system.Spawn("summer", () => new Summer(probe));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer started"));
        await actor.TellAsync(new TestMsg.Fail("boom"));
        await Task.Delay(50);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await probe.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer stopped"));
        Assert.That(await probe.NextAsync(), Is.EqualTo("summer started"));
    }

    [Test]
    public async Task A_failing_child_is_restarted_alone_and_its_parent_and_siblings_keep_their_state()
    {
        await using var system = new ActorSystem();
        var probe = new Probe<string>();
        var parent = system.Spawn("parent", () => new Summer(probe, "parent"),
            new ActorOptions { ChildStrategy = Quick(Directive.Restart) });
        var a = await parent.AskAsync<TestMsg, ActorRef<TestMsg>>(r => new TestMsg.SpawnChild("a", r), AskWait);
        var b = await parent.AskAsync<TestMsg, ActorRef<TestMsg>>(r => new TestMsg.SpawnChild("b", r), AskWait);
        Assert.That(a.Path, Is.EqualTo("/parent/a"));
        await parent.TellAsync(new TestMsg.Add(1));
        await a.TellAsync(new TestMsg.Add(2));
        await b.TellAsync(new TestMsg.Add(3));
        await a.TellAsync(new TestMsg.Fail("child fault"));
        Assert.That(await a.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.Zero, "a restarted with fresh state");
        Assert.That(await b.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(3));
        Assert.That(await parent.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(1));
    }

    [Test]
    public async Task Escalate_stops_the_child_and_fails_the_parent_under_its_own_supervisor()
    {
        await using var system = new ActorSystem(rootStrategy: Quick(Directive.Restart));
        var probe = new Probe<string>();
        var parent = system.Spawn("parent", () => new Summer(probe, "parent"),
            new ActorOptions { ChildStrategy = Quick(Directive.Escalate) });
        var child = await parent.AskAsync<TestMsg, ActorRef<TestMsg>>(r => new TestMsg.SpawnChild("c", r), AskWait);
        await parent.TellAsync(new TestMsg.Add(9));
        Assert.That(await parent.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.EqualTo(9));
        await child.TellAsync(new TestMsg.Fail("escalate me"));
        await child.Completion.WaitAsync(AskWait);
        await probe.FishAsync<string>(s => s == "parent stopped");
        await probe.FishAsync<string>(s => s == "parent started");
        Assert.That(await parent.AskAsync<TestMsg, int>(r => new TestMsg.Get(r), AskWait), Is.Zero, "the parent restarted");
    }

    [Test]
    public async Task Stopping_a_parent_stops_its_children_first()
    {
        var system = new ActorSystem();
        var probe = new Probe<string>();
        var parent = system.Spawn("parent", () => new Summer(probe, "parent"));
        var child = await parent.AskAsync<TestMsg, ActorRef<TestMsg>>(r => new TestMsg.SpawnChild("c", r), AskWait);
        await system.ShutdownAsync(AskWait);
        Assert.That(child.Completion.IsCompleted && parent.Completion.IsCompleted);
        var log = new List<string>();
        while (probe.TryTake(out var line)) log.Add(line);
        Assert.That(log.IndexOf("c stopped"), Is.LessThan(log.IndexOf("parent stopped")));
    }
}
