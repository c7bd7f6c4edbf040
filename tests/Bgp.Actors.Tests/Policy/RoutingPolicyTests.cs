using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>Compiling a configuration into each neighbor's chains, and keeping the chains a reload did not change.</summary>
[TestFixture]
public sealed class RoutingPolicyTests
{
    /// <summary>
    /// Global chains, a peer group with its own, a neighbor inheriting it, one overriding it, one
    /// with none; policies using named sets (a, b), an unused set, and a policy with inline conditions (c).
    /// </summary>
    private static string Config(string prefixes = "\"10.0.0.0/8 le 24\"", string policyB = "local_pref = 200", string unused = "\"192.0.2.0/24\"",
        string communities = "\"65000:*\"", string extra = "") => $$"""
        import_policy = "a"
        export_policy = ["b"]

        [prefix_sets]
        mine = [{{prefixes}}]
        unused = [{{unused}}]

        [community_sets]
        tagged = [{{communities}}]

        [policies.a]
        default_action = "accept"
        [[policies.a.statements]]
        action = "reject"
        match = { prefix_set = "!mine" }

        [policies.b]
        default_action = "accept"
        [[policies.b.statements]]
        action = "accept"
        match = { community_set = "tagged" }
        set = { {{policyB}} }

        [policies.c]
        default_action = "accept"
        [[policies.c.statements]]
        action = "reject"
        match = { as_path_length = "10.." }

        [peer_groups.customers]
        import_policy = ["c"]

        [[neighbors]]
        address = "192.0.2.2"
        remote_asn = 65002
        peer_group = "customers"

        [[neighbors]]
        address = "192.0.2.3"
        remote_asn = 65003
        peer_group = "customers"
        import_policy = []
        export_policy = "c"

        [[neighbors]]
        address = "2001:db8::4"
        remote_asn = 65004
        {{extra}}
        """;

    private static RoutingPolicy Compile(string text, RoutingPolicy? previous = null) => RoutingPolicy.Compile(Bind(text), previous);

    [Test]
    public void Each_neighbor_gets_the_global_chain_then_its_own_or_its_peer_groups()
    {
        var policy = Compile(Config());
        Assert.That(policy.GlobalImport!.PolicyNames, Is.EqualTo(new[] { "a" }));
        Assert.That(policy.GlobalExport!.PolicyNames, Is.EqualTo(new[] { "b" }));

        Assert.That(policy.Import(Ip("192.0.2.2"))!.PolicyNames, Is.EqualTo(new[] { "a", "c" }), "the peer group's chain after the global one");
        Assert.That(policy.Export(Ip("192.0.2.2"))!.PolicyNames, Is.EqualTo(new[] { "b" }));
        Assert.That(policy.Import(Ip("192.0.2.3"))!.PolicyNames, Is.EqualTo(new[] { "a" }), "the neighbor's own (empty) chain overrides the group's");
        Assert.That(policy.Export(Ip("192.0.2.3"))!.PolicyNames, Is.EqualTo(new[] { "b", "c" }));
        Assert.That(policy.Import(Ip("2001:db8::4")), Is.SameAs(policy.GlobalImport), "nothing of its own: the global chain itself");
        Assert.That(policy.Export(Ip("2001:db8::4")), Is.SameAs(policy.GlobalExport));

        Assert.That((policy.PeerGroup(Ip("192.0.2.2")), policy.PeerGroup(Ip("192.0.2.3")), policy.PeerGroup(Ip("2001:db8::4"))),
            Is.EqualTo(("customers", "customers", (string?)null)));
    }

    [Test]
    public void A_neighbor_the_configuration_does_not_name_gets_the_global_chains()
    {
        var policy = Compile(Config());
        Assert.That(policy.Import(Ip("203.0.113.9")), Is.SameAs(policy.GlobalImport));
        Assert.That(policy.Export(Ip("203.0.113.9")), Is.SameAs(policy.GlobalExport));
        Assert.That(policy.PeerGroup(Ip("203.0.113.9")), Is.Null);
    }

    [Test]
    public void Without_policies_every_chain_is_null()
    {
        var policy = RoutingPolicy.Compile(Bind("[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 65002\n"));
        Assert.That((policy.GlobalImport, policy.GlobalExport, policy.Import(Ip("192.0.2.2")), policy.Export(Ip("192.0.2.2"))),
            Is.EqualTo(((PolicyChain?)null, (PolicyChain?)null, (PolicyChain?)null, (PolicyChain?)null)));
        Assert.That((RoutingPolicy.Empty.GlobalImport, RoutingPolicy.Empty.Import(Ip("192.0.2.2")), RoutingPolicy.Empty.Generation),
            Is.EqualTo(((PolicyChain?)null, (PolicyChain?)null, 0L)));
    }

    [Test]
    public void Neighbors_with_the_same_chain_share_one_instance()
    {
        var policy = Compile(Config(extra: "import_policy = []"));
        Assert.That(policy.Import(Ip("192.0.2.3")), Is.SameAs(policy.Import(Ip("2001:db8::4"))));
        Assert.That(policy.Import(Ip("192.0.2.3")), Is.SameAs(policy.GlobalImport));
    }

    [Test]
    public void The_compiled_chains_behave_as_configured()
    {
        var policy = Compile(Config());
        var inside = Input("10.1.0.0/16", Attrs(Path(65002u), communities: [C("65000:5")]));
        var outside = Input("11.0.0.0/8", Attrs(Path(65002u)));
        var longPath = Input("10.2.0.0/16", Attrs(Path([.. Enumerable.Range(1, 10).Select(i => (uint)i)])));
        var customer = policy.Import(Ip("192.0.2.2"))!;
        Assert.That((customer.Explain(inside, Import).Accepted, customer.Explain(outside, Import).Accepted, customer.Explain(longPath, Import).Accepted),
            Is.EqualTo((true, false, false)));
        Assert.That(policy.Import(Ip("192.0.2.3"))!.Explain(longPath, Import).Accepted, Is.True);
        Assert.That(policy.GlobalExport!.Explain(inside, Export).Result!.LocalPref, Is.EqualTo(200u));
    }

    [Test]
    public void Recompiling_an_unchanged_configuration_keeps_every_chain()
    {
        var first = Compile(Config());
        var second = Compile(Config(), first);
        Assert.That(second.Generation, Is.EqualTo(first.Generation + 1));
        Assert.That(second.GlobalImport, Is.SameAs(first.GlobalImport));
        Assert.That(second.GlobalExport, Is.SameAs(first.GlobalExport));
        foreach (string n in new[] { "192.0.2.2", "192.0.2.3", "2001:db8::4", "203.0.113.9" })
        {
            Assert.That(second.Import(Ip(n)), Is.SameAs(first.Import(Ip(n))), n);
            Assert.That(second.Export(Ip(n)), Is.SameAs(first.Export(Ip(n))), n);
        }
        Assert.That(Compile(Config()).GlobalImport, Is.Not.SameAs(first.GlobalImport), "without the previous policy everything is new");
    }

    [Test]
    public void A_changed_policy_gives_new_chains_only_where_it_is_used()
    {
        var first = Compile(Config());
        var second = Compile(Config(policyB: "local_pref = 201"), first);
        Assert.That(second.GlobalExport, Is.Not.SameAs(first.GlobalExport));
        Assert.That(second.Export(Ip("192.0.2.3")), Is.Not.SameAs(first.Export(Ip("192.0.2.3"))), "b, c");
        Assert.That(second.GlobalImport, Is.SameAs(first.GlobalImport));
        Assert.That(second.Import(Ip("192.0.2.2")), Is.SameAs(first.Import(Ip("192.0.2.2"))), "a, c");
        Assert.That(second.Import(Ip("192.0.2.3")), Is.SameAs(first.Import(Ip("192.0.2.3"))));
        var route = Input("10.1.0.0/16", Attrs(communities: [C("65000:5")]));
        Assert.That(second.GlobalExport!.Explain(route, Export).Result!.LocalPref, Is.EqualTo(201u), "and the new chain has the new behaviour");
    }

    [Test]
    public void A_changed_prefix_set_gives_new_chains_only_where_it_is_used()
    {
        var first = Compile(Config());
        var second = Compile(Config(prefixes: "\"10.0.0.0/8 le 16\""), first);
        Assert.That(second.GlobalImport, Is.Not.SameAs(first.GlobalImport));
        Assert.That(second.Import(Ip("192.0.2.2")), Is.Not.SameAs(first.Import(Ip("192.0.2.2"))));
        Assert.That(second.GlobalExport, Is.SameAs(first.GlobalExport));
        Assert.That(second.Export(Ip("192.0.2.3")), Is.SameAs(first.Export(Ip("192.0.2.3"))));
        var slash24 = Input("10.1.2.0/24", Attrs());
        Assert.That((first.GlobalImport!.Explain(slash24, Import).Accepted, second.GlobalImport!.Explain(slash24, Import).Accepted), Is.EqualTo((true, false)));
    }

    [Test]
    public void A_changed_community_set_gives_new_chains_only_where_it_is_used()
    {
        var first = Compile(Config());
        var second = Compile(Config(communities: "\"65001:*\""), first);
        Assert.That(second.GlobalExport, Is.Not.SameAs(first.GlobalExport));
        Assert.That(second.GlobalImport, Is.SameAs(first.GlobalImport));
        Assert.That(second.Import(Ip("192.0.2.2")), Is.SameAs(first.Import(Ip("192.0.2.2"))));
    }

    [Test]
    public void A_changed_set_no_policy_uses_changes_no_chain()
    {
        var first = Compile(Config());
        var second = Compile(Config(unused: "\"198.51.100.0/24\""), first);
        Assert.That(second.GlobalImport, Is.SameAs(first.GlobalImport));
        Assert.That(second.GlobalExport, Is.SameAs(first.GlobalExport));
        Assert.That(second.Import(Ip("192.0.2.2")), Is.SameAs(first.Import(Ip("192.0.2.2"))));
        Assert.That(second.Export(Ip("192.0.2.3")), Is.SameAs(first.Export(Ip("192.0.2.3"))));
    }

    [Test]
    public void A_neighbor_moving_to_a_chain_that_existed_before_gets_the_existing_instance()
    {
        var first = Compile(Config());
        // the IPv6 neighbor now also runs c on import, the chain the first customer already has
        var second = Compile(Config(extra: "import_policy = [\"c\"]"), first);
        Assert.That(second.Import(Ip("2001:db8::4")), Is.SameAs(first.Import(Ip("192.0.2.2"))));
        Assert.That(second.Import(Ip("2001:db8::4")), Is.Not.SameAs(first.Import(Ip("2001:db8::4"))));
    }

    [Test]
    public void Compiling_a_chain_that_names_an_undefined_policy_is_refused()
    {
        var config = Bind("import_policy = \"a\"\n[policies.a]\ndefault_action = \"accept\"\n");
        var broken = config with { Global = config.Global with { ImportPolicy = new(["a", "missing"]) } };
        Assert.That(() => RoutingPolicy.Compile(broken), Throws.ArgumentException.With.Message.Contains("missing"));
    }
}
