using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using Bgp.Actors.Rib;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>Import and export policy in the RIB: filtering, rewriting, soft reconfiguration, explanations.</summary>
public class RibPolicyTests
{
    private const string Neighbors = """
        [[neighbors]]
        address = "10.0.0.1"
        remote_asn = 65001
        peer_group = "members"

        [[neighbors]]
        address = "10.0.0.2"
        remote_asn = 65002
        peer_group = "members"

        [[neighbors]]
        address = "10.0.0.3"
        remote_asn = 65000

        """;

    private static BgpConfig Config(string policy, string neighborExtra = "")
    {
        string text = $"""
            [global]
            asn = 65000
            router_id = "192.0.2.1"

            [peer_groups.members]
            description = "members"

            {Neighbors}{neighborExtra}
            {policy}
            """;
        var result = BgpConfig.Parse(text, "test.toml");
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    /// <summary>Inserts <paramref name="line"/> into the [[neighbors]] table of <paramref name="address"/>.</summary>
    private static BgpConfig ConfigWith(string policy, string address, string line)
    {
        string text = $"""
            [global]
            asn = 65000
            router_id = "192.0.2.1"

            [peer_groups.members]
            description = "members"

            {Neighbors.Replace($"address = \"{address}\"\n", $"address = \"{address}\"\n{line}\n")}
            {policy}
            """;
        var result = BgpConfig.Parse(text, "test.toml");
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    private static RibHarness Up(RoutingPolicy policy)
    {
        var h = new RibHarness();
        h.Rib.SetPolicy(policy);
        h.Up("10.0.0.1", 65001, PeerRole.External, local: "10.0.0.100");
        h.Up("10.0.0.2", 65002, PeerRole.External, local: "10.0.0.100");
        h.Up("10.0.0.3", 65000, PeerRole.Internal, local: "10.0.0.100");
        return h;
    }

    private static RibRoute Received(RibHarness h, string peer, string prefix) =>
        h.Rib.Received(IPAddress.Parse(peer)).Single(r => r.Nlri.Prefix == Prefix.Parse(prefix));

    private const string RejectBogons = """
        [prefix_sets]
        bogons = ["10.0.0.0/8 le 32", "192.168.0.0/16 le 32"]

        [policies.no-bogons]
        [[policies.no-bogons.statements]]
        action = "reject"
        match = { prefix_set = "bogons" }
        [[policies.no-bogons.statements]]
        action = "accept"
        """;

    [Test]
    public void Import_policy_rejects_a_route_which_stays_in_adj_rib_in_as_ineligible()
    {
        var policy = RoutingPolicy.Compile(ConfigWith(RejectBogons, "10.0.0.1", "import_policy = [\"no-bogons\"]"));
        var h = Up(policy);
        h.Announce("10.0.0.1", "10.1.0.0/16", "10.0.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.1", "203.0.113.0/24", "10.0.0.1", RibHarness.Path(65001));

        Assert.That(Received(h, "10.0.0.1", "10.1.0.0/16").Ineligible, Is.EqualTo(Ineligible.PolicyRejected));
        Assert.That(Received(h, "10.0.0.1", "203.0.113.0/24").Ineligible, Is.EqualTo(Ineligible.None));
        Assert.That(h.Holds("10.0.0.2", "10.1.0.0/16"), Is.Null);
        Assert.That(h.Holds("10.0.0.2", "203.0.113.0/24"), Is.Not.Null);
        Assert.That(h.Rib.Summary().Peers[IPAddress.Parse("10.0.0.1")].Accepted, Is.EqualTo(1));
    }

    [Test]
    public void Soft_reconfiguration_applies_a_new_import_policy_to_stored_routes_without_the_peer_sending_again()
    {
        var strict = RoutingPolicy.Compile(ConfigWith(RejectBogons, "10.0.0.1", "import_policy = [\"no-bogons\"]"));
        var h = Up(strict);
        h.Announce("10.0.0.1", "10.1.0.0/16", "10.0.0.1", RibHarness.Path(65001));
        Assert.That(h.Holds("10.0.0.2", "10.1.0.0/16"), Is.Null);

        var open = RoutingPolicy.Compile(Config(RejectBogons), strict);
        var result = h.Rib.SetPolicy(open);

        Assert.That(result.PeersReimported, Is.EqualTo(1), "only 10.0.0.1's chain changed");
        Assert.That(result.RoutesChanged, Is.EqualTo(1));
        Assert.That(Received(h, "10.0.0.1", "10.1.0.0/16").Ineligible, Is.EqualTo(Ineligible.None));
        Assert.That(h.Holds("10.0.0.2", "10.1.0.0/16"), Is.Not.Null, "now announced to the other member");

        var back = RoutingPolicy.Compile(ConfigWith(RejectBogons, "10.0.0.1", "import_policy = [\"no-bogons\"]"), open);
        h.Rib.SetPolicy(back);
        Assert.That(h.Holds("10.0.0.2", "10.1.0.0/16"), Is.Null, "withdrawn again");
    }

    [Test]
    public void A_recompiled_but_unchanged_policy_touches_no_peer()
    {
        var config = ConfigWith(RejectBogons, "10.0.0.1", "import_policy = [\"no-bogons\"]");
        var first = RoutingPolicy.Compile(config);
        var h = Up(first);
        var result = h.Rib.SetPolicy(RoutingPolicy.Compile(config, first));
        Assert.That(result, Is.EqualTo(new Bgp.Actors.Rib.Rib.PolicyChangeResult(0, 0, 0)));
    }

    private const string PreferA = """
        [policies.prefer]
        default_action = "accept"
        [[policies.prefer.statements]]
        name = "from-65001"
        action = "accept"
        match = { as_path = "^65001_" }
        set = { local_pref = 200, communities = { add = ["65000:1"] } }
        """;

    [Test]
    public void Import_policy_local_pref_from_an_external_peer_decides_and_reaches_internal_peers()
    {
        var h = Up(RoutingPolicy.Compile(ConfigWith(PreferA, "10.0.0.1", "import_policy = [\"prefer\"]")));
        // 10.0.0.2 has the shorter path, and sends a LOCAL_PREF of its own, which must be ignored
        h.Announce("10.0.0.2", "203.0.113.0/24", "10.0.0.2", RibHarness.Path(65002), new LocalPrefAttribute(500));
        h.Announce("10.0.0.1", "203.0.113.0/24", "10.0.0.1", RibHarness.Path(65001, 64999));

        var best = h.Rib.Best().Single();
        Assert.That(best.Peer, Is.EqualTo(IPAddress.Parse("10.0.0.1")));
        Assert.That(best.Attributes.LocalPref, Is.EqualTo(200u));
        Assert.That(best.Received!.LocalPref, Is.Null, "the route as received is kept");
        Assert.That(Received(h, "10.0.0.2", "203.0.113.0/24").Attributes.LocalPref, Is.Null, "an eBGP LOCAL_PREF is dropped on import");
        Assert.That(Received(h, "10.0.0.2", "203.0.113.0/24").AsReceived.LocalPref, Is.EqualTo(500u), "but shown as received");

        var toInternal = h.Holds("10.0.0.3", "203.0.113.0/24")!;
        Assert.That(toInternal.LocalPref, Is.EqualTo(200u));
        Assert.That(toInternal.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { new Community(65000, 1) }));
        Assert.That(h.Holds("10.0.0.2", "203.0.113.0/24")!.LocalPref, Is.Null, "never to an external peer");
    }

    private const string MemberExport = """
        [community_sets]
        no-to-65002 = ["0:65002"]

        [policies.to-member]
        default_action = "accept"
        [[policies.to-member.statements]]
        name = "opt-out"
        action = "reject"
        match = { community_set = "no-to-65002" }
        [[policies.to-member.statements]]
        name = "tag"
        action = "accept"
        match = { prefixes = ["198.51.100.0/22 le 24"] }
        set = { med = 50, large_communities = { add = ["65000:1:2"] }, as_path_prepend = 2 }
        """;

    [Test]
    public void Export_policy_filters_and_rewrites_per_peer_before_the_peer_type_rules()
    {
        var h = Up(RoutingPolicy.Compile(ConfigWith(MemberExport, "10.0.0.2", "export_policy = [\"to-member\"]")));
        h.Announce("10.0.0.1", "203.0.113.0/24", "10.0.0.1", RibHarness.Path(65001), new CommunitiesAttribute(new([new Community(0, 65002)])));
        h.Announce("10.0.0.1", "198.51.100.0/24", "10.0.0.1", RibHarness.Path(65001), new MedAttribute(7));

        Assert.That(h.Holds("10.0.0.2", "203.0.113.0/24"), Is.Null, "opted out");
        Assert.That(h.Holds("10.0.0.3", "203.0.113.0/24"), Is.Not.Null, "other peers unaffected");
        var tagged = h.Holds("10.0.0.2", "198.51.100.0/24")!;
        Assert.That(tagged.Med, Is.EqualTo(50u), "a MED set by policy goes to an external peer");
        Assert.That(tagged.LargeCommunities.AsSpan().ToArray(), Is.EqualTo(new[] { new LargeCommunity(65000, 1, 2) }));
        Assert.That(tagged.AsPath, Is.EqualTo(AsPath.FromSequence(65000, 65000, 65000, 65001)), "prepended twice, then our AS as for any eBGP peer");
        Assert.That(tagged.NextHop.Address, Is.EqualTo(IpAddr.Parse("10.0.0.100")));

        var explained = h.Rib.ExplainAdvertised(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"), IPAddress.Parse("10.0.0.2"))!;
        Assert.That(explained.Verdict, Is.EqualTo(ExportVerdict.PolicyRejected));
        Assert.That(explained.Export!.Steps.Single(), Is.EqualTo(new PolicyStep("to-member", "opt-out", "reject", false)));
        var accepted = h.Rib.ExplainAdvertised(AfiSafi.Ipv4Unicast, Prefix.Parse("198.51.100.0/24"), IPAddress.Parse("10.0.0.2"))!;
        Assert.That(accepted.Export!.Accepted, Is.True);
        Assert.That(accepted.Export.Steps.Single().Changed, Is.True);
        Assert.That(accepted.Exported, Is.SameAs(tagged));
    }

    [Test]
    public void Changing_an_export_policy_sends_the_differences_at_once()
    {
        var with = RoutingPolicy.Compile(ConfigWith(MemberExport, "10.0.0.2", "export_policy = [\"to-member\"]"));
        var h = Up(with);
        h.Announce("10.0.0.1", "203.0.113.0/24", "10.0.0.1", RibHarness.Path(65001), new CommunitiesAttribute(new([new Community(0, 65002)])));
        h.Announce("10.0.0.1", "192.0.2.0/24", "10.0.0.1", RibHarness.Path(65001));
        var view = h.Drain("10.0.0.2");
        int announcements = view.Announcements;
        Assert.That(view.Holds.ContainsKey((AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"))), Is.False);

        var result = h.Rib.SetPolicy(RoutingPolicy.Compile(Config(MemberExport), with));
        Assert.That(result.PeersReexported, Is.EqualTo(1));
        view = h.Drain("10.0.0.2");
        Assert.That(view.Holds.ContainsKey((AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"))), Is.True);
        Assert.That(view.Announcements - announcements, Is.EqualTo(1), "the unchanged prefix is not sent again");
    }

    [Test]
    public void Neighbor_sets_match_the_peer_a_route_came_from_by_address_asn_or_peer_group()
    {
        const string policy = """
            [neighbor_sets.members]
            peer_groups = ["members"]

            [policies.members-only]
            [[policies.members-only.statements]]
            action = "accept"
            match = { neighbor_set = "members" }
            """;
        var h = Up(RoutingPolicy.Compile(ConfigWith(policy, "10.0.0.3", "export_policy = [\"members-only\"]")));
        h.Announce("10.0.0.1", "203.0.113.0/24", "10.0.0.1", RibHarness.Path(65001));
        h.Up("10.0.0.9", 65009, PeerRole.External, local: "10.0.0.100");   // not configured, not a member
        h.Announce("10.0.0.9", "198.51.100.0/24", "10.0.0.9", RibHarness.Path(65009));

        Assert.That(h.Holds("10.0.0.3", "203.0.113.0/24"), Is.Not.Null);
        Assert.That(h.Holds("10.0.0.3", "198.51.100.0/24"), Is.Null);
    }

    [Test]
    public void Explain_best_shows_how_import_policy_treated_each_path()
    {
        var h = Up(RoutingPolicy.Compile(ConfigWith(PreferA, "10.0.0.1", "import_policy = [\"prefer\"]")));
        h.Announce("10.0.0.1", "203.0.113.0/24", "10.0.0.1", RibHarness.Path(65001));
        var explained = h.Rib.ExplainBest(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"))!;
        var trace = explained.Paths.Single().Import!;
        Assert.That(trace.Accepted, Is.True);
        Assert.That(trace.Steps.Single(), Is.EqualTo(new PolicyStep("prefer", "from-65001", "accept", true)));
        Assert.That(trace.Result!.LocalPref, Is.EqualTo(200u));
    }

    [Test]
    public void Routes_rewritten_alike_share_one_attribute_set()
    {
        var h = Up(RoutingPolicy.Compile(ConfigWith(PreferA, "10.0.0.1", "import_policy = [\"prefer\"]")));
        for (int i = 0; i < 50; i++) h.Announce("10.0.0.1", $"203.0.{i}.0/24", "10.0.0.1", RibHarness.Path(65001));
        var sets = h.Rib.Received(IPAddress.Parse("10.0.0.1")).Select(r => r.Attributes).Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.That(sets, Is.EqualTo(1));
        h.Down("10.0.0.1");
        Assert.That(h.Rib.AttributeSets, Is.LessThanOrEqualTo(1), "released with the routes");
    }
}
