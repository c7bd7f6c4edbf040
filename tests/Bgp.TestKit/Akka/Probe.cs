using Akka.Actor;
using Akka.TestKit;
using Bgp.Actors.Typed;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// A TestKit <see cref="TestProbe"/> that stands where an actor taking <typeparamref name="T"/> would
/// (it converts to <see cref="ActorRef{T}"/>), with typed waits. Waits are real time: they wait for
/// another actor's work, never for timers, which tests move with the virtual scheduler.
/// </summary>
public sealed class Probe<T>(TestProbe probe)
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    public TestProbe TestProbe { get; } = probe;

    public ActorRef<T> Ref { get; } = new(probe.Ref);

    public static implicit operator ActorRef<T>(Probe<T> probe) => probe.Ref;

    /// <summary>The next message, which must be a <typeparamref name="TExpected"/>.</summary>
    public async Task<TExpected> ExpectAsync<TExpected>(TimeSpan? wait = null) where TExpected : T
    {
        var message = await NextAsync(wait);
        if (message is TExpected expected) return expected;
        throw new AssertionException($"{TestProbe.Ref.Path.Name}: expected {typeof(TExpected).Name}, got {message}");
    }

    /// <summary>Skips messages until one of type <typeparamref name="TExpected"/> matches; fails after the wait.</summary>
    public async Task<TExpected> FishAsync<TExpected>(Func<TExpected, bool>? match = null, TimeSpan? wait = null) where TExpected : T
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        var skipped = new List<object>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var message = left > TimeSpan.Zero ? await TryNextAsync(left) : null;
            if (message is null)
                throw new AssertionException($"{TestProbe.Ref.Path.Name}: no {typeof(TExpected).Name} matched; skipped [{string.Join(", ", skipped)}]");
            if (message is TExpected expected && (match is null || match(expected))) return expected;
            skipped.Add(message);
        }
    }

    /// <summary>The next message of any type, with the actor that sent it.</summary>
    public async Task<(T Message, IActorRef Sender)> NextWithSenderAsync(TimeSpan? wait = null)
    {
        var message = await NextAsync(wait);
        return (message, TestProbe.LastSender);
    }

    /// <summary>The next message of any type.</summary>
    public async Task<T> NextAsync(TimeSpan? wait = null)
    {
        var message = await TryNextAsync(wait ?? DefaultWait);
        if (message is null)
            throw new AssertionException($"{TestProbe.Ref.Path.Name}: nothing arrived within {(wait ?? DefaultWait).TotalSeconds:0.#} s");
        if (message is not T typed) throw new AssertionException($"{TestProbe.Ref.Path.Name}: got {message}, which is not a {typeof(T).Name}");
        return typed;
    }

    /// <summary>A message already received, without waiting.</summary>
    public bool TryReceive(out T message)
    {
        if (TestProbe.HasMessages && TestProbe.TryReceiveOne(out var envelope, TimeSpan.Zero) && envelope.Message is T typed)
        {
            message = typed;
            return true;
        }
        message = default!;
        return false;
    }

    /// <summary>Asserts that nothing arrives within <paramref name="wait"/> (real time).</summary>
    public async Task ExpectNothingAsync(TimeSpan wait)
    {
        var message = await TryNextAsync(wait);
        if (message is not null) throw new AssertionException($"{TestProbe.Ref.Path.Name}: expected nothing, got {message}");
    }

    private async Task<object?> TryNextAsync(TimeSpan wait)
    {
        var (success, envelope) = await TestProbe.TryReceiveOneAsync(wait).ConfigureAwait(false);
        return success ? envelope.Message : null;
    }
}
