using Bgp.Api.Grpc.Client;
using Bgp.Api.V1;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// The gRPC API end to end against real daemons: a neighbor added through the API establishes with
/// GoBGP or FRR and is written to the file, a route injected through the API reaches it with our AS
/// prepended, and disabling the neighbor through the API sends the shutdown communication it reports.
/// </summary>
public class ApiInteropTests : LabTestBase
{
    [TestCase(PeerKind.GoBgp)]
    [TestCase(PeerKind.Frr)]
    public async Task A_neighbor_added_and_a_route_injected_through_grpc_reach_a_real_peer_and_disable_sends_the_text(PeerKind kind)
    {
        var peer = await StartAsync(kind, LabPeerOptions.For(kind) with { Ipv4Routes = [], Ipv6Routes = [] });
        var dir = Path.Combine(TestDir, "bgpactorsd");
        Daemon = BgpActorsUnderTest.StartWith(dir, []);
        await Daemon.WaitForLogAsync("gRPC API on", EstablishTimeout);
        using var client = GrpcClient.ForUnixSocket(Path.Combine(dir, "grpc.sock"), new GrpcClientOptions { DefaultTimeout = TimeSpan.FromSeconds(20) });
        var neighbors = NeighborReflection.Descriptor.Services[0];

        var o = peer.Options;
        await client.UnaryAsync<AddNeighborRequest, Neighbor>(neighbors.FindMethodByName("AddNeighbor"), new AddNeighborRequest
        {
            Neighbor = new NeighborConfig
            {
                Address = o.LocalAddress.ToString(), RemoteAsn = o.LocalAs, LocalAddress = LabAddresses.Daemon.ToString(),
                Passive = true, HoldTime = 9, ConnectRetry = 1, Description = $"{kind} added through gRPC",
            },
        });
        Assert.That(File.ReadAllText(Path.Combine(dir, "bgpactors.toml")), Does.Contain($"address = \"{o.LocalAddress}\""));
        await peer.WaitForEstablishedAsync(EstablishTimeout);

        await client.UnaryAsync<AddPathRequest, AddPathResponse>(InjectionReflection.Descriptor.Services[0].FindMethodByName("AddPath"),
            new AddPathRequest { Prefix = "198.51.100.0/24", NextHop = "192.0.2.1" });
        var route = (await peer.WaitForPrefixesAsync(["198.51.100.0/24"], RouteTimeout)).Single(r => r.Prefix == "198.51.100.0/24");
        Assert.That(route.AsPath, Is.EqualTo(new[] { LabAddresses.DaemonAs }));
        Assert.That(route.NextHop, Is.EqualTo("192.0.2.1"), "an injected route keeps the next hop it names");

        const string text = "maintenance announced through gRPC";
        await client.UnaryAsync<DisableNeighborRequest, Neighbor>(neighbors.FindMethodByName("DisableNeighbor"),
            new DisableNeighborRequest { Address = o.LocalAddress.ToString(), ShutdownText = text });
        var down = await peer.WaitForSessionAsync(s => s.LastShutdownCommunication == text, RouteTimeout, "the shutdown communication");
        TestContext.Out.WriteLine($"{kind}: {down}");
    }
}
