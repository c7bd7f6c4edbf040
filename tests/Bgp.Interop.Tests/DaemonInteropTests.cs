using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// bgpactorsd against each real daemon on loopback: sessions in both directions with IPv4 and IPv6
/// unicast, keepalives over several hold periods, re-establishment after a peer restart, and the
/// peer's shutdown communication in our log. docs/INTEROP.md lists what each test checks.
/// </summary>
public class DaemonInteropTests : LabTestBase
{
    private static readonly PeerKind[] Kinds = [PeerKind.Frr, PeerKind.Bird, PeerKind.GoBgp, PeerKind.OpenBgpd, PeerKind.ExaBgp];
    private async Task<(LabPeer Peer, BgpActorsUnderTest Daemon)> StartPairAsync(PeerKind kind, bool weConnect, int holdTime = 3)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { Passive = weConnect, HoldTime = holdTime });
        Daemon = BgpActorsUnderTest.Start(Path.Combine(TestDir, "bgpactorsd"), peer, passive: !weConnect, holdTime: holdTime);
        return (peer, Daemon);
    }

    private static string Up(LabPeer peer) => $"peer {peer.Options.LocalAddress} AS{peer.Options.LocalAs}: OpenConfirm -> Established";

    [TestCaseSource(nameof(Kinds))]
    public async Task We_connect_out_establish_with_ipv4_and_ipv6_and_keepalives_hold_the_session_for_three_hold_periods(PeerKind kind)
    {
        var (peer, daemon) = await StartPairAsync(kind, weConnect: true);
        await daemon.WaitForLogAsync(Up(peer), EstablishTimeout);
        var established = await daemon.WaitForLogAsync($"peer {peer.Options.LocalAddress} AS{peer.Options.LocalAs}: established;", EstablishTimeout);
        Assert.That(established, Does.Contain("families ipv4-unicast,ipv6-unicast").And.Contain("hold 3 s"));
        var session = await peer.WaitForEstablishedAsync(EstablishTimeout);
        Assert.That(session.Established, Is.True);

        await Task.Delay(TimeSpan.FromSeconds(3 * 3 + 1));
        Assert.That(daemon.Count($"peer {peer.Options.LocalAddress} AS{peer.Options.LocalAs}: Established ->"), Is.Zero,
            "the session never left Established over three hold periods");
        Assert.That((await peer.GetSessionAsync()).Established, Is.True, await peer.DescribeAsync());
        Assert.That(daemon.Count("NOTIFICATION"), Is.Zero);
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task The_peer_connects_in_and_the_session_establishes_with_ipv4_and_ipv6(PeerKind kind)
    {
        var (peer, daemon) = await StartPairAsync(kind, weConnect: false);
        var established = await daemon.WaitForLogAsync($"peer {peer.Options.LocalAddress} AS{peer.Options.LocalAs}: established;", EstablishTimeout);
        Assert.That(established, Does.Contain("families ipv4-unicast,ipv6-unicast"));
        await peer.WaitForEstablishedAsync(EstablishTimeout);
        Assert.That(daemon.Count("incoming connection") + daemon.Count("Active -> OpenSent") + daemon.Count("Idle -> Active"), Is.GreaterThan(0),
            "the session was set up by the peer's connection");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task The_peer_announces_ipv4_and_ipv6_routes_and_they_are_withdrawn_when_it_goes_away(PeerKind kind)
    {
        var (peer, daemon) = await StartPairAsync(kind, weConnect: true, holdTime: 9);
        await daemon.WaitForLogAsync(Up(peer), EstablishTimeout);
        int expected = peer.Options.Ipv4Routes.Count + peer.Options.Ipv6Routes.Count;
        // BIRD and ExaBGP send End-of-RIB without graceful restart; FRR, GoBGP and OpenBGPD only with it,
        // so for them the routes are given time to arrive (FRR takes ~4 s after Established)
        try
        {
            var v6 = await daemon.WaitForLogAsync($"AS{peer.Options.LocalAs}: End-of-RIB for ipv6-unicast", TimeSpan.FromSeconds(10));
            Assert.That(v6, Does.Contain($": {peer.Options.Ipv6Routes.Count} prefixes"));
        }
        catch (AssertionException) when (kind is PeerKind.Frr or PeerKind.GoBgp or PeerKind.OpenBgpd)
        {
        }
        await peer.StopAsync();
        var withdrawn = await daemon.WaitForLogAsync($"peer {peer.Options.LocalAddress} down", EstablishTimeout);
        Assert.That(withdrawn, Does.Contain($"withdrew its {expected} routes"), "every IPv4 and IPv6 route the peer announced had arrived");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task A_peer_restart_is_followed_by_re_establishment(PeerKind kind)
    {
        var (peer, daemon) = await StartPairAsync(kind, weConnect: true);
        await daemon.WaitForLogAsync(Up(peer), EstablishTimeout);
        await peer.RestartAsync();
        await daemon.WaitForLogAsync($"peer {peer.Options.LocalAddress} AS{peer.Options.LocalAs}: Established ->", EstablishTimeout);
        await daemon.WaitForLogAsync(Up(peer), TimeSpan.FromSeconds(60), occurrences: 2);
        await peer.WaitForEstablishedAsync(EstablishTimeout);
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task A_cease_with_shutdown_text_from_the_peer_is_logged_with_that_text(PeerKind kind)
    {
        var (peer, daemon) = await StartPairAsync(kind, weConnect: true, holdTime: 9);
        // ExaBGP 4.2 cannot carry our text: its teardown sends its own ("Administrative Shutdown"), which is
        // the text we must then log.
        string text = peer.Capabilities.ShutdownCommunication ? "interop maintenance window"
            : peer.Capabilities.FixedShutdownText ?? throw new InvalidOperationException($"{kind} sends no shutdown communication");
        await daemon.WaitForLogAsync(Up(peer), EstablishTimeout);
        await peer.WaitForEstablishedAsync(EstablishTimeout);
        await peer.ShutdownSessionAsync("interop maintenance window");
        var line = await daemon.WaitForLogAsync("NOTIFICATION received", EstablishTimeout);
        Assert.That(line, Does.Contain($"Cease/AdministrativeShutdown \"{text}\""));
    }
}
