using NUnit.Framework;
using System.Threading.Channels;
using Bgp.Actors.Runtime;

namespace Bgp.TestKit;

/// <summary>
/// An <see cref="ActorRef{T}"/> that records what it is told, for tests to read in order. Waits
/// are bounded by a real-time limit (they wait for another thread's work, not for timers, which
/// tests drive with <see cref="ManualTimeProvider"/>).
/// </summary>
public sealed class Probe<T>(string name = "probe", TimeProvider? time = null) : ActorRef<T>
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly Channel<T> _received = Channel.CreateUnbounded<T>();

    public override string Path => "/" + name;
    public override TimeProvider Time => time ?? TimeProvider.System;
    public override Task Completion => Task.Delay(Timeout.Infinite);

    public override ValueTask TellAsync(T message, CancellationToken cancellationToken = default)
    {
        _received.Writer.TryWrite(message);
        return ValueTask.CompletedTask;
    }

    public override bool TryTell(T message) => _received.Writer.TryWrite(message);

    /// <summary>The next message, which must be a <typeparamref name="TExpected"/>.</summary>
    public async Task<TExpected> ExpectAsync<TExpected>(TimeSpan? wait = null) where TExpected : T
    {
        var message = await NextAsync(wait);
        if (message is TExpected expected) return expected;
        throw new AssertionException($"{Path}: expected {typeof(TExpected).Name}, got {message}");
    }

    /// <summary>Skips messages until one of type <typeparamref name="TExpected"/> matches; fails after the wait.</summary>
    public async Task<TExpected> FishAsync<TExpected>(Func<TExpected, bool>? match = null, TimeSpan? wait = null) where TExpected : T
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        var skipped = new List<T>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new AssertionException($"{Path}: no {typeof(TExpected).Name} matched; skipped [{string.Join(", ", skipped)}]");
            T message;
            try
            {
                message = await NextAsync(left);
            }
            catch (AssertionException)
            {
                throw new AssertionException($"{Path}: no {typeof(TExpected).Name} matched; skipped [{string.Join(", ", skipped)}]");
            }
            if (message is TExpected expected && (match is null || match(expected))) return expected;
            skipped.Add(message);
        }
    }

    /// <summary>A message already received, without waiting.</summary>
    public bool TryReceive(out T message) => _received.Reader.TryRead(out message!);

    /// <summary>The next message of any type.</summary>
    public async Task<T> NextAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? DefaultWait);
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"{Path}: nothing arrived within {(wait ?? DefaultWait).TotalSeconds:0.#} s");
        }
    }

    /// <summary>Asserts that nothing arrives within <paramref name="wait"/> (real time).</summary>
    public async Task ExpectNothingAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            var message = await _received.Reader.ReadAsync(cts.Token);
            throw new AssertionException($"{Path}: expected nothing, got {message}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    public bool TryTake(out T message) => _received.Reader.TryRead(out message!);
}
