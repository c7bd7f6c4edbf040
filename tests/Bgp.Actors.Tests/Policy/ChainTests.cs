using Bgp.Actors.Policy;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>How a chain of policies decides: statement order, accept/reject/next, default actions, and the explanation.</summary>
[TestFixture]
public sealed class ChainTests
{
    private static readonly PolicyInput Ten = Input("10.1.0.0/16", Attrs(Path(65001u, 65002u)));
    private static readonly PolicyInput Other = Input("203.0.113.0/24", Attrs(Path(65001u)));

    private static string Steps(PolicyTrace trace) => string.Join("; ", trace.Steps.Select(s => $"{s.Policy}/{s.Statement ?? "-"}:{s.Outcome}{(s.Changed ? "*" : "")}"));

    [Test]
    public void Within_a_policy_the_first_matching_statement_decides()
    {
        var chain = Chain("""
            [policies.p]
            [[policies.p.statements]]
            name = "ten"
            action = "accept"
            match = { prefixes = ["10.0.0.0/8 le 32"] }
            set = { local_pref = 200 }
            [[policies.p.statements]]
            name = "rest"
            action = "accept"
            set = { local_pref = 50 }
            """, "p");
        var trace = chain.Explain(Ten, Import);
        Assert.That((trace.Accepted, trace.Result!.LocalPref, Steps(trace)), Is.EqualTo((true, (uint?)200, "p/ten:accept*")));
        trace = chain.Explain(Other, Import);
        Assert.That((trace.Accepted, trace.Result!.LocalPref, Steps(trace)), Is.EqualTo((true, (uint?)50, "p/rest:accept*")));
    }

    [Test]
    public void An_accepted_route_goes_on_to_the_next_policy_with_the_changes_of_both()
    {
        var chain = Chain("""
            [policies.a]
            [[policies.a.statements]]
            action = "accept"
            set = { local_pref = 200 }
            [policies.b]
            [[policies.b.statements]]
            action = "accept"
            match = { prefixes = ["10.0.0.0/8 le 32"] }
            set = { med = 5 }
            [[policies.b.statements]]
            action = "reject"
            """, "a", "b");
        var trace = chain.Explain(Ten, Import);
        Assert.That(Steps(trace), Is.EqualTo("a/1:accept*; b/1:accept*"));
        Assert.That((trace.Result!.LocalPref, trace.Result.Med), Is.EqualTo(((uint?)200, (uint?)5)));
        trace = chain.Explain(Other, Import);
        Assert.That((trace.Accepted, trace.Result, Steps(trace)), Is.EqualTo((false, (Bgp.Actors.Rib.RouteAttributes?)null, "a/1:accept*; b/2:reject")));
        Assert.That(chain.PolicyNames, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(chain.ToString(), Is.EqualTo("a, b"));
    }

    [Test]
    public void A_reject_ends_the_chain()
    {
        var chain = Chain("""
            [policies.a]
            default_action = "accept"
            [[policies.a.statements]]
            action = "reject"
            match = { prefixes = ["10.0.0.0/8 le 32"] }
            [policies.b]
            default_action = "accept"
            [[policies.b.statements]]
            action = "accept"
            set = { local_pref = 7 }
            """, "a", "b");
        var trace = chain.Explain(Ten, Import);
        Assert.That((trace.Accepted, Steps(trace)), Is.EqualTo((false, "a/1:reject")), "policy b is never consulted");
        trace = chain.Explain(Other, Import);
        Assert.That((trace.Accepted, trace.Result!.LocalPref, Steps(trace)), Is.EqualTo((true, (uint?)7, "a/-:default accept; b/1:accept*")));
    }

    [Test]
    public void Next_applies_its_changes_and_goes_on_with_the_next_statement()
    {
        var chain = Chain("""
            [policies.p]
            [[policies.p.statements]]
            name = "tag"
            action = "next"
            set = { communities = { add = ["65000:1"] }, local_pref = 200 }
            [[policies.p.statements]]
            name = "skip"
            action = "accept"
            match = { prefixes = ["192.0.2.0/24"] }
            [[policies.p.statements]]
            name = "bump"
            action = "accept"
            match = { prefixes = ["10.0.0.0/8 le 32"] }
            set = { local_pref = "+10" }
            """, "p");
        var trace = chain.Explain(Ten, Import);
        Assert.That(Steps(trace), Is.EqualTo("p/tag:next*; p/bump:accept*"));
        Assert.That(trace.Result!.LocalPref, Is.EqualTo(210u), "the changes apply in order: 200, then +10");
        Assert.That(trace.Result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:1") }));

        trace = chain.Explain(Other, Import);
        Assert.That((trace.Accepted, Steps(trace)), Is.EqualTo((false, "p/tag:next*; p/-:default reject")), "no statement decided: the default (reject) does");
    }

    [Test]
    public void A_policy_accepting_by_default_keeps_the_changes_of_next_statements()
    {
        var chain = Chain("""
            [policies.p]
            default_action = "accept"
            [[policies.p.statements]]
            action = "next"
            set = { med = 33 }
            """, "p");
        var trace = chain.Explain(Other, Import);
        Assert.That((trace.Accepted, trace.Result!.Med, Steps(trace)), Is.EqualTo((true, (uint?)33, "p/1:next*; p/-:default accept")));
    }

    [Test]
    public void Without_default_action_a_policy_rejects_what_no_statement_decides()
    {
        var chain = Chain("[policies.p]\n[[policies.p.statements]]\naction = \"accept\"\nmatch = { prefixes = [\"10.0.0.0/8 le 32\"] }\n", "p");
        Assert.That(chain.Explain(Ten, Import).Accepted, Is.True);
        Assert.That(Steps(chain.Explain(Other, Import)), Is.EqualTo("p/-:default reject"));
        var empty = Chain("[policies.nothing]\ndefault_action = \"accept\"\n", "nothing");
        Assert.That((empty.StatementCount, empty.Explain(Other, Import).Accepted), Is.EqualTo((0, true)));
    }

    [Test]
    public void Conditions_see_the_route_as_it_entered_the_chain()
    {
        var chain = Chain("""
            [policies.a]
            [[policies.a.statements]]
            action = "next"
            set = { local_pref = 300, communities = { add = ["65000:9"] } }
            [[policies.a.statements]]
            name = "high"
            action = "reject"
            match = { local_pref = "300" }
            [[policies.a.statements]]
            name = "other"
            action = "accept"
            [policies.b]
            [[policies.b.statements]]
            name = "tagged"
            action = "reject"
            match = { communities = ["65000:9"] }
            [[policies.b.statements]]
            name = "untagged"
            action = "accept"
            """, "a", "b");
        var trace = chain.Explain(Ten, Import);
        Assert.That(Steps(trace), Is.EqualTo("a/1:next*; a/other:accept; b/untagged:accept"),
            "neither the LOCAL_PREF set by statement 1 nor the community it added is seen by later conditions");
        Assert.That((trace.Result!.LocalPref, trace.Result.Communities.Count), Is.EqualTo(((uint?)300, 1)));
    }

    [Test]
    public void Later_statements_change_what_earlier_ones_set()
    {
        var chain = Chain("""
            [policies.a]
            [[policies.a.statements]]
            action = "next"
            set = { communities = { add = ["65000:1", "65000:2"] }, as_path_prepend = 1 }
            [[policies.a.statements]]
            action = "accept"
            set = { communities = { remove = ["65000:1"] }, as_path_prepend = { asn = "last", times = 1 } }
            """, "a");
        var result = Run(chain, Other)!;
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:2") }));
        Assert.That(result.AsPath.ToString(), Is.EqualTo("64500 64500 65001"), "'last' is the AS in front after the first prepend");
    }

    [Test]
    public void Evaluate_records_the_statements_whose_changes_apply_and_Apply_applies_them()
    {
        var chain = Chain("""
            [policies.a]
            [[policies.a.statements]]
            action = "next"
            set = { med = 1 }
            [[policies.a.statements]]
            action = "next"
            [[policies.a.statements]]
            action = "accept"
            set = { med = "+1" }
            [policies.b]
            [[policies.b.statements]]
            action = "accept"
            set = { local_pref = 9 }
            """, "a", "b");
        Assert.That(chain.StatementCount, Is.EqualTo(4));
        Span<int> applied = stackalloc int[chain.StatementCount];
        Assert.That(chain.Evaluate(Other, applied, out int count), Is.True);
        Assert.That(applied[..count].ToArray(), Is.EqualTo(new[] { 0, 2, 3 }), "ids across the chain; the statement without set is not recorded");
        var result = chain.Apply(Other.Attributes, Other.Family, applied[..count], Import, out var overrides);
        Assert.That((result.Med, result.LocalPref, overrides), Is.EqualTo(((uint?)2, (uint?)9, ExportOverrides.MedSet)));
        Assert.That(chain.Apply(Other.Attributes, Other.Family, [], Import, out overrides), Is.SameAs(Other.Attributes));
        Assert.That(overrides, Is.EqualTo(ExportOverrides.None));
    }

    [Test]
    public void A_rejecting_statement_records_nothing()
    {
        var chain = Chain("""
            [policies.a]
            [[policies.a.statements]]
            action = "next"
            set = { med = 1 }
            [[policies.a.statements]]
            action = "reject"
            """, "a");
        Span<int> applied = stackalloc int[chain.StatementCount];
        Assert.That(chain.Evaluate(Other, applied, out int count), Is.False);
        Assert.That(count, Is.EqualTo(1));
        Assert.That(chain.Explain(Other, Import).Result, Is.Null);
    }

    [Test]
    public void An_accepted_route_nothing_changed_keeps_its_attribute_set()
    {
        var chain = Chain("[policies.a]\n[[policies.a.statements]]\naction = \"accept\"\n", "a");
        var trace = chain.Explain(Other, Import);
        Assert.That(trace.Result, Is.SameAs(Other.Attributes));
        Assert.That(trace.Steps.Single(), Is.EqualTo(new PolicyStep("a", "1", "accept", false)));
    }

    [Test]
    public void A_policy_twice_in_a_chain_runs_twice()
    {
        var chain = Chain("[policies.a]\n[[policies.a.statements]]\naction = \"accept\"\nset = { local_pref = \"+5\" }\n", "a", "a");
        Assert.That(chain.StatementCount, Is.EqualTo(2));
        Assert.That(Run(chain, Other)!.LocalPref, Is.EqualTo(110u));
    }

    [Test]
    public void Export_context_turns_next_hop_settings_into_overrides()
    {
        var chain = Chain("[policies.a]\n[[policies.a.statements]]\naction = \"accept\"\nset = { next_hop = \"self\" }\n", "a");
        Span<int> applied = stackalloc int[chain.StatementCount];
        Assert.That(chain.Evaluate(Other, applied, out int count), Is.True);
        var result = chain.Apply(Other.Attributes, Other.Family, applied[..count], Export, out var overrides);
        Assert.That((result, overrides), Is.EqualTo((Other.Attributes, ExportOverrides.NextHopSelf)));
        result = chain.Apply(Other.Attributes, Other.Family, applied[..count], Import, out overrides);
        Assert.That((result.NextHop.Address, overrides), Is.EqualTo((IpAddr.Parse("198.51.100.254"), ExportOverrides.None)));
    }

    [Test]
    public void The_explanation_prints_each_step()
    {
        var chain = Chain("""
            [policies.a]
            [[policies.a.statements]]
            name = "tag"
            action = "next"
            set = { med = 1 }
            [policies.b]
            default_action = "reject"
            """, "a", "b");
        var trace = chain.Explain(Other, Import);
        Assert.That(trace.ToString(), Is.EqualTo("a/tag: next (changed); a/default: default reject"));
    }
}
