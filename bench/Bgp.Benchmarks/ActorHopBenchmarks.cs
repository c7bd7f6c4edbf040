using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Akka.Actor;
using Akka.Streams.Dsl;
using BenchmarkDotNet.Attributes;
using Bgp.Actors.Rib;
using Bgp.Actors.Sessions;
using Bgp.Actors.Typed;
using Bgp.Benchmarks.SessionReplay;
using Bgp.Wire;

namespace Bgp.Benchmarks;

/// <summary>
/// The two stages the Akka.NET move put on the receive path, over the RIPE feed of
/// <see cref="SessionReplayBenchmarks"/> (89,679 UPDATEs, 577,740 prefixes).
/// <see cref="FrameSource"/>: <see cref="BgpConnection.Frames"/> (the Akka.Streams source that reads a
/// pipe, frames and decodes) into a counting sink, from an in-memory pipe holding the peer's OPEN and
/// the feed; an operation is one prefix. <see cref="SessionToRibHop"/>: the session→RIB hop alone,
/// UPDATEs already decoded, sent as <see cref="RibCommand.UpdatesReceived"/> in batches of
/// <see cref="Batch"/> UPDATEs under the session's credit window to a RIB stand-in that acknowledges each
/// (<see cref="SessionCommand.RibApplied"/>); an operation is one UPDATE (divide by 6.44 for a prefix).
/// </summary>
[MemoryDiagnoser]
public class FrameSourceBenchmarks
{
    private ReplaySetup _setup = null!;
    private ActorSystem _system = null!;

    [GlobalSetup]
    public void Setup()
    {
        _setup = ReplaySetup.Load();
        _system = BgpActorSystem.Create("frames");
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Benchmark(OperationsPerInvoke = ReplaySetup.Prefixes)]
    public async Task<long> FrameSource()
    {
        // 64 KiB segments, as BgpTransport.FromSocket reads a socket
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 64 * 1024));
        pipe.Writer.Write(_setup.Feed.Open);
        pipe.Writer.Write(_setup.Feed.Updates);
        await pipe.Writer.CompleteAsync();
        var endpoint = new IPEndPoint(IPAddress.Loopback, 179);
        var transport = new BgpTransport(new PipePair(pipe.Reader, new Pipe().Writer), endpoint, endpoint);
        var kind = _setup.Feed.PeerAs == _setup.Feed.LocalAs ? PeerKind.Internal : PeerKind.External;
        await using var connection = new BgpConnection(1, outgoing: true, transport, _setup.Settings.BuildLocalOpen(), kind);
        long prefixes = await connection.Frames().RunAggregate(0L,
            (n, batch) =>
            {
                foreach (var frame in batch)
                    if (frame.Result.Message is UpdateMessage update) n += CountingRib.Count(update);
                return n;
            },
            ActorServices.Of(_system).Materializer);
        if (prefixes != ReplaySetup.Prefixes) throw new InvalidOperationException($"framed {prefixes} prefixes, expected {ReplaySetup.Prefixes}");
        return prefixes;
    }

    private sealed class PipePair(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}

/// <summary>See <see cref="FrameSourceBenchmarks"/>: the session→RIB hop, per UPDATE.</summary>
[MemoryDiagnoser]
public class SessionToRibHopBenchmarks
{
    private UpdateMessage[] _updates = null!;
    private ActorSystem _system = null!;

    [Params(1, 64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var setup = ReplaySetup.Load();
        var buffer = new ReadOnlySequence<byte>(setup.Feed.Updates);
        var updates = new List<UpdateMessage>();
        while (MessageFramer.TryReadFrame(ref buffer, setup.Context.MaxMessageLength, out var frame, out _, out _) == FrameStatus.Message)
            if (MessageDecoder.Decode(frame, setup.Context).Message is UpdateMessage update) updates.Add(update);
        _updates = [.. updates];
        _system = BgpActorSystem.Create("hop");
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Benchmark(OperationsPerInvoke = 89_679)]
    public Task SessionToRibHop()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new CountingRib.Progress(ReplaySetup.Prefixes);
        var rib = _system.ActorOf(Props.Create(() => new CountingRib(progress)));
        var sender = _system.ActorOf(Props.Create(() => new HopSender(_updates, Batch, rib, done)));
        return done.Task.ContinueWith(_ =>
        {
            _system.Stop(sender);
            _system.Stop(rib);
        }, TaskScheduler.Default);
    }

    /// <summary>Sends the UPDATEs as a session does: batches counted against the window, more as the RIB acknowledges.</summary>
    private sealed class HopSender(UpdateMessage[] updates, int batch, IActorRef rib, TaskCompletionSource done) : UntypedActor
    {
        private int _next;
        private long _outstanding;

        protected override void PreStart() => Fill();

        protected override void OnReceive(object message)
        {
            if (message is not SessionCommand.RibApplied applied) return;
            _outstanding -= applied.Work;
            if (_next == updates.Length && _outstanding == 0) done.TrySetResult();
            else Fill();
        }

        private void Fill()
        {
            while (_next < updates.Length && _outstanding <= PeerSessionActor.RibWindow)
            {
                int count = Math.Min(batch, updates.Length - _next);
                var slice = new UpdateMessage[count];
                Array.Copy(updates, _next, slice, 0, count);
                _next += count;
                long work = 0;
                foreach (var u in slice) work += 1 + CountingRib.Count(u);
                _outstanding += work;
                rib.Tell(new RibCommand.UpdatesReceived(IPAddress.Loopback, slice, work));
            }
        }
    }
}
