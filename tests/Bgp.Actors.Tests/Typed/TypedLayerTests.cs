using System.Collections.Concurrent;
using Akka.Actor;
using Bgp.Actors.Sessions;
using Bgp.Actors.Typed;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Typed;

/// <summary>What our thin layer over Akka.NET adds: typed refs and asks, the query-first mailbox, dead-letter counting, restart backoff.</summary>
[TestFixture]
public class TypedLayerTests : AkkaTest
{
    private abstract record Command;
    private sealed record Work(string Name) : Command;
    private sealed record Query(string Name) : Command, IQueryMessage;
    private sealed record Block(ManualResetEventSlim Gate) : Command;

    /// <summary>Records the order in which it handles messages; a Block holds it until the test opens the gate.</summary>
    private sealed class Recorder(ConcurrentQueue<string> handled) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Block block:
                    handled.Enqueue("block");
                    block.Gate.Wait(TimeSpan.FromSeconds(10));
                    break;
                case Work work:
                    handled.Enqueue(work.Name);
                    break;
                case Query query:
                    handled.Enqueue(query.Name);
                    break;
            }
        }
    }

    [TestCase(true, "block,q1,q2,w1,w2", TestName = "On the query-first mailbox, queued queries are handled before queued work, each kind in order")]
    [TestCase(false, "block,w1,q1,w2,q2", TestName = "On the default mailbox, queries wait their turn")]
    public void Query_first_mailbox_orders_queries_before_work(bool queryFirst, string expected)
    {
        var handled = new ConcurrentQueue<string>();
        var props = Props.Create(() => new Recorder(handled));
        var actor = Sys.Spawn<Command>(queryFirst ? props.WithMailbox(QueryFirstMailbox.ConfigPath) : props, "recorder");
        using var gate = new ManualResetEventSlim();
        actor.Tell(new Block(gate));
        Kit.AwaitCondition(() => handled.Contains("block"), TimeSpan.FromSeconds(5));
        actor.Tell(new Work("w1"));
        actor.Tell(new Query("q1"));
        actor.Tell(new Work("w2"));
        actor.Tell(new Query("q2"));
        gate.Set();
        Kit.AwaitCondition(() => handled.Count == 5, TimeSpan.FromSeconds(5));
        Assert.That(string.Join(",", handled), Is.EqualTo(expected));
    }

    [Test]
    public async Task An_ask_that_gets_no_answer_times_out_naming_the_actor()
    {
        var silent = Sys.Spawn<Command>(Props.Create(() => new Recorder(new ConcurrentQueue<string>())), "silent");
        var error = Assert.ThrowsAsync<Bgp.Actors.Typed.AskTimeoutException>(async () =>
            await silent.AskAsync<Command, int>(_ => new Work("never answered"), TimeSpan.FromMilliseconds(100)));
        Assert.That(error!.Path, Is.EqualTo("/user/silent"));
        Assert.That(error.Message, Does.Contain("/user/silent did not answer within 100 ms"));
        await Task.CompletedTask;
    }

    [Test]
    public void Typed_refs_are_equal_when_they_name_the_same_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(new ConcurrentQueue<string>())), "same");
        Assert.That(new ActorRef<Command>(actor), Is.EqualTo(new ActorRef<Command>(actor)));
        Assert.That(new ActorRef<Command>(actor).GetHashCode(), Is.EqualTo(new ActorRef<Command>(actor).GetHashCode()));
        Assert.That(new ActorRef<Command>(actor), Is.Not.EqualTo(new ActorRef<Command>(Kit.TestActor)));
    }

    [Test]
    public void Messages_to_a_stopped_actor_are_counted_as_dead_letters()
    {
        var counter = DeadLetterCounter.Start(Sys);
        var actor = Sys.Spawn<Command>(Props.Create(() => new Recorder(new ConcurrentQueue<string>())), "gone");
        Kit.Watch(actor.Untyped);
        Sys.Stop(actor.Untyped);
        Kit.ExpectTerminated(actor.Untyped);
        for (int i = 0; i < 3; i++) actor.Tell(new Work($"lost {i}"));
        Kit.AwaitCondition(() => counter.Count == 3, TimeSpan.FromSeconds(5));
    }

    [Test]
    public void A_restarted_session_waits_longer_the_more_often_it_failed_within_a_minute()
    {
        var counters = new PeerCounters();
        var t0 = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var waits = Enumerable.Range(0, 9).Select(i => counters.RestartBackoff(t0 + TimeSpan.FromSeconds(i)).TotalMilliseconds).ToList();
        Assert.That(waits, Is.EqualTo(new double[] { 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000 }));
        // a minute later the earlier failures no longer count
        Assert.That(counters.RestartBackoff(t0 + TimeSpan.FromSeconds(70)).TotalMilliseconds, Is.EqualTo(100));
    }

    private sealed class Failing : UntypedActor
    {
        protected override void OnReceive(object message) => throw new InvalidOperationException($"failing on {message}");
    }

    [Test]
    public void Akka_s_own_error_log_goes_through_the_daemon_s_logger_factory()
    {
        var captured = new ConcurrentQueue<(string Category, Microsoft.Extensions.Logging.LogLevel Level, string Text, Exception? Error)>();
        using var factory = new CapturingFactory(captured);
        BgpActorSystem.Configure(Sys, factory);
        var failing = Sys.ActorOf(Props.Create(() => new Failing()), "failing");
        failing.Tell("boom");
        Kit.AwaitCondition(() => captured.Any(c => c.Category == "Akka" && c.Level == Microsoft.Extensions.Logging.LogLevel.Error), TimeSpan.FromSeconds(5));
        var entry = captured.First(c => c.Category == "Akka" && c.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.That(entry.Text, Does.Contain("/user/failing"));
        Assert.That(entry.Error?.Message, Is.EqualTo("failing on boom"));
    }

    private sealed class CapturingFactory(ConcurrentQueue<(string, Microsoft.Extensions.Logging.LogLevel, string, Exception?)> into) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, into);
        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();
        public void Dispose() { }

        private sealed class Capturing(string category, ConcurrentQueue<(string, Microsoft.Extensions.Logging.LogLevel, string, Exception?)> into) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter) => into.Enqueue((category, logLevel, formatter(state, exception), exception));
        }
    }
}
