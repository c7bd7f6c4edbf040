using System.Net;
using Bgp.Actors.Config;
using Bgp.TestKit;
using Bgp.Api.V1;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// bgpactorsd as an IXP route server with three members, BIRD (AS65001), FRR (AS65002) and GoBGP
/// (AS65004), all route-server clients through one peer group, each announcing two IPv4 prefixes and
/// one IPv6 prefix. Every member has an export policy of its own that filters and rewrites what it
/// gets; what each member holds from us is checked route by route. Then the policy towards BIRD is
/// changed through gRPC: BIRD's routes change, no session resets, the other members are sent
/// nothing, and the config file (read back by the daemon's own loader) holds the new policy.
/// </summary>
public class IxpPolicyInteropTests : LabTestBase
{
    private static readonly PeerKind[] Members = [PeerKind.Bird, PeerKind.Frr, PeerKind.GoBgp];

    // 65000:1001 tags what BIRD gets; GoBGP gets BIRD's routes with BIRD's AS twice more and 65000:2004, and
    // no IPv6 route from FRR; FRR gets one GoBGP prefix only, and BIRD's routes with our AS twice in front.
    private const string Policies = """
        [peer_groups.members]
        route_server_client = true
        description = "IXP members"

        [prefix_sets]
        frr-second = ["10.2.1.0/24"]

        [neighbor_sets.frr]
        addresses = ["127.2.0.1"]

        [neighbor_sets.members]
        peer_groups = ["members"]

        [policies.to-bird]
        description = "BIRD: not FRR's second prefix, everything tagged"

        [[policies.to-bird.statements]]
        name = "no-frr-second"
        action = "reject"
        match = { prefix_set = "frr-second" }

        [[policies.to-bird.statements]]
        name = "tag"
        action = "accept"
        match = { neighbor_set = "members" }
        set = { communities = { add = ["65000:1001"] } }

        [policies.to-gobgp]
        default_action = "accept"

        [[policies.to-gobgp.statements]]
        name = "bird-prepended"
        action = "accept"
        match = { as_path = "^65001$" }
        set = { as_path_prepend = { asn = "last", times = 2 }, communities = { add = ["65000:2004"] } }

        [[policies.to-gobgp.statements]]
        name = "no-frr-ipv6"
        action = "reject"
        match = { neighbor_set = "frr", family = "ipv6-unicast" }

        [policies.to-frr]
        default_action = "accept"

        [[policies.to-frr.statements]]
        name = "gobgp-first"
        action = "accept"
        match = { prefixes = ["10.4.0.0/24"] }

        [[policies.to-frr.statements]]
        name = "gobgp-rest"
        action = "reject"
        match = { as_path = "_65004$" }

        [[policies.to-frr.statements]]
        name = "bird-behind-us"
        action = "accept"
        match = { origin_asn = 65001 }
        set = { as_path_prepend = 2 }
        """;

    private static string Extra(PeerKind kind) =>
        $"peer_group = \"members\"\nexport_policy = [\"to-{kind.ToString().ToLowerInvariant()}\"]";

    private Dictionary<PeerKind, LabPeer> _peers = [];

    private LabPeerOptions O(PeerKind kind) => _peers[kind].Options;

    [Test]
    public async Task Per_member_export_policy_filters_and_rewrites_and_a_grpc_change_applies_without_a_session_reset_and_is_persisted()
    {
        _peers = [];
        foreach (var kind in Members)
            _peers[kind] = await StartAsync(kind, LabPeerOptions.For(kind) with { RemoteIsRouteServer = true });
        var dir = Path.Combine(TestDir, "bgpactorsd");
        Daemon = BgpActorsUnderTest.StartWith(dir, [.. Members.Select(k => (_peers[k], (string?)Extra(k)))], sections: Policies);
        foreach (var kind in Members) await _peers[kind].WaitForEstablishedAsync(EstablishTimeout);

        // BIRD: everything but FRR's 10.2.1.0/24, each with 65000:1001 added to what the member sent
        var bird = await ExactlyAsync(PeerKind.Bird, ["10.2.0.0/24", "2001:db8:2::/48", "10.4.0.0/24", "10.4.1.0/24", "2001:db8:4::/48"]);
        foreach (var route in bird)
        {
            Assert.That(route.Communities, Is.EqualTo(new[] { "65000:1001" }), $"BIRD: {route}");
            AssertUnchangedFromMember(route);
        }

        // GoBGP: BIRD's routes as 65001 65001 65001 with 65000:2004; FRR's IPv4 routes only, as sent
        var gobgp = await ExactlyAsync(PeerKind.GoBgp, ["10.1.0.0/24", "10.1.1.0/24", "2001:db8:1::/48", "10.2.0.0/24", "10.2.1.0/24"]);
        foreach (var route in gobgp)
        {
            if (route.Prefix.StartsWith("10.1.", StringComparison.Ordinal) || route.Prefix.StartsWith("2001:db8:1:", StringComparison.Ordinal))
            {
                Assert.That(route.AsPath, Is.EqualTo(new uint[] { 65001, 65001, 65001 }), $"GoBGP: {route}");
                Assert.That(route.Communities, Is.EqualTo(new[] { "65000:2004" }), $"GoBGP: {route}");
                Assert.That(route.NextHop, Is.EqualTo(NextHopOf(route.Prefix)).IgnoreCase, $"GoBGP: {route}");
            }
            else
            {
                AssertUnchangedFromMember(route);
                Assert.That(route.Communities, Is.Empty, $"GoBGP: {route}");
            }
        }

        // FRR: GoBGP's first prefix only (its other routes rejected by origin), BIRD's behind 65000 65000
        var frr = await ExactlyAsync(PeerKind.Frr, ["10.4.0.0/24", "10.1.0.0/24", "10.1.1.0/24", "2001:db8:1::/48"]);
        foreach (var route in frr)
        {
            if (route.Prefix == "10.4.0.0/24") AssertUnchangedFromMember(route);
            else Assert.That(route.AsPath, Is.EqualTo(new uint[] { 65000, 65000, 65001 }), $"FRR: {route}");
        }

        // the change through gRPC: towards BIRD, reject FRR's first prefix instead of its second
        using var client = ApiClients.ForUnixSocket(Path.Combine(dir, "grpc.sock"));
        var before = await NeighborsAsync(client);
        var birdUptime = (await _peers[PeerKind.Bird].GetSessionAsync()).Uptime;
        var policy = await client.Unary(client.Policies.GetPolicyAsync, new GetPolicyRequest { Name = "to-bird" });
        Assert.That(policy.Statements.Select(s => s.Name), Is.EqualTo(new[] { "no-frr-second", "tag" }));
        policy.Statements[0].Name = "no-frr-first";
        policy.Statements[0].Match = new Match { Prefixes = { "10.2.0.0/24" } };
        await client.Unary(client.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = policy });

        bird = await ExactlyAsync(PeerKind.Bird, ["10.2.1.0/24", "2001:db8:2::/48", "10.4.0.0/24", "10.4.1.0/24", "2001:db8:4::/48"]);
        Assert.That(bird.Single(r => r.Prefix == "10.2.1.0/24").Communities, Is.EqualTo(new[] { "65000:1001" }));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await NeighborsAsync(client);
        foreach (var kind in Members)
        {
            var (was, now) = (before[kind], after[kind]);
            Assert.That(now.State.EstablishedSince, Is.EqualTo(was.State.EstablishedSince), $"{kind}: the session was not reset");
            Assert.That((now.Counters.Flaps, now.Counters.OpensOut - was.Counters.OpensOut, now.Counters.NotificationsOut - was.Counters.NotificationsOut),
                Is.EqualTo((0UL, 0UL, 0UL)), $"{kind}: no flap, OPEN or NOTIFICATION: {now.Counters}");
            var sent = (now.Counters.PrefixesAnnouncedOut - was.Counters.PrefixesAnnouncedOut, now.Counters.PrefixesWithdrawnOut - was.Counters.PrefixesWithdrawnOut);
            Assert.That(sent, Is.EqualTo(kind == PeerKind.Bird ? (1UL, 1UL) : (0UL, 0UL)),
                $"{kind}: only BIRD is sent the difference (one announcement, one withdrawal)");
        }
        var birdNow = await _peers[PeerKind.Bird].GetSessionAsync();
        Assert.That(birdNow.Established && birdNow.Uptime > birdUptime, Is.True, $"BIRD stayed up: {birdUptime} then {birdNow}");

        // persisted: the daemon's own loader reads the new policy from the file
        var file = BgpConfig.Load(Path.Combine(dir, "bgpactors.toml"));
        Assert.That(file.Config, Is.Not.Null, string.Join("\n", file.Diagnostics));
        var saved = file.Config!.Policy.FindPolicy("to-bird")!;
        Assert.That(saved.Statements.Select(s => s.Name), Is.EqualTo(new[] { "no-frr-first", "tag" }));
        Assert.That(saved.Statements[0].Match.Prefixes!.Value.Select(p => p.ToString()), Is.EqualTo(new[] { "10.2.0.0/24" }));
        Assert.That(file.Config.FindNeighbor(O(PeerKind.Bird).LocalAddress)!.ExportPolicy, Is.EqualTo(new Bgp.Wire.EquatableArray<string>(["to-bird"])));
    }

    /// <summary>Waits until <paramref name="kind"/> holds exactly these prefixes from us.</summary>
    private async Task<IReadOnlyList<LabRoute>> ExactlyAsync(PeerKind kind, string[] prefixes)
    {
        var wanted = prefixes.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var routes = await _peers[kind].WaitForRoutesAsync(rs => wanted.SetEquals(rs.Select(r => r.Prefix)) && rs.Count == wanted.Count, RouteTimeout);
        TestContext.Out.WriteLine($"{kind} holds: {string.Join("; ", routes)}");
        return routes;
    }

    /// <summary>A route as its member announced it: the member's AS only (route server), the member's next hop.</summary>
    private void AssertUnchangedFromMember(LabRoute route)
    {
        var member = Owner(route.Prefix);
        Assert.That(route.AsPath, Is.EqualTo(new[] { O(member).LocalAs }), $"AS_PATH of {route}");
        Assert.That(route.NextHop, Is.EqualTo(NextHopOf(route.Prefix)).IgnoreCase, $"next hop of {route}");
    }

    private PeerKind Owner(string prefix) =>
        Members.Single(k => O(k).Ipv4Routes.Concat(O(k).Ipv6Routes).Contains(prefix, StringComparer.OrdinalIgnoreCase));

    private string NextHopOf(string prefix) => prefix.Contains(':') ? O(Owner(prefix)).NextHop6 : O(Owner(prefix)).NextHop4;

    private async Task<Dictionary<PeerKind, Neighbor>> NeighborsAsync(ApiClients client)
    {
        var list = await client.Unary(client.Neighbors.ListNeighborsAsync, new ListNeighborsRequest());
        return Members.ToDictionary(k => k, k => list.Neighbors.Single(n => IPAddress.Parse(n.Config.Address).Equals(O(k).LocalAddress)));
    }
}
