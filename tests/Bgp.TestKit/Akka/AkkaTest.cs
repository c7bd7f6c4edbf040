using Akka.Configuration;
using Akka.TestKit;
using Bgp.Actors.Typed;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// A base fixture for actor tests on the Akka TestKit with NUnit: a fresh actor system per test
/// (our mailboxes and services registered, <see cref="BgpActorSystem"/>), shut down after it. With
/// <c>virtualTime: true</c> the system runs on the TestKit's <see cref="TestScheduler"/>: timers fire
/// only when the test calls <see cref="Advance"/>, and "now" for the actors is the scheduler's.
/// </summary>
[NonParallelizable]
public abstract class AkkaTest(bool virtualTime = false)
{
    private const string VirtualTimeConfig = """
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        """;

    private TestKit? _kit;

    /// <summary>The TestKit of the running test: probes, ExpectMsg on its test actor, AwaitAssert.</summary>
    protected TestKitBase Kit => _kit ?? throw new InvalidOperationException("no test is running");

    protected Akka.Actor.ActorSystem Sys => Kit.Sys;

    /// <summary>The virtual clock (only with virtual time).</summary>
    protected TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Moves virtual time forward; the timers due meanwhile send their messages.</summary>
    protected void Advance(TimeSpan by) => Scheduler.Advance(by);

    [SetUp]
    public void StartActorSystem()
    {
        var config = ConfigurationFactory.ParseString(virtualTime ? VirtualTimeConfig : "")
            .WithFallback(BgpActorSystem.Defaults);
        _kit = new TestKit(config, GetType().Name);
        BgpActorSystem.Configure(_kit.Sys, null);
    }

    [TearDown]
    public void StopActorSystem()
    {
        _kit?.Shutdown(TimeSpan.FromSeconds(10), verifySystemShutdown: false);
        _kit = null;
    }

    /// <summary>A probe standing in for an actor that takes <typeparamref name="T"/>.</summary>
    protected Probe<T> CreateProbe<T>(string name = "probe") => new(Kit.CreateTestProbe(name));

    private sealed class TestKit(Config config, string name) : TestKitBase(NUnitAssertions.Instance, config, name);
}
