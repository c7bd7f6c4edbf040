using Bgp.TestKit;
using Bgp.Api.V1;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// How a neighbor comes and goes, against real daemons: a peer that only connects to us is let in
/// at once while our own dials to it fail, and deleting a neighbor sends Cease/3 "Peer De-configured"
/// (RFC 4486), which the peer reports.
/// </summary>
public class NeighborLifecycleInteropTests : LabTestBase
{
    [TestCase(PeerKind.Bird)]
    [TestCase(PeerKind.Frr)]
    public async Task A_peer_that_only_connects_is_let_in_on_its_first_attempt_while_our_dials_to_it_fail(PeerKind kind)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { HoldTime = 9 });
        await peer.StopAsync();
        // we are not passive, but nothing listens where we dial (as if the peer's port 179 were filtered)
        Daemon = BgpActorsUnderTest.Start(Path.Combine(TestDir, "bgpactorsd"), peer, passive: false, holdTime: 9, extra: "remote_port = 1");
        var o = peer.Options;
        await Daemon.WaitForLogAsync($"peer {o.LocalAddress} AS{o.LocalAs}: Connect -> Idle", EstablishTimeout);

        // the session sits in its idle hold between failed dials when the peer comes up and connects
        await peer.RestartAsync();
        await Daemon.WaitForLogAsync($"peer {o.LocalAddress} AS{o.LocalAs}: established;", EstablishTimeout);
        await peer.WaitForEstablishedAsync(EstablishTimeout);
        Assert.That(Daemon.Count("refused a connection"), Is.Zero, "no connection of the peer was refused:\n" + Daemon.Tail());
        Assert.That(Daemon.Count("-> OpenSent"), Is.EqualTo(1), "the peer's first connection made the session");
    }

    [TestCase(PeerKind.Bird)]
    [TestCase(PeerKind.GoBgp)]
    public async Task Deleting_a_neighbor_sends_cease_3_peer_deconfigured_which_the_peer_reports(PeerKind kind)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { HoldTime = 9 });
        var dir = Path.Combine(TestDir, "bgpactorsd");
        Daemon = BgpActorsUnderTest.Start(dir, peer, passive: false, holdTime: 9);
        var o = peer.Options;
        await Daemon.WaitForLogAsync($"peer {o.LocalAddress} AS{o.LocalAs}: established;", EstablishTimeout);
        await peer.WaitForEstablishedAsync(EstablishTimeout);

        await Daemon.WaitForLogAsync("gRPC API on", EstablishTimeout);   // the API may come up after the session
        using var client = ApiClients.ForUnixSocket(Path.Combine(dir, "grpc.sock"));
        await client.Unary(client.Neighbors.DeleteNeighborAsync, new DeleteNeighborRequest { Address = o.LocalAddress.ToString() });

        // BIRD: "Received: Peer de-configured"; GoBGP logs the code and subcode: Code=6 ... Subcode=3
        var reported = await peer.WaitForSessionAsync(s => s.LastError is { } e
                && (e.Contains("de-configured", StringComparison.OrdinalIgnoreCase) || (e.Contains("Code=6") && e.Contains("Subcode=3"))),
            RouteTimeout, "the peer to report Cease/3");
        TestContext.Out.WriteLine($"{kind} reports: {reported}");
        Assert.That(Daemon.Messages().Any(m => m.Contains("NOTIFICATION sent Cease/PeerDeconfigured, code 6 subcode 3")), Is.True, Daemon.Tail());
    }
}
