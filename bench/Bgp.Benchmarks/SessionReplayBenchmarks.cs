using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Bgp.Actors.Sessions;
using Bgp.Benchmarks.SessionReplay;
using Bgp.Wire;

namespace Bgp.Benchmarks;

/// <summary>
/// One session receiving a full table: the UPDATEs of RIPE bgpdump's
/// <c>updates.et-header.2015.gz</c> (one iBGP peer, AS3856, sending its whole table right after
/// the session came up) replayed over loopback TCP. An operation is one prefix, so "Mean" is
/// nanoseconds per prefix and 10⁹ / Mean is prefixes per second.
/// </summary>
/// <remarks>
/// <see cref="ReceiveOverLoopback"/>: a real <see cref="PeerSessionActor"/> on Akka.NET
/// with the real <see cref="TcpConnector"/>, timed from the peer's first write until the
/// <see cref="CountingRib"/> standing in for the RIB has counted every prefix. The connection and
/// OPEN exchange happen in the iteration setup, outside the measurement.
/// <see cref="ReceiveOverLoopbackWithoutActors"/>: the same through a bare <see cref="BgpConnection"/>
/// (socket, pipe, framing, decoding) as an Akka.Streams source into a counting sink, no actors.
/// <see cref="FrameAndDecode"/>: the same bytes through <see cref="MessageFramer"/> and
/// <see cref="MessageDecoder"/> in a loop, no sockets, pipes or actors.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(WarmConfig))]
public class SessionReplayBenchmarks
{
    /// <summary>
    /// What <c>bgpactorsd</c> ships with (<c>TieredCompilationQuickJit=false</c> in
    /// src/Bgp.Host/Bgp.Host.csproj); the benchmark process sets it through the environment.
    /// </summary>
    internal static readonly EnvironmentVariable QuickJitOff = new("DOTNET_TC_QuickJit", "0");

    /// <summary>Dynamic PGO off: quick JIT and tiering stay, the instrumented tier goes.</summary>
    internal static readonly EnvironmentVariable TieredPgoOff = new("DOTNET_TieredPGO", "0");

    private sealed class WarmConfig : ManualConfig
    {
        public WarmConfig()
        {
            var warm = Job.Default.WithWarmupCount(5).WithIterationCount(20);
            AddJob(warm.WithId("TieredDefault"));
            AddJob(warm.WithEnvironmentVariables(QuickJitOff).WithId("QuickJitOff"));
            AddJob(warm.WithEnvironmentVariables(TieredPgoOff).WithId("TieredPgoOff"));
        }
    }

    private ReplaySetup _setup = null!;
    private LoopbackReplay? _replay;

    [GlobalSetup]
    public void Setup() => _setup = ReplaySetup.Load();

    [IterationSetup(Target = nameof(ReceiveOverLoopback))]
    public void ConnectSession() => _replay = LoopbackReplay.StartSessionAsync(_setup).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(ReceiveOverLoopbackWithoutActors))]
    public void ConnectBare() => _replay = LoopbackReplay.StartBareAsync(_setup).GetAwaiter().GetResult();

    [IterationCleanup(Targets = [nameof(ReceiveOverLoopback), nameof(ReceiveOverLoopbackWithoutActors)])]
    public void Disconnect() => _replay!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = ReplaySetup.Prefixes)]
    public Task ReceiveOverLoopback() => _replay!.RunAsync();

    [Benchmark(OperationsPerInvoke = ReplaySetup.Prefixes)]
    public Task ReceiveOverLoopbackWithoutActors() => _replay!.RunAsync();

    [Benchmark(OperationsPerInvoke = ReplaySetup.Prefixes)]
    public long FrameAndDecode()
    {
        var buffer = new ReadOnlySequence<byte>(_setup.Feed.Updates);
        var context = _setup.Context;
        long prefixes = 0;
        while (MessageFramer.TryReadFrame(ref buffer, context.MaxMessageLength, out var frame, out _, out _) == FrameStatus.Message)
        {
            if (MessageDecoder.Decode(frame, context).Message is UpdateMessage update)
                prefixes += CountingRib.Count(update);
        }
        if (prefixes != ReplaySetup.Prefixes) throw new InvalidOperationException($"decoded {prefixes} prefixes, expected {ReplaySetup.Prefixes}");
        return prefixes;
    }
}

/// <summary>
/// <see cref="SessionReplayBenchmarks.ReceiveOverLoopback"/> once per fresh process, with no
/// warm-up: the first full table a just-started daemon receives. The feed is decoded once while
/// it is loaded, so the codec is already compiled; the session, pipe and actor paths are not.
/// Three jobs: the runtime's default tiered compilation; quick JIT off
/// (<c>DOTNET_TC_QuickJit=0</c>, i.e. <c>TieredCompilationQuickJit=false</c>, what bgpactorsd
/// ships with), where code that has no ReadyToRun image is compiled optimised on first call; and
/// dynamic PGO off (<c>DOTNET_TieredPGO=0</c>), the lighter alternative that was measured.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ColdStartConfig))]
public class SessionReplayColdStartBenchmarks
{
    private ReplaySetup _setup = null!;
    private LoopbackReplay? _replay;

    private sealed class ColdStartConfig : ManualConfig
    {
        public ColdStartConfig()
        {
            var cold = Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(5).WithWarmupCount(0).WithIterationCount(1);
            AddJob(cold.WithId("TieredDefault"));
            AddJob(cold.WithEnvironmentVariables(SessionReplayBenchmarks.QuickJitOff).WithId("QuickJitOff"));
            AddJob(cold.WithEnvironmentVariables(SessionReplayBenchmarks.TieredPgoOff).WithId("TieredPgoOff"));
        }
    }

    [GlobalSetup]
    public void Setup() => _setup = ReplaySetup.Load();

    [IterationSetup]
    public void ConnectSession() => _replay = LoopbackReplay.StartSessionAsync(_setup).GetAwaiter().GetResult();

    [IterationCleanup]
    public void Disconnect() => _replay!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = ReplaySetup.Prefixes)]
    public Task ReceiveOverLoopbackCold() => _replay!.RunAsync();
}
