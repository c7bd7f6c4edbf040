using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config;

/// <summary>
/// The policy part of the file: sets, neighbor sets, policies and the chains that name them, bound
/// into the typed model, and every rule of its validation with the line and column it points at.
/// </summary>
[TestFixture]
public sealed class PolicyConfigTests
{
    /// <summary>Three lines of valid [global]; an appended snippet starts on line 4.</summary>
    private const string Global = "[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n";

    /// <summary>Global, then a policy and a statement header on lines 4 and 5; a snippet starts on line 6.</summary>
    private const string Statement = Global + "[policies.p]\n[[policies.p.statements]]\n";

    /// <summary>As <see cref="Statement"/> with its action on line 6; a snippet starts on line 7.</summary>
    private const string Accept = Statement + "action = \"accept\"\n";

    private static BgpConfig Bind(string text)
    {
        var result = BgpConfig.Parse(text, "bgp.toml");
        Assert.That(result.Diagnostics, Is.Empty, () => string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    private static CommunityPattern P(string text) => CommunityPattern.TryParse(text, out var p, out _) ? p! : throw new ArgumentException(text);
    private static PrefixRange R(string text) => PrefixRange.TryParse(text, out var r, out _) ? r : throw new ArgumentException(text);

    [Test]
    public void Sets_bind_to_parsed_values()
    {
        var policy = Bind(Global + """
            [prefix_sets]
            bogons = ["10.0.0.0/8 le 32", "2001:db8::/32 ge 48 le 64"]
            empty = []

            [as_path_sets]
            transit = ["_3356_", "^174_"]

            [community_sets]
            mixed = ["no-export", "65000:100..199", "rt:65000:*", "65000:*:5"]

            [peer_groups.ixp]
            remote_asn = 65030

            [neighbor_sets.peers]
            addresses = ["192.0.2.0/24", "2001:db8::1"]
            remote_asns = [65001, "64512..65534"]
            peer_groups = ["ixp"]
            """).Policy;

        Assert.That(policy.FindPrefixSet("bogons")!.Prefixes, Is.EqualTo(new[] { R("10.0.0.0/8 le 32"), R("2001:db8::/32 ge 48 le 64") }));
        Assert.That(policy.FindPrefixSet("empty")!.Prefixes, Is.Empty);
        Assert.That(policy.FindAsPathSet("transit")!.Expressions, Is.EqualTo(new[] { "_3356_", "^174_" }));
        var mixed = policy.FindCommunitySet("mixed")!.Communities;
        Assert.That(mixed.Select(c => (c.Text, c.Kind)), Is.EqualTo(new[]
        {
            ("no-export", CommunityKind.Standard), ("65000:100..199", CommunityKind.Standard),
            ("rt:65000:*", CommunityKind.Extended), ("65000:*:5", CommunityKind.Large),
        }));
        Assert.That(policy.FindNeighborSet("peers"), Is.EqualTo(new NeighborSetConfig("peers",
            new([Prefix.Parse("192.0.2.0/24"), Prefix.Parse("2001:db8::1/128")]),
            new([new UIntRange(65001, 65001), new UIntRange(64512, 65534)]),
            new(["ixp"]))));
        Assert.That(policy.FindPrefixSet("transit"), Is.Null, "each kind of set has its own names");
    }

    [Test]
    public void A_policy_binds_every_condition_and_action()
    {
        var config = Bind(Global + """
            [prefix_sets]
            bogons = ["10.0.0.0/8 le 32"]
            [as_path_sets]
            transit = ["_3356_"]
            [community_sets]
            tagged = ["65000:1"]
            [neighbor_sets.peers]
            remote_asns = [65001]

            [policies.everything]
            description = "all the keys"
            default_action = "accept"

            [[policies.everything.statements]]
            name = "match-all"
            action = "next"
            [policies.everything.statements.match]
            prefix_set = "!bogons"
            prefixes = ["192.0.2.0/24 le 28"]
            as_path_set = "transit"
            as_path = "^65001_"
            as_path_length = "..10"
            origin_asn = [65001, "4200000000.."]
            community_set = "!tagged"
            communities = ["65000:*", "65000:1:2"]
            community_match = "all"
            neighbor_set = "peers"
            route_type = ["external", "internal"]
            origin = "incomplete"
            next_hop = ["192.0.2.1", "2001:db8::/32"]
            local_pref = 100
            med = "5..6"
            family = ["ipv4-unicast", "ipv6-unicast"]
            [policies.everything.statements.set]
            local_pref = "+10"
            med = "-3"
            next_hop = "2001:db8::1"
            communities = { add = ["65000:2"], remove = ["65000:*"], replace = ["no-export"] }
            ext_communities = { add = ["rt:65000:1"], remove = ["soo:*:*"] }
            large_communities = { replace = [] }
            as_path_prepend = { asn = 65099, times = 3 }
            remove_private_as = "replace"
            """);

        var policy = config.Policy.FindPolicy("everything")!;
        Assert.That((policy.Name, policy.Description, policy.DefaultAction), Is.EqualTo(("everything", "all the keys", PolicyResult.Accept)));
        var s = policy.Statements.Single();
        Assert.That((s.Name, s.Action), Is.EqualTo(("match-all", StatementAction.Next)));
        Assert.That(s.Match, Is.EqualTo(new MatchConfig
        {
            PrefixSet = new SetRef("bogons", true),
            Prefixes = new([R("192.0.2.0/24 le 28")]),
            AsPathSet = new SetRef("transit", false),
            AsPath = "^65001_",
            AsPathLength = new UIntRange(0, 10),
            OriginAsn = new([new UIntRange(65001, 65001), new UIntRange(4200000000, uint.MaxValue)]),
            CommunitySet = new SetRef("tagged", true),
            Communities = new([P("65000:*"), P("65000:1:2")]),
            CommunityMatch = CommunityMatchMode.All,
            NeighborSet = new SetRef("peers", false),
            RouteType = new([RouteType.External, RouteType.Internal]),
            Origin = Origin.Incomplete,
            NextHop = new([Prefix.Parse("192.0.2.1/32"), Prefix.Parse("2001:db8::/32")]),
            LocalPref = new UIntRange(100, 100),
            Med = new UIntRange(5, 6),
            Family = new([AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast]),
        }));
        Assert.That(s.Set, Is.EqualTo(new SetConfig
        {
            LocalPref = new ValueChange(ValueOp.Add, 10),
            Med = new ValueChange(ValueOp.Subtract, 3),
            NextHop = new NextHopSetting(NextHopMode.Address, IPAddress.Parse("2001:db8::1")),
            Communities = new CommunityEdit(new([P("no-export")]), new([P("65000:*")]), new([P("65000:2")])),
            ExtCommunities = new CommunityEdit(null, new([P("soo:*:*")]), new([P("rt:65000:1")])),
            LargeCommunities = new CommunityEdit(new([]), new([]), new([])),
            AsPathPrepend = new PrependSetting(PrependSource.Asn, 65099, 3),
            RemovePrivateAs = RemovePrivateMode.Replace,
        }));
        Assert.That(s.Set.IsEmpty, Is.False);
    }

    [Test]
    public void Statements_are_named_by_position_unless_named_and_take_the_defaults()
    {
        var policy = Bind(Global + """
            [policies.p]
            [[policies.p.statements]]
            action = "accept"
            [[policies.p.statements]]
            name = "second"
            action = "reject"
            [[policies.p.statements]]
            action = "next"
            match = {}
            set = {}
            """).Policy.FindPolicy("p")!;
        Assert.That(policy.Statements.Select(s => (s.Name, s.Action)),
            Is.EqualTo(new[] { ("1", StatementAction.Accept), ("second", StatementAction.Reject), ("3", StatementAction.Next) }));
        Assert.That(policy.DefaultAction, Is.EqualTo(PolicyResult.Reject), "reject unless told otherwise");
        Assert.That(policy.Description, Is.Null);
        Assert.That(policy.Statements.All(s => s.Match == MatchConfig.Always && s.Set.IsEmpty), Is.True);
        Assert.That(policy.Statements[0].Match.CommunityMatch, Is.EqualTo(CommunityMatchMode.Any));
    }

    [TestCase("local_pref = 200", ValueOp.Set, 200u)]
    [TestCase("local_pref = \"+10\"", ValueOp.Add, 10u)]
    [TestCase("local_pref = \"-10\"", ValueOp.Subtract, 10u)]
    [TestCase("local_pref = 4294967295", ValueOp.Set, uint.MaxValue)]
    [TestCase("med = 0", ValueOp.Set, 0u)]
    public void Value_changes_bind_as_set_add_or_subtract(string line, ValueOp op, uint value)
    {
        var set = Bind(Accept + $"set = {{ {line} }}\n").Policy.FindPolicy("p")!.Statements[0].Set;
        Assert.That(set.LocalPref ?? set.Med, Is.EqualTo(new ValueChange(op, value)));
    }

    [TestCase("next_hop = \"self\"", NextHopMode.Self, null)]
    [TestCase("next_hop = \"unchanged\"", NextHopMode.Unchanged, null)]
    [TestCase("next_hop = \"192.0.2.7\"", NextHopMode.Address, "192.0.2.7")]
    public void Next_hop_binds_as_self_unchanged_or_an_address(string line, NextHopMode mode, string? address)
    {
        var set = Bind(Accept + $"set = {{ {line} }}\n").Policy.FindPolicy("p")!.Statements[0].Set;
        Assert.That(set.NextHop, Is.EqualTo(new NextHopSetting(mode, address is null ? null : IPAddress.Parse(address))));
    }

    [TestCase("as_path_prepend = 2", PrependSource.Own, 0u, 2)]
    [TestCase("as_path_prepend = { asn = \"own\" }", PrependSource.Own, 0u, 1)]
    [TestCase("as_path_prepend = { asn = \"last\", times = 4 }", PrependSource.Last, 0u, 4)]
    [TestCase("as_path_prepend = { asn = 4200000000, times = 32 }", PrependSource.Asn, 4200000000u, 32)]
    [TestCase("as_path_prepend = { times = 5 }", PrependSource.Own, 0u, 5)]
    public void Prepend_binds_a_count_or_an_as_and_a_count(string line, PrependSource source, uint asn, int times)
    {
        var set = Bind(Accept + $"set = {{ {line} }}\n").Policy.FindPolicy("p")!.Statements[0].Set;
        Assert.That(set.AsPathPrepend, Is.EqualTo(new PrependSetting(source, asn, times)));
    }

    [TestCase("remove", RemovePrivateMode.Remove)]
    [TestCase("all", RemovePrivateMode.All)]
    [TestCase("replace", RemovePrivateMode.Replace)]
    public void Remove_private_as_binds_its_mode(string keyword, RemovePrivateMode mode) =>
        Assert.That(Bind(Accept + $"set = {{ remove_private_as = \"{keyword}\" }}\n").Policy.FindPolicy("p")!.Statements[0].Set.RemovePrivateAs,
            Is.EqualTo(mode));

    [Test]
    public void Chains_bind_in_global_neighbors_and_peer_groups_and_a_neighbor_overrides_its_group()
    {
        var config = Bind(Global + """
            import_policy = "a"
            export_policy = ["a", "b"]

            [policies.a]
            [policies.b]

            [peer_groups.g]
            import_policy = ["b"]
            export_policy = "b"

            [[neighbors]]
            address = "192.0.2.2"
            remote_asn = 65002
            peer_group = "g"

            [[neighbors]]
            address = "192.0.2.3"
            remote_asn = 65003
            peer_group = "g"
            import_policy = ["a", "b"]
            export_policy = []

            [[neighbors]]
            address = "192.0.2.4"
            remote_asn = 65004
            """);
        Assert.That((config.Global.ImportPolicy, config.Global.ExportPolicy), Is.EqualTo((new EquatableArray<string>(["a"]), new EquatableArray<string>(["a", "b"]))));
        Assert.That(config.PeerGroups.Single().ImportPolicy, Is.EqualTo(new EquatableArray<string>(["b"])));
        var (inherits, overrides, none) = (config.Neighbors[0], config.Neighbors[1], config.Neighbors[2]);
        Assert.That((inherits.ImportPolicy, inherits.ExportPolicy), Is.EqualTo((new EquatableArray<string>(["b"]), new EquatableArray<string>(["b"]))));
        Assert.That((overrides.ImportPolicy, overrides.ExportPolicy), Is.EqualTo((new EquatableArray<string>(["a", "b"]), EquatableArray<string>.Empty)));
        Assert.That((none.ImportPolicy.IsEmpty, none.ExportPolicy.IsEmpty), Is.EqualTo((true, true)));
        Assert.That(config.Policy.Policies.Select(p => p.Name), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void Policies_and_sets_may_be_written_in_any_order()
    {
        var config = Bind(Global + """
            import_policy = ["late"]
            [policies.late]
            [[policies.late.statements]]
            action = "accept"
            match = { prefix_set = "later" }
            [prefix_sets]
            later = ["192.0.2.0/24"]
            """);
        Assert.That(config.Policy.FindPolicy("late")!.Statements[0].Match.PrefixSet, Is.EqualTo(new SetRef("later", false)));
        Assert.That(new SetRef("later", true).ToString(), Is.EqualTo("!later"));
    }

    [Test]
    public void A_file_without_policy_has_an_empty_policy_config()
    {
        var config = Bind(Global);
        Assert.That(config.Policy, Is.EqualTo(PolicyConfig.Empty));
        Assert.That((config.Global.ImportPolicy.IsEmpty, config.Global.ExportPolicy.IsEmpty), Is.EqualTo((true, true)));
    }
}
