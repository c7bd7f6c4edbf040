using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// bgpactorsd between real daemons: FRR and BIRD announce, GoBGP and OpenBGPD receive, and what the
/// receivers hold (their Adj-RIB-In for the session with us) is checked per mode: plain eBGP, iBGP
/// towards the receivers, route-reflector clients, route-server clients. Then a source goes away and
/// its routes must be gone from both receivers.
/// </summary>
public class RouteDistributionInteropTests : LabTestBase
{
    public enum Mode
    {
        /// <summary>Everyone eBGP: our AS prepended, next hop ours (GoBGP and FRR: next_hop_unchanged, they refuse 127/8 next hops).</summary>
        Ebgp,
        /// <summary>Sources eBGP, receivers iBGP in our AS: AS_PATH and next hop as received.</summary>
        Ibgp,
        /// <summary>Everyone iBGP in our AS; sources and GoBGP are route-reflector clients, OpenBGPD is not.</summary>
        RouteReflector,
        /// <summary>Everyone a route-server client (RFC 7947): nothing of ours in the routes.</summary>
        RouteServer,
    }

    private static readonly PeerKind[] Sources = [PeerKind.Frr, PeerKind.Bird];
    private static bool Internal(Mode mode, PeerKind kind) =>
        mode == Mode.RouteReflector || (mode == Mode.Ibgp && !Sources.Contains(kind));

    private static LabPeerOptions Options(Mode mode, PeerKind kind)
    {
        var o = LabPeerOptions.For(kind);
        if (Internal(mode, kind)) o = o with { LocalAs = LabAddresses.DaemonAs };
        if (mode == Mode.RouteServer) o = o with { RemoteIsRouteServer = true };
        // receivers announce nothing: what they hold is what we sent
        if (!Sources.Contains(kind)) o = o with { Ipv4Routes = [], Ipv6Routes = [] };
        return o;
    }

    private static string? Extra(Mode mode, PeerKind kind) => mode switch
    {
        Mode.RouteServer => "route_server_client = true",
        Mode.RouteReflector when kind != PeerKind.OpenBgpd => "route_reflector_client = true",
        // GoBGP drops, and FRR answers with NOTIFICATION 3/8 to, a next hop in 127/8 (our lab address)
        Mode.Ebgp or Mode.Ibgp when kind is PeerKind.GoBgp or PeerKind.Frr => "next_hop_unchanged = true",
        _ => null,
    };

    [TestCase(Mode.Ebgp)]
    [TestCase(Mode.Ibgp)]
    [TestCase(Mode.RouteReflector)]
    [TestCase(Mode.RouteServer)]
    public async Task Routes_from_FRR_and_BIRD_reach_GoBGP_and_OpenBGPD_with_the_attributes_of_the_mode_and_leave_with_their_source(Mode mode)
    {
        var kinds = new[] { PeerKind.Frr, PeerKind.Bird, PeerKind.GoBgp, PeerKind.OpenBgpd };
        var peers = new Dictionary<PeerKind, LabPeer>();
        foreach (var kind in kinds) peers[kind] = await StartAsync(kind, Options(mode, kind));
        Daemon = BgpActorsUnderTest.StartWith(Path.Combine(TestDir, "bgpactorsd"), [.. kinds.Select(k => (peers[k], Extra(mode, k)))]);
        foreach (var kind in kinds) await peers[kind].WaitForEstablishedAsync(EstablishTimeout);

        foreach (var receiver in new[] { PeerKind.GoBgp, PeerKind.OpenBgpd })
        {
            // eBGP with next hop self: we have no IPv6 address on the IPv4 session to put in an IPv6 next hop,
            // so IPv6 routes are not sent there (the RIB's explain says NoNextHop); everywhere else both families go
            bool ipv6 = !(mode == Mode.Ebgp && receiver == PeerKind.OpenBgpd);
            var expected = Sources.SelectMany(s => peers[s].Options.Ipv4Routes.Concat(ipv6 ? peers[s].Options.Ipv6Routes : [])).ToList();
            var routes = await peers[receiver].WaitForPrefixesAsync(expected, RouteTimeout);
            foreach (var source in Sources)
            {
                var o = peers[source].Options;
                foreach (var prefix in o.Ipv4Routes.Concat(ipv6 ? o.Ipv6Routes : []))
                {
                    var route = routes.Single(r => r.Prefix.Equals(prefix, StringComparison.OrdinalIgnoreCase));
                    bool v6 = prefix.Contains(':');
                    string sourceNextHop = v6 ? o.NextHop6 : o.NextHop4;
                    var (path, nextHop) = mode switch
                    {
                        Mode.Ebgp => receiver == PeerKind.GoBgp
                            ? (new[] { LabAddresses.DaemonAs, o.LocalAs }, sourceNextHop)
                            : (new[] { LabAddresses.DaemonAs, o.LocalAs }, LabAddresses.Daemon.ToString()),
                        Mode.Ibgp => (new[] { o.LocalAs }, sourceNextHop),
                        Mode.RouteReflector => (Array.Empty<uint>(), sourceNextHop),
                        _ => (new[] { o.LocalAs }, sourceNextHop),
                    };
                    Assert.That(route.AsPath, Is.EqualTo(path), $"{receiver} {mode}: AS_PATH of {route}");
                    Assert.That(route.NextHop, Is.EqualTo(nextHop).IgnoreCase, $"{receiver} {mode}: next hop of {route}");
                }
            }
            if (!ipv6)
            {
                await Task.Delay(500);
                Assert.That((await peers[receiver].GetReceivedRoutesAsync()).Where(r => r.Prefix.Contains(':')), Is.Empty,
                    "no IPv6 route without a usable next hop");
            }
        }
        Assert.That(await Daemon.WaitForLogAsync($"peer {peers[PeerKind.GoBgp].Options.LocalAddress} AS{peers[PeerKind.GoBgp].Options.LocalAs}: initial ipv4-unicast table sent, End-of-RIB", RouteTimeout),
            Is.Not.Empty);

        // FRR goes away: its routes leave both receivers, BIRD's stay
        var frr = peers[PeerKind.Frr].Options;
        await peers[PeerKind.Frr].StopAsync();
        var gone = frr.Ipv4Routes.Concat(frr.Ipv6Routes).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var receiver in new[] { PeerKind.GoBgp, PeerKind.OpenBgpd })
        {
            var left = await peers[receiver].WaitForRoutesAsync(rs => !rs.Any(r => gone.Contains(r.Prefix)), RouteTimeout);
            Assert.That(left.Select(r => r.Prefix), Is.SupersetOf(peers[PeerKind.Bird].Options.Ipv4Routes), $"{receiver} keeps BIRD's routes");
        }
    }
}
