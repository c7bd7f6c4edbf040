using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>TCP MD5 (RFC 2385) and GTSM (RFC 5082) between bgpactorsd and FRR / BIRD.</summary>
public class DaemonTransportSecurityTests : LabTestBase
{
    private static string Up(LabPeer peer) => $"peer {peer.Options.LocalAddress} AS{peer.Options.LocalAs}: OpenConfirm -> Established";

    [TestCase(PeerKind.Frr, true)]
    [TestCase(PeerKind.Bird, false)]
    public async Task Matching_md5_passwords_establish(PeerKind kind, bool weConnect)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { Passive = weConnect, Md5Password = "lab-md5-secret" });
        Daemon = BgpActorsUnderTest.Start(Path.Combine(TestDir, "bgpactorsd"), peer, passive: !weConnect, holdTime: 9,
            extra: "md5_password = \"lab-md5-secret\"");
        await Daemon.WaitForLogAsync(Up(peer), EstablishTimeout);
        await peer.WaitForEstablishedAsync(EstablishTimeout);
    }

    [TestCase(PeerKind.Frr)]
    [TestCase(PeerKind.Bird)]
    public async Task A_wrong_md5_password_never_establishes(PeerKind kind)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { Md5Password = "lab-md5-secret" });
        Daemon = BgpActorsUnderTest.Start(Path.Combine(TestDir, "bgpactorsd"), peer, passive: false, holdTime: 9,
            extra: "md5_password = \"not-the-secret\"");
        await Daemon.WaitForLogAsync("Idle -> Connect", EstablishTimeout);
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.That(Daemon.Count("OpenSent"), Is.Zero, "no TCP session without the right signature, so no OPEN either");
        Assert.That((await peer.GetSessionAsync()).Established, Is.False);
    }

    [TestCase(PeerKind.Frr)]
    [TestCase(PeerKind.Bird)]
    public async Task Gtsm_on_both_sides_establishes_between_directly_connected_speakers(PeerKind kind)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { TtlSecurity = 1 });
        Daemon = BgpActorsUnderTest.Start(Path.Combine(TestDir, "bgpactorsd"), peer, passive: false, holdTime: 9, extra: "ttl_security = 1");
        await Daemon.WaitForLogAsync(Up(peer), EstablishTimeout);
        await peer.WaitForEstablishedAsync(EstablishTimeout);
    }
}
