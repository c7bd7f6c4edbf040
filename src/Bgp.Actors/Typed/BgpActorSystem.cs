using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bgp.Actors.Typed;

/// <summary>
/// Creates the daemon's Akka <see cref="ActorSystem"/> with what our actors expect of it: the
/// query-first mailbox declared, Akka's own log (warnings and errors) written through
/// <see cref="ActorServices.LoggerFactory"/> like ours (<see cref="AkkaLogBridge"/>), and no CLR exit hook of its own (the host
/// decides the order of shutdown: Cease to every peer first).
/// </summary>
public static class BgpActorSystem
{
    public static Akka.Configuration.Config Defaults { get; } = ConfigurationFactory.ParseString($$"""
        {{QueryFirstMailbox.ConfigPath}} {
          mailbox-type = "{{typeof(QueryFirstMailbox).AssemblyQualifiedName}}"
        }
        akka {
          loggers = ["{{typeof(AkkaLogBridge).AssemblyQualifiedName}}"]
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """);

    /// <summary>A system named <paramref name="name"/>; <paramref name="extra"/> goes in front of the defaults (tests: the TestKit's scheduler).</summary>
    public static ActorSystem Create(string name, ILoggerFactory? loggerFactory = null, Akka.Configuration.Config? extra = null)
    {
        var config = extra is null ? Defaults : extra.WithFallback(Defaults);
        var system = ActorSystem.Create(name, config);
        Configure(system, loggerFactory);
        return system;
    }

    /// <summary>
    /// Registers our services on a system made elsewhere (the TestKit's). A <paramref name="clock"/>
    /// replaces the scheduler's time as the actors' "now" (tests that make reading the time slow).
    /// </summary>
    public static void Configure(ActorSystem system, ILoggerFactory? loggerFactory, TimeProvider? clock = null)
    {
        var services = ActorServices.Of(system);
        services.LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        if (clock is not null) services.Clock = clock;
    }
}

/// <summary>
/// What our actors reach through their system beyond Akka's own facilities: the logger factory
/// (Microsoft.Extensions.Logging) and a <see cref="TimeProvider"/> over the system's scheduler, so
/// "now" is the scheduler's time and moves with the TestKit's virtual clock in tests.
/// </summary>
public sealed class ActorServices : IExtension
{
    private readonly Lazy<IMaterializer> _materializer;

    private ActorServices(ActorSystem system)
    {
        Clock = new SchedulerClock(system.Scheduler);
        _materializer = new Lazy<IMaterializer>(() => system.Materializer(namePrefix: "connections"));
    }

    /// <summary>
    /// Runs the connections' stream graphs. The system's, not an actor's: a session that restarts
    /// still lets its closing connections drain their NOTIFICATION; each connection stops its own graphs.
    /// </summary>
    public IMaterializer Materializer => _materializer.Value;

    public ILoggerFactory LoggerFactory { get; internal set; } = NullLoggerFactory.Instance;

    /// <summary>The scheduler's time: wall clock in the daemon, virtual under the TestKit's scheduler.</summary>
    public TimeProvider Clock { get; internal set; }

    public static ActorServices Of(ActorSystem system) => system.WithExtension<ActorServices, Id>();

    private sealed class Id : ExtensionIdProvider<ActorServices>
    {
        public override ActorServices CreateExtension(ExtendedActorSystem system) => new(system);
    }

    private sealed class SchedulerClock(IScheduler scheduler) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => scheduler.Now.ToUniversalTime();
    }
}

public static class ActorContextExtensions
{
    public static ILoggerFactory LoggerFactory(this IActorContext context) => ActorServices.Of(context.System).LoggerFactory;

    /// <summary>Now, on the system scheduler's clock.</summary>
    public static DateTimeOffset Now(this IActorContext context) => ActorServices.Of(context.System).Clock.GetUtcNow();
}
