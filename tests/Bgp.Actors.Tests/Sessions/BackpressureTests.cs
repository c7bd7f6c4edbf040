using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit;
using Bgp.Actors.Rib;
using Bgp.Actors.Sessions;
using Bgp.Actors.Typed;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

/// <summary>
/// Backpressure end to end: a peer on loopback TCP sends a table much larger than every buffer on
/// the way (socket buffers, the connection's stream, the session's window on the RIB) to a RIB that
/// has stopped. The session must stop reading the socket, so the peer's writes block, and hold no
/// more than its window of work; once the RIB works again, every route arrives.
/// </summary>
[TestFixture]
public class BackpressureTests : AkkaTest
{
    private const int Updates = 4000;
    private const int PrefixesPerUpdate = 1000;   // 4,000 UPDATEs of ~4 KB: 16 MB, 4 M prefixes

    [Test]
    public async Task A_stalled_rib_stops_the_socket_being_read_and_every_route_arrives_when_it_resumes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var rib = CreateProbe<RibCommand>("rib");
        var settings = TestConfigs.Session(65001, "10.0.0.1", "127.0.0.1", 65002) with { RemotePort = ((IPEndPoint)listener.LocalEndpoint).Port };
        var session = Sys.Spawn<SessionCommand>(PeerSessionActor.Props(settings, rib, TcpConnector.Instance, new PeerCounters()), "session");
        await using var peer = await ScriptedPeer.AcceptAsync(listener, TimeSpan.FromSeconds(10));
        await peer.HandshakeAsync(65002, 0x7F000002, 90, AfiSafi.Ipv4Unicast);
        await rib.ExpectAsync<RibCommand.PeerUp>();

        var table = Enumerable.Range(0, Updates).Select(Update).ToList();
        var sending = Task.Run(async () =>
        {
            foreach (var bytes in table) await peer.SendRawAsync(bytes);
        });

        // the RIB acknowledges nothing: what reaches it is the session's window and one batch, no more
        long work = 0, prefixes = 0;
        var held = new List<RibCommand.UpdatesReceived>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < deadline)
        {
            var (success, envelope) = await rib.TestProbe.TryReceiveOneAsync(deadline - DateTime.UtcNow);
            if (!success) break;
            if (envelope.Message is not RibCommand.UpdatesReceived received) continue;
            held.Add(received);
            work += received.Work;
            prefixes += received.Updates.Sum(u => u.Nlri.Count);
        }
        long batchWork = BgpConnection.InboundBatchBytes / 4 + BgpConnection.InboundBatchBytes / 19;
        Assert.That(work, Is.GreaterThan(0).And.LessThanOrEqualTo(PeerSessionActor.RibWindow + batchWork),
            "the RIB was handed at most the window and the batch in progress");
        Assert.That(sending.IsCompleted, Is.False, "the peer's writes are blocked: its TCP window is closed");
        var status = await session.StatusAsync();
        Assert.That(status.State, Is.EqualTo(Bgp.Actors.Fsm.SessionState.Established));
        Assert.That(status.PrefixesAnnouncedIn, Is.EqualTo(prefixes), "nothing read beyond what the RIB was handed");

        // the RIB resumes: it acknowledges what it holds and everything that comes after
        rib.TestProbe.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is RibCommand.UpdatesReceived received) sender.Tell(new SessionCommand.RibApplied(received.Work));
            return AutoPilot.KeepRunning;
        }));
        foreach (var received in held) session.Tell(new SessionCommand.RibApplied(received.Work));
        while (prefixes < (long)Updates * PrefixesPerUpdate)
        {
            var received = await rib.FishAsync<RibCommand.UpdatesReceived>(wait: TimeSpan.FromSeconds(20));
            prefixes += received.Updates.Sum(u => u.Nlri.Count);
        }
        Assert.That(prefixes, Is.EqualTo((long)Updates * PrefixesPerUpdate));
        await sending.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That((await session.StatusAsync()).State, Is.EqualTo(Bgp.Actors.Fsm.SessionState.Established));
    }

    /// <summary>UPDATE number <paramref name="index"/>: 1,000 /24s of its own, encoded.</summary>
    private static byte[] Update(int index)
    {
        var nlri = Enumerable.Range(0, PrefixesPerUpdate)
            .Select(j => new Nlri(Prefix.V4(0x10000000u + ((uint)(index * PrefixesPerUpdate + j) << 8), 24)))
            .ToArray();
        var update = new UpdateMessage(default,
            new EquatableArray<PathAttribute>([OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(65002)),
                new NextHopAttribute(IpAddr.Parse("127.0.0.2"))]),
            new EquatableArray<Nlri>(nlri));
        return MessageEncoder.Encode(update, CodecContext.Default with { FourOctetAs = true });
    }
}
