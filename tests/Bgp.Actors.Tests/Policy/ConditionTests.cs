using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>
/// Each kind of condition, written as in the configuration and compiled: a one-statement policy
/// that accepts what the match admits and rejects the rest (the default action).
/// </summary>
[TestFixture]
public sealed class ConditionTests
{
    private const string Sets = """
        [prefix_sets]
        rfc1918 = ["10.0.0.0/8 le 32", "172.16.0.0/12 le 32", "192.168.0.0/16 le 32"]
        doc6 = ["2001:db8::/32 ge 48 le 64"]

        [as_path_sets]
        via-65010 = ["_65010_"]
        from-65020 = ["^65020_", "^65021_"]

        [community_sets]
        blackholes = ["blackhole", "*:666"]
        customer = ["65000:100..199", "65000:*:1"]

        [peer_groups.ixp]
        remote_asn = 65030

        [neighbor_sets.peers]
        addresses = ["198.51.100.0/28", "2001:db8:ffff::1"]
        remote_asns = [65040, "65050..65059"]
        peer_groups = ["ixp"]

        """;

    private static bool Matches(string match, PolicyInput input)
    {
        var chain = Chain(Sets + $"[policies.p]\n[[policies.p.statements]]\naction = \"accept\"\nmatch = {{ {match} }}\n", "p");
        return chain.Explain(input, Import).Accepted;
    }

    private static PolicyInput Route(string prefix = "203.0.113.0/24", AsPath? path = null, PolicySource? source = null, string nextHop = "192.0.2.99",
        Origin origin = Origin.Igp, uint? med = null, uint? localPref = null, Community[]? communities = null, LargeCommunity[]? large = null) =>
        Input(prefix, Attrs(path, nextHop, origin, med, localPref, communities, large: large), source);

    [Test]
    public void An_empty_match_admits_every_route()
    {
        Assert.That(Matches("", Route()), Is.True);
        Assert.That(Matches("", Route("2001:db8::/32", source: PolicySource.Local(LocalAs))), Is.True);
    }

    [TestCase("prefix_set = \"rfc1918\"", "10.1.0.0/16", true)]
    [TestCase("prefix_set = \"rfc1918\"", "172.32.0.0/16", false)]
    [TestCase("prefix_set = \"!rfc1918\"", "172.32.0.0/16", true)]
    [TestCase("prefix_set = \"!rfc1918\"", "192.168.1.0/24", false)]
    [TestCase("prefix_set = \"!rfc1918\"", "2001:db8::/32", true)]
    [TestCase("prefix_set = \"doc6\"", "2001:db8:1::/48", true)]
    [TestCase("prefix_set = \"doc6\"", "2001:db8::/32", false)]
    [TestCase("prefixes = [\"203.0.113.0/24\", \"2001:db8::/32 le 48\"]", "203.0.113.0/24", true)]
    [TestCase("prefixes = [\"203.0.113.0/24\", \"2001:db8::/32 le 48\"]", "203.0.113.0/25", false)]
    [TestCase("prefixes = [\"203.0.113.0/24\", \"2001:db8::/32 le 48\"]", "2001:db8:5::/48", true)]
    public void Prefix_conditions(string match, string prefix, bool matches) =>
        Assert.That(Matches(match, Route(prefix)), Is.EqualTo(matches));

    [TestCase("as_path_set = \"via-65010\"", new uint[] { 65001, 65010, 65002 }, true)]
    [TestCase("as_path_set = \"via-65010\"", new uint[] { 65001, 165010 }, false)]
    [TestCase("as_path_set = \"!via-65010\"", new uint[] { 65001, 165010 }, true)]
    [TestCase("as_path_set = \"from-65020\"", new uint[] { 65021, 1 }, true)]
    [TestCase("as_path_set = \"from-65020\"", new uint[] { 1, 65020 }, false)]
    [TestCase("as_path = \"^$\"", new uint[0], true)]
    [TestCase("as_path = \"^$\"", new uint[] { 1 }, false)]
    [TestCase("as_path = \"_65001$\"", new uint[] { 3356, 65001 }, true)]
    [TestCase("as_path_length = 2", new uint[] { 1, 2 }, true)]
    [TestCase("as_path_length = 2", new uint[] { 1, 2, 3 }, false)]
    [TestCase("as_path_length = \"..2\"", new uint[0], true)]
    [TestCase("as_path_length = \"3..\"", new uint[] { 1, 2 }, false)]
    [TestCase("origin_asn = [65001, \"64512..65534\"]", new uint[] { 3356, 65001 }, true)]
    [TestCase("origin_asn = [65001, \"64512..65534\"]", new uint[] { 3356, 64999 }, true)]
    [TestCase("origin_asn = [65001, \"64512..65534\"]", new uint[] { 65001, 3356 }, false)]
    [TestCase("origin_asn = 3356", new uint[] { 3356 }, true)]
    [TestCase("origin_asn = 3356", new uint[0], false)]
    public void As_path_conditions(string match, uint[] path, bool matches) =>
        Assert.That(Matches(match, Route(path: Path(path))), Is.EqualTo(matches));

    [Test]
    public void The_origin_as_of_a_path_ending_in_a_set_is_unknown_and_a_set_counts_one_in_the_length()
    {
        var aggregate = Route(path: Path(AsPathSegment.Sequence(3356), AsPathSegment.Set(65001, 65002, 65003)));
        Assert.That(Matches("origin_asn = [\"0..\"]", aggregate), Is.False);
        Assert.That(Matches("as_path_length = 2", aggregate), Is.True);
    }

    [TestCase("communities = [\"65000:1\"]", true)]
    [TestCase("communities = [\"65000:2\"]", false)]
    [TestCase("communities = [\"65000:2\", \"no-export\"]", true)]
    [TestCase("communities = [\"65000:1\", \"no-export\"], community_match = \"all\"", true)]
    [TestCase("communities = [\"65000:1\", \"65000:2\"], community_match = \"all\"", false)]
    [TestCase("communities = [\"65000:1\", \"65000:2\"], community_match = \"any\"", true)]
    [TestCase("communities = [\"65000:*\", \"65100:*:7\"], community_match = \"all\"", true)]
    [TestCase("communities = [\"65100:*:8\"]", false)]
    [TestCase("community_set = \"blackholes\"", false)]
    [TestCase("community_set = \"!blackholes\"", true)]
    [TestCase("community_set = \"customer\"", false)]
    [TestCase("community_set = \"!customer\"", true)]
    public void Community_conditions(string match, bool matches)
    {
        var route = Route(communities: [C("65000:1"), C("no-export")], large: [L("65100:1:7")]);
        Assert.That(Matches(match, route), Is.EqualTo(matches));
    }

    [Test]
    public void A_community_set_matches_each_kind_of_community()
    {
        Assert.That(Matches("community_set = \"blackholes\"", Route(communities: [C("65535:666")])), Is.True);
        Assert.That(Matches("community_set = \"blackholes\"", Route(communities: [C("3356:666")])), Is.True);
        Assert.That(Matches("community_set = \"customer\"", Route(communities: [C("65000:150")])), Is.True);
        Assert.That(Matches("community_set = \"customer\"", Route(large: [L("65000:9:1")])), Is.True);
        Assert.That(Matches("community_set = \"customer\"", Route(communities: [C("65000:200")], large: [L("65000:9:2")])), Is.False);
        Assert.That(Matches("community_set = \"customer\", community_match = \"all\"", Route(communities: [C("65000:100")], large: [L("65000:9:1")])), Is.True);
    }

    private static PolicySource Peer(string address, uint asn, string? group = null, RouteType type = RouteType.External) =>
        new(IpAddr.Parse(address), asn, group, type);

    [Test]
    public void A_neighbor_set_matches_on_address_remote_as_or_peer_group()
    {
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("198.51.100.15", 1))), Is.True, "inside the /28");
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("198.51.100.16", 1))), Is.False, "outside the /28");
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("2001:db8:ffff::1", 1))), Is.True, "a single address");
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("2001:db8:ffff::2", 1))), Is.False);
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("192.0.2.200", 65040))), Is.True);
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("192.0.2.200", 65059))), Is.True);
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("192.0.2.200", 65060))), Is.False);
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("192.0.2.200", 1, "ixp"))), Is.True);
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: Peer("192.0.2.200", 1, "other"))), Is.False);
        Assert.That(Matches("neighbor_set = \"!peers\"", Route(source: Peer("192.0.2.200", 1))), Is.True);
        Assert.That(Matches("neighbor_set = \"!peers\"", Route(source: Peer("198.51.100.1", 1))), Is.False);
    }

    [Test]
    public void Our_own_routes_come_from_no_neighbor()
    {
        var local = new PolicySource(IpAddr.Parse("198.51.100.1"), 65040, "ixp", RouteType.Local);
        Assert.That(Matches("neighbor_set = \"peers\"", Route(source: local)), Is.False);
        Assert.That(Matches("neighbor_set = \"!peers\"", Route(source: local)), Is.True);
        Assert.That(PolicySource.Local(LocalAs), Is.EqualTo(new PolicySource(IpAddr.V4Any, LocalAs, null, RouteType.Local)));
    }

    [TestCase("route_type = \"external\"", RouteType.External, true)]
    [TestCase("route_type = \"external\"", RouteType.Internal, false)]
    [TestCase("route_type = [\"internal\", \"local\"]", RouteType.Local, true)]
    [TestCase("route_type = [\"internal\", \"local\"]", RouteType.Internal, true)]
    [TestCase("route_type = [\"internal\", \"local\"]", RouteType.External, false)]
    public void Route_type_conditions(string match, RouteType type, bool matches) =>
        Assert.That(Matches(match, Route(source: Peer("198.51.100.1", 65001, type: type))), Is.EqualTo(matches));

    [Test]
    public void Origin_next_hop_local_pref_med_and_family_conditions()
    {
        Assert.That(Matches("origin = \"igp\"", Route(origin: Origin.Igp)), Is.True);
        Assert.That(Matches("origin = \"incomplete\"", Route(origin: Origin.Igp)), Is.False);
        Assert.That(Matches("origin = \"egp\"", Route(origin: Origin.Egp)), Is.True);

        Assert.That(Matches("next_hop = \"192.0.2.99\"", Route()), Is.True);
        Assert.That(Matches("next_hop = \"192.0.2.98\"", Route()), Is.False);
        Assert.That(Matches("next_hop = [\"10.0.0.0/8\", \"192.0.2.0/24\"]", Route()), Is.True);
        Assert.That(Matches("next_hop = [\"::/0\"]", Route()), Is.False, "an IPv6 prefix never holds an IPv4 next hop");
        Assert.That(Matches("next_hop = [\"2001:db8::/32\"]", Route("2001:db8:1::/48", nextHop: "2001:db8::1")), Is.True);

        Assert.That(Matches("local_pref = 100", Route()), Is.True, "no LOCAL_PREF counts as 100");
        Assert.That(Matches("local_pref = \"150..\"", Route(localPref: 200)), Is.True);
        Assert.That(Matches("local_pref = \"150..\"", Route(localPref: 149)), Is.False);
        Assert.That(Matches("med = 0", Route()), Is.True, "no MED counts as 0");
        Assert.That(Matches("med = \"..10\"", Route(med: 11)), Is.False);
        Assert.That(Matches("med = \"..10\"", Route(med: 10)), Is.True);

        Assert.That(Matches("family = \"ipv6-unicast\"", Route("2001:db8::/32")), Is.True);
        Assert.That(Matches("family = \"ipv6-unicast\"", Route()), Is.False);
        Assert.That(Matches("family = [\"ipv4-unicast\", \"ipv6-unicast\"]", Route()), Is.True);
    }

    [Test]
    public void All_conditions_of_a_statement_must_hold()
    {
        const string match = "prefix_set = \"rfc1918\", as_path = \"^65001_\", local_pref = \"..150\", route_type = \"external\"";
        Assert.That(Matches(match, Route("10.0.0.0/8", Path(65001u), localPref: 150)), Is.True);
        Assert.That(Matches(match, Route("11.0.0.0/8", Path(65001u), localPref: 150)), Is.False);
        Assert.That(Matches(match, Route("10.0.0.0/8", Path(65002u), localPref: 150)), Is.False);
        Assert.That(Matches(match, Route("10.0.0.0/8", Path(65001u), localPref: 151)), Is.False);
        Assert.That(Matches(match, Route("10.0.0.0/8", Path(65001u), Internal, localPref: 150)), Is.False);
    }
}
