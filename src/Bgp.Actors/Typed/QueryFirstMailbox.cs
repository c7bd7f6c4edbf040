using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;

namespace Bgp.Actors.Typed;

/// <summary>
/// A mailbox that hands <see cref="IQueryMessage"/>s to the actor before ordinary messages, keeping
/// each kind in arrival order (stable). The RIB uses it so that the API's reads are answered while
/// UPDATEs of a table load are still queued. Named in the actor system's configuration as
/// <see cref="ConfigPath"/>.
/// </summary>
public sealed class QueryFirstMailbox(Settings settings, Akka.Configuration.Config config) : UnboundedStablePriorityMailbox(settings, config)
{
    public const string ConfigPath = "bgpactors.query-first-mailbox";

    protected override int PriorityGenerator(object message) => message is IQueryMessage ? 0 : 1;
}
