using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Rib;
using Akka.Actor;
using Akka.Streams.Dsl;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;

namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// One replay of the feed over loopback TCP, in two forms. <see cref="StartSessionAsync"/>: a real
/// <see cref="PeerSessionActor"/> on a fresh <see cref="ActorSystem"/>, dialling with the real
/// <see cref="TcpConnector"/>, its UPDATEs going to a <see cref="CountingRib"/>.
/// <see cref="StartBareAsync"/>: a bare <see cref="BgpConnection"/> (socket, pipe, framing,
/// decoding) whose deliver callback counts on the reader's thread. Either way the OPEN exchange is
/// done when the start task completes, and <see cref="RunAsync"/> is what gets timed.
/// </summary>
public sealed class LoopbackReplay : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly ReplaySetup _setup;
    private readonly TcpListener _listener;
    private readonly CountingRib.Progress _progress = new(ReplaySetup.Prefixes);
    private ActorSystem? _system;
    private BgpConnection? _connection;
    private ReplayPeer? _peer;

    private LoopbackReplay(ReplaySetup setup)
    {
        _setup = setup;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static async Task<LoopbackReplay> StartSessionAsync(ReplaySetup setup)
    {
        var replay = new LoopbackReplay(setup);
        using var timeout = new CancellationTokenSource(Wait);
        var system = replay._system = BgpActorSystem.Create("bench");
        var progress = replay._progress;
        var rib = system.Spawn<RibCommand>(Props.Create(() => new CountingRib(progress)), "rib");
        var settings = setup.Settings with { RemotePort = replay.Port };
        system.ActorOf(Props.Create(() => new PeerSessionActor(settings, rib, TcpConnector.Instance, new PeerCounters(), true, null)), "session");
        replay._peer = await ReplayPeer.AcceptAsync(replay._listener, timeout.Token);
        await replay._peer.HandshakeAsync(setup.Feed.Open, timeout.Token);
        await progress.Up.WaitAsync(timeout.Token);
        return replay;
    }

    public static async Task<LoopbackReplay> StartBareAsync(ReplaySetup setup)
    {
        var replay = new LoopbackReplay(setup);
        using var timeout = new CancellationTokenSource(Wait);
        var progress = replay._progress;
        var localOpen = setup.Settings.BuildLocalOpen();
        var connecting = TcpConnector.Instance.ConnectAsync(
            new ConnectRequest(new IPEndPoint(IPAddress.Loopback, replay.Port), null, null, null), timeout.Token);
        replay._peer = await ReplayPeer.AcceptAsync(replay._listener, timeout.Token);
        var kind = setup.Feed.PeerAs == setup.Feed.LocalAs ? PeerKind.Internal : PeerKind.External;
        var connection = replay._connection = new BgpConnection(1, outgoing: true, await connecting, localOpen, kind);
        var system = replay._system = BgpActorSystem.Create("bench");
        var materializer = ActorServices.Of(system).Materializer;
        long prefixes = 0;
        _ = connection.Frames().RunForeach(batch =>
        {
            foreach (var frame in batch)
                if (frame.Result.Message is UpdateMessage update) prefixes += CountingRib.Count(update);
            if (prefixes >= progress.Expected) progress.MarkDone();
        }, materializer);
        connection.StartWriter(materializer);
        connection.TrySend(localOpen);
        connection.TrySend(KeepaliveMessage.Instance);
        await replay._peer.HandshakeAsync(setup.Feed.Open, timeout.Token);
        return replay;
    }

    /// <summary>The peer writes the whole feed; done when every prefix has been counted.</summary>
    public async Task RunAsync()
    {
        await _peer!.SendAsync(_setup.Feed.Updates);
        await _progress.Done.WaitAsync(Wait);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        if (_system is not null) await _system.Terminate().WaitAsync(Wait);
        if (_peer is not null) await _peer.DisposeAsync();
        _listener.Stop();
        _listener.Dispose();
    }
}
