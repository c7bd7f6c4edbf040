using Akka.Actor;
using Akka.Event;

namespace Bgp.Actors.Typed;

/// <summary>
/// Counts the messages the actor system could not deliver (sent to an actor that had stopped), for
/// the <c>bgpactors_actor_dead_letters</c> metric: a subscriber to the system's event stream.
/// </summary>
public sealed class DeadLetterCounter
{
    private long _count;

    private DeadLetterCounter() { }

    public long Count => Interlocked.Read(ref _count);

    public static DeadLetterCounter Start(ActorSystem system)
    {
        var counter = new DeadLetterCounter();
        var listener = system.ActorOf(Props.Create(() => new Listener(counter)), "dead-letter-counter");
        system.EventStream.Subscribe(listener, typeof(DeadLetter));
        return counter;
    }

    private sealed class Listener(DeadLetterCounter counter) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is DeadLetter) Interlocked.Increment(ref counter._count);
        }
    }
}
