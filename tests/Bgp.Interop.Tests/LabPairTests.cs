using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// Harness self-tests without bgpactorsd: real daemons paired with each other over loopback prove that the
/// templates configure working sessions and that each LabPeer reads state and received routes correctly.
/// </summary>
public sealed class LabPairTests : LabTestBase
{
    [Test]
    public async Task Frr_connecting_to_a_passive_Bird_establishes_both_ways_and_each_receives_the_others_ipv4_and_ipv6_routes()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr) with { Passive = true });
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.Bird));

        AssertEstablishedWithFamilies(frr, await frr.WaitForEstablishedAsync(EstablishTimeout), bird);
        AssertEstablishedWithFamilies(bird, await bird.WaitForEstablishedAsync(EstablishTimeout), frr);
        await AssertReceivesRoutesOfAsync(bird, frr);
        await AssertReceivesRoutesOfAsync(frr, bird);
    }

    [Test]
    public async Task GoBgp_connecting_to_a_passive_OpenBgpd_establishes_and_routes_flow_both_ways()
    {
        var openbgpd = await StartAsync(PeerKind.OpenBgpd, Between(PeerKind.OpenBgpd, PeerKind.GoBgp) with { Passive = true });
        var gobgp = await StartAsync(PeerKind.GoBgp, Between(PeerKind.GoBgp, PeerKind.OpenBgpd));

        AssertEstablishedWithFamilies(gobgp, await gobgp.WaitForEstablishedAsync(EstablishTimeout), openbgpd);
        AssertEstablishedWithFamilies(openbgpd, await openbgpd.WaitForEstablishedAsync(EstablishTimeout), gobgp);
        await AssertReceivesRoutesOfAsync(openbgpd, gobgp);
        await AssertReceivesRoutesOfAsync(gobgp, openbgpd);
    }

    [Test]
    public async Task ExaBgp_connecting_to_a_passive_Bird_establishes_and_routes_flow_both_ways()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.ExaBgp) with { Passive = true });
        var exabgp = await StartAsync(PeerKind.ExaBgp, Between(PeerKind.ExaBgp, PeerKind.Bird));

        AssertEstablishedWithFamilies(exabgp, await exabgp.WaitForEstablishedAsync(EstablishTimeout), bird);
        AssertEstablishedWithFamilies(bird, await bird.WaitForEstablishedAsync(EstablishTimeout), exabgp);
        await AssertReceivesRoutesOfAsync(bird, exabgp);
        await AssertReceivesRoutesOfAsync(exabgp, bird);
    }

    [Test]
    public async Task Frr_and_a_passive_GoBgp_with_the_same_md5_key_establish_and_exchange_routes_RFC2385()
    {
        var gobgp = await StartAsync(PeerKind.GoBgp, Between(PeerKind.GoBgp, PeerKind.Frr) with { Passive = true, Md5Password = "lab-md5-key" });
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.GoBgp) with { Md5Password = "lab-md5-key" });

        AssertEstablishedWithFamilies(frr, await frr.WaitForEstablishedAsync(EstablishTimeout), gobgp);
        AssertEstablishedWithFamilies(gobgp, await gobgp.WaitForEstablishedAsync(EstablishTimeout), frr);
        await AssertReceivesRoutesOfAsync(gobgp, frr);
        await AssertReceivesRoutesOfAsync(frr, gobgp);
    }

    [Test]
    public async Task Bird_and_Frr_with_different_md5_keys_never_establish_RFC2385()
    {
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.Bird) with { Passive = true, Md5Password = "key-one" });
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr) with { Md5Password = "key-two" });

        // BIRD retries every second; four seconds is several attempts, each dropped by the kernel on the FRR side.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.That((await bird.GetSessionAsync()).Established, Is.False, () => bird.LogTail());
        Assert.That((await frr.GetSessionAsync()).Established, Is.False, () => frr.LogTail());
    }

    [Test]
    public async Task A_peer_of_each_kind_with_ttl_security_and_md5_establishes_with_a_passive_Frr_and_exchanges_routes_RFC5082_RFC2385(
        [Values(PeerKind.Bird, PeerKind.GoBgp, PeerKind.OpenBgpd, PeerKind.ExaBgp)] PeerKind kind)
    {
        // FRR with "ttl-security hops 1" drops anything that arrives with TTL < 255, so this proves the peer sends 255.
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, kind) with { Passive = true, TtlSecurity = 1, Md5Password = "gtsm-and-md5" });
        var peer = await StartAsync(kind, Between(kind, PeerKind.Frr) with { TtlSecurity = 1, Md5Password = "gtsm-and-md5" });

        AssertEstablishedWithFamilies(frr, await frr.WaitForEstablishedAsync(EstablishTimeout), peer);
        AssertEstablishedWithFamilies(peer, await peer.WaitForEstablishedAsync(EstablishTimeout), frr);
        await AssertReceivesRoutesOfAsync(frr, peer);
        await AssertReceivesRoutesOfAsync(peer, frr);
        Assert.That(await File.ReadAllTextAsync(frr.ConfigPath), Does.Contain("ttl-security hops 1"));
    }

    [Test]
    public async Task A_passive_peer_of_each_kind_accepts_an_active_reference_and_reports_state_and_routes(
        [Values] PeerKind kind)
    {
        // The reference is BIRD, or FRR when BIRD itself is under test.
        var reference = kind == PeerKind.Bird ? PeerKind.Frr : PeerKind.Bird;
        var peer = await StartAsync(kind, Between(kind, reference) with { Passive = true, HoldTime = 12 });
        var other = await StartAsync(reference, Between(reference, kind));

        var session = await peer.WaitForEstablishedAsync(EstablishTimeout);
        AssertEstablishedWithFamilies(peer, session, other);
        Assert.That(session.NegotiatedHoldTime, Is.EqualTo(9), "the smaller hold time wins, RFC 4271 §4.2");
        Assert.That(session.Uptime, Is.Not.Null.And.LessThan(EstablishTimeout + TimeSpan.FromSeconds(5)), session.ToString);
        await AssertReceivesRoutesOfAsync(peer, other);
        await AssertReceivesRoutesOfAsync(other, peer);
    }
}
