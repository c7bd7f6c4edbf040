using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// max_prefixes against real daemons: a peer that announces more IPv4 routes than its limit is closed
/// with Cease/1 "Maximum Number of Prefixes Reached" (RFC 4486), which the peer reports; nothing past
/// the limit reaches the other peers.
/// </summary>
public class PrefixLimitInteropTests : LabTestBase
{
    [TestCase(PeerKind.Bird)]
    [TestCase(PeerKind.Frr)]
    [TestCase(PeerKind.GoBgp)]
    public async Task A_peer_over_its_limit_is_closed_with_cease_1_and_reports_it(PeerKind kind)
    {
        var source = await StartAsync(kind, LabPeerOptions.For(kind));
        var receiver = await StartAsync(PeerKind.OpenBgpd, LabPeerOptions.For(PeerKind.OpenBgpd) with { Ipv4Routes = [], Ipv6Routes = [] });
        Assert.That(source.Options.Ipv4Routes, Has.Count.GreaterThan(1));
        Daemon = BgpActorsUnderTest.StartWith(Path.Combine(TestDir, "bgpactorsd"),
            [(source, "max_prefixes = { ipv4-unicast = 1 }"), (receiver, null)]);

        // BIRD: "Received: Maximum number of prefixes reached"; FRR: "Cease/Maximum Number of Prefixes Reached";
        // GoBGP logs the code, subcode and data: Code=6 Data="[0 1 1 0 0 0 1]" (AFI 1, SAFI 1, limit 1) Subcode=1
        var closed = await source.WaitForSessionAsync(s => s.LastError is { } e
                && (e.Contains("maximum number of prefixes", StringComparison.OrdinalIgnoreCase)
                    || (e.Contains("Code=6") && e.Contains("Subcode=1") && e.Contains("[0 1 1 0 0 0 1]"))),
            RouteTimeout, "the peer to report the maximum-prefix Cease");
        TestContext.Out.WriteLine($"{kind} reports: {closed}");
        await Daemon.WaitForLogAsync($"sent more than 1 ipv4-unicast routes (max_prefixes); closing the session with Cease/1", RouteTimeout);
        Assert.That(Daemon.Messages().Any(m => m.Contains("NOTIFICATION sent Cease/MaximumPrefixesReached, code 6 subcode 1")), Is.True, "the Cease/1 sent is logged");

        // the receiver never held more than the one route that fitted, and holds none once the source is gone
        var held = await receiver.GetReceivedRoutesAsync();
        Assert.That(held.Count(r => !r.Prefix.Contains(':')), Is.LessThanOrEqualTo(1), string.Join(", ", held));
    }
}
