using Bgp.TestKit;
using Bgp.Api.V1;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// The gRPC API end to end against real daemons: a neighbor added through the API establishes with
/// GoBGP or FRR and is written to the file, the route watch stream shows its route arrive, a route
/// injected through the API reaches it with our AS prepended (and shows on the stream too), and
/// disabling the neighbor through the API sends the shutdown communication it reports and withdraws
/// its route on the stream.
/// </summary>
public class ApiInteropTests : LabTestBase
{
    [TestCase(PeerKind.GoBgp)]
    [TestCase(PeerKind.Frr)]
    public async Task A_neighbor_added_and_a_route_injected_through_grpc_reach_a_real_peer_and_disable_sends_the_text(PeerKind kind)
    {
        string own = $"10.{LabAddresses.Index(kind)}.0.0/24";
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { Ipv4Routes = [own], Ipv6Routes = [] });
        var dir = Path.Combine(TestDir, "bgpactorsd");
        Daemon = BgpActorsUnderTest.StartWith(dir, []);
        await Daemon.WaitForLogAsync("gRPC API on", EstablishTimeout);
        using var client = ApiClients.ForUnixSocket(Path.Combine(dir, "grpc.sock"));

        var o = peer.Options;
        await client.Unary(client.Neighbors.AddNeighborAsync, new AddNeighborRequest
        {
            Neighbor = new NeighborConfig
            {
                Address = o.LocalAddress.ToString(), RemoteAsn = o.LocalAs, LocalAddress = LabAddresses.Daemon.ToString(),
                Passive = true, HoldTime = 9, ConnectRetry = 1, Description = $"{kind} added through gRPC",
            },
        });
        Assert.That(File.ReadAllText(Path.Combine(dir, "bgpactors.toml")), Does.Contain($"address = \"{o.LocalAddress}\""));

        // watch the best routes from here on (the stream's own deadline bounds every read)
        using var stop = new CancellationTokenSource();
        await using var watch = ApiClients.ReadAll(client.Rib.WatchRoutes(new WatchRoutesRequest { Family = Family.Ipv4Unicast, IncludeCurrent = true },
            deadline: DateTime.UtcNow.AddSeconds(90)), stop.Token).GetAsyncEnumerator();
        Assert.That(await watch.MoveNextAsync() && watch.Current.Synced is { Routes: 0 }, Is.True, "an empty table, then live changes");

        await peer.WaitForEstablishedAsync(EstablishTimeout);
        var learned = await NextRouteAsync(watch, own);
        Assert.That(learned.Best?.PeerAddress, Is.EqualTo(o.LocalAddress.ToString()), $"{kind}'s route arrives on the stream");

        await client.Unary(client.Injection.AddPathAsync,
            new AddPathRequest { Prefix = "198.51.100.0/24", NextHop = "192.0.2.1" });
        var route = (await peer.WaitForPrefixesAsync(["198.51.100.0/24"], RouteTimeout)).Single(r => r.Prefix == "198.51.100.0/24");
        Assert.That(route.AsPath, Is.EqualTo(new[] { LabAddresses.DaemonAs }));
        Assert.That(route.NextHop, Is.EqualTo("192.0.2.1"), "an injected route keeps the next hop it names");
        var injected = await NextRouteAsync(watch, "198.51.100.0/24");
        Assert.That((injected.Best?.PeerAddress, injected.Current), Is.EqualTo(("", false)), "ours: no neighbor");

        const string text = "maintenance announced through gRPC";
        await client.Unary(client.Neighbors.DisableNeighborAsync,
            new DisableNeighborRequest { Address = o.LocalAddress.ToString(), ShutdownText = text });
        var down = await peer.WaitForSessionAsync(s => s.LastShutdownCommunication == text, RouteTimeout, "the shutdown communication");
        TestContext.Out.WriteLine($"{kind}: {down}");
        var withdrawn = await NextRouteAsync(watch, own);
        Assert.That(withdrawn.Best, Is.Null, "the disabled neighbor's route leaves the table");
        await stop.CancelAsync();
    }

    /// <summary>The next change for <paramref name="prefix"/> on a route watch (others are skipped).</summary>
    private static async Task<RouteEvent> NextRouteAsync(IAsyncEnumerator<Event> watch, string prefix)
    {
        for (int i = 0; i < 1000; i++)
        {
            if (!await watch.MoveNextAsync()) break;
            Assert.That(watch.Current.Lag, Is.Null, "no change is dropped at this rate");
            if (watch.Current.Route?.Prefix == prefix) return watch.Current.Route;
        }
        throw new AssertionException($"the route watch ended without a change for {prefix}");
    }
}
