using Bgp.Actors.Config;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config;

/// <summary>
/// Every rule of the policy schema, one case each, as in <see cref="ConfigValidationTests"/>: the
/// file, the diagnostic code expected and the line and column it must point at.
/// </summary>
[TestFixture]
public sealed class PolicyValidationTests
{
    /// <summary>Three lines of valid [global]; an appended snippet starts on line 4.</summary>
    private const string Global = "[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n";

    /// <summary>A policy and a statement header on lines 4 and 5; a snippet starts on line 6.</summary>
    private const string Statement = Global + "[policies.p]\n[[policies.p.statements]]\n";

    /// <summary>As <see cref="Statement"/> with its action on line 6; a snippet starts on line 7.</summary>
    private const string Accept = Statement + "action = \"accept\"\n";

    private static IEnumerable<TestCaseData> Cases()
    {
        // chains
        yield return Case("unknown policy in global import_policy", Global + "import_policy = \"nope\"\n", "unknown-reference", 4, 17);
        yield return Case("unknown policy in global export_policy", Global + "export_policy = [\"nope\"]\n", "unknown-reference", 4, 18);
        yield return Case("unknown policy in a neighbor chain",
            Global + "[policies.a]\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 1\nimport_policy = [\"a\", \"b\"]\n", "unknown-reference", 8, 23);
        yield return Case("unknown policy in a peer group chain", Global + "[peer_groups.g]\nexport_policy = \"x\"\n", "unknown-reference", 5, 17);
        yield return Case("chain not a string or array", Global + "import_policy = 1\n", "wrong-type", 4, 17);

        // sets
        yield return Case("prefix with host bits", Global + "[prefix_sets]\nx = [\"10.0.0.1/8\"]\n", "invalid-value", 5, 6);
        yield return Case("ge below the prefix length", Global + "[prefix_sets]\nx = [\"10.0.0.0/8\", \"10.0.0.0/8 ge 4\"]\n", "invalid-value", 5, 20);
        yield return Case("le below ge", Global + "[prefix_sets]\nx = [\"10.0.0.0/8 ge 20 le 16\"]\n", "invalid-value", 5, 6);
        yield return Case("le beyond the family", Global + "[prefix_sets]\nx = [\"2001:db8::/32 le 129\"]\n", "invalid-value", 5, 6);
        yield return Case("prefix set not an array", Global + "[prefix_sets]\nx = \"10.0.0.0/8\"\n", "wrong-type", 5, 5);
        yield return Case("prefix set entry not a string", Global + "[prefix_sets]\nx = [1]\n", "wrong-type", 5, 6);
        yield return Case("set name with a space", Global + "[prefix_sets]\n\"bad name\" = [\"10.0.0.0/8\"]\n", "invalid-name", 5, 1);
        yield return Case("bad AS path expression in a set", Global + "[as_path_sets]\nx = [\"_1_\", \"(\"]\n", "invalid-value", 5, 13);
        yield return Case("look-ahead in an AS path set", Global + "[as_path_sets]\nx = [\"(?=1)1\"]\n", "invalid-value", 5, 6);
        yield return Case("back-reference in an AS path set", Global + "[as_path_sets]\nx = [\"(?<a>1)_\\\\k<a>\"]\n", "invalid-value", 5, 6);
        yield return Case("bad community in a set", Global + "[community_sets]\nx = [\"65000:1\", \"65536:1\"]\n", "invalid-value", 5, 17);
        yield return Case("neighbor set unknown peer group", Global + "[neighbor_sets.n]\npeer_groups = [\"g\"]\n", "unknown-reference", 5, 16);
        yield return Case("neighbor set bad AS range", Global + "[neighbor_sets.n]\nremote_asns = [\"5..1\"]\n", "invalid-value", 5, 16);
        yield return Case("neighbor set bad address", Global + "[neighbor_sets.n]\naddresses = [\"192.0.2\"]\n", "invalid-value", 5, 14);
        yield return Case("neighbor set unknown key", Global + "[neighbor_sets.n]\naddress = [\"192.0.2.1\"]\n", "unknown-key", 5, 1);
        yield return Case("neighbor set not a table", Global + "[neighbor_sets]\nn = 1\n", "wrong-type", 5, 5);

        // policies and statements
        yield return Case("policy name with a space", Global + "[policies.\"a b\"]\n", "invalid-name", 4, 11);
        yield return Case("policy unknown key", Global + "[policies.p]\ndefault = \"accept\"\n", "unknown-key", 5, 1);
        yield return Case("default_action next", Global + "[policies.p]\ndefault_action = \"next\"\n", "invalid-value", 5, 18);
        yield return Case("statements not an array of tables", Global + "[policies.p]\nstatements = 1\n", "wrong-type", 5, 14);
        yield return Case("statement without action", Statement + "name = \"x\"\n", "missing-key", 5, 1);
        yield return Case("statement with an unknown action", Statement + "action = \"permit\"\n", "invalid-value", 6, 10);
        yield return Case("statement unknown key", Accept + "actoin = 1\n", "unknown-key", 7, 1);
        yield return Case("duplicate statement names",
            Statement + "name = \"x\"\naction = \"accept\"\n[[policies.p.statements]]\nname = \"x\"\naction = \"reject\"\n", "duplicate", 8, 1);
        yield return Case("explicit name equal to a position",
            Statement + "name = \"2\"\naction = \"accept\"\n[[policies.p.statements]]\naction = \"reject\"\n", "duplicate", 8, 1);
        yield return Case("reject with set", Statement + "action = \"reject\"\nset = { med = 1 }\n", "conflict", 7, 1);
        yield return Case("match not a table", Accept + "match = \"x\"\n", "wrong-type", 7, 9);
        yield return Case("top-level policy typo", Global + "[policy.p]\n", "unknown-key", 4, 2);

        // match
        yield return Case("unknown prefix set", Accept + "match = { prefix_set = \"nope\" }\n", "unknown-reference", 7, 24);
        yield return Case("unknown negated prefix set", Accept + "match = { prefix_set = \"!nope\" }\n", "unknown-reference", 7, 24);
        yield return Case("unknown AS path set", Accept + "match = { as_path_set = \"nope\" }\n", "unknown-reference", 7, 25);
        yield return Case("unknown community set", Accept + "match = { community_set = \"nope\" }\n", "unknown-reference", 7, 27);
        yield return Case("unknown neighbor set", Accept + "match = { neighbor_set = \"nope\" }\n", "unknown-reference", 7, 26);
        yield return Case("match unknown key", Accept + "match = { prefix = \"x\" }\n", "unknown-key", 7, 11);
        yield return Case("bad as_path", Accept + "match = { as_path = \"(\" }\n", "invalid-value", 7, 21);
        yield return Case("back-reference in as_path", Accept + "match = { as_path = \"(?<a>1)\\\\k<a>\" }\n", "invalid-value", 7, 21);
        yield return Case("bad inline prefix", Accept + "match = { prefixes = [\"10.0.0.0/8 le 4\"] }\n", "invalid-value", 7, 23);
        yield return Case("as_path_length above 255", Accept + "match = { as_path_length = 256 }\n", "out-of-range", 7, 28);
        yield return Case("local_pref empty range", Accept + "match = { local_pref = \"200..100\" }\n", "invalid-value", 7, 24);
        yield return Case("med as a float", Accept + "match = { med = 1.5 }\n", "wrong-type", 7, 17);
        yield return Case("origin_asn bad range", Accept + "match = { origin_asn = [\"x..\"] }\n", "invalid-value", 7, 25);
        yield return Case("route_type unknown", Accept + "match = { route_type = \"ibgp\" }\n", "invalid-value", 7, 24);
        yield return Case("origin unknown", Accept + "match = { origin = \"bgp\" }\n", "invalid-value", 7, 20);
        yield return Case("family unknown", Accept + "match = { family = [\"ipv4\"] }\n", "invalid-value", 7, 21);
        yield return Case("next_hop not an address", Accept + "match = { next_hop = \"router\" }\n", "invalid-value", 7, 22);
        yield return Case("community_match without communities", Accept + "match = { community_match = \"all\" }\n", "conflict", 7, 29);
        yield return Case("community_match unknown", Accept + "match = { communities = [\"1:1\"], community_match = \"some\" }\n", "invalid-value", 7, 52);

        // set
        yield return Case("set unknown key", Accept + "set = { localpref = 1 }\n", "unknown-key", 7, 9);
        yield return Case("local_pref not a change", Accept + "set = { local_pref = \"abc\" }\n", "invalid-value", 7, 22);
        yield return Case("local_pref add without a number", Accept + "set = { local_pref = \"+\" }\n", "invalid-value", 7, 22);
        yield return Case("med negative", Accept + "set = { med = -1 }\n", "out-of-range", 7, 15);
        yield return Case("next_hop neither self nor an address", Accept + "set = { next_hop = \"router\" }\n", "invalid-value", 7, 20);
        yield return Case("extended community in communities", Accept + "set = { communities = { add = [\"rt:1:1\"] } }\n", "invalid-value", 7, 32);
        yield return Case("large community in ext_communities", Accept + "set = { ext_communities = { remove = [\"1:2:3\"] } }\n", "invalid-value", 7, 39);
        yield return Case("standard community in large_communities", Accept + "set = { large_communities = { add = [\"1:2\"] } }\n", "invalid-value", 7, 38);
        yield return Case("wildcard in add", Accept + "set = { communities = { add = [\"65000:*\"] } }\n", "invalid-value", 7, 32);
        yield return Case("range in replace", Accept + "set = { large_communities = { replace = [\"1:1..2:3\"] } }\n", "invalid-value", 7, 42);
        yield return Case("community edit unknown key", Accept + "set = { communities = { delete = [\"1:1\"] } }\n", "unknown-key", 7, 25);
        yield return Case("community edit not a table", Accept + "set = { communities = [\"1:1\"] }\n", "wrong-type", 7, 23);
        yield return Case("prepend 0 times", Accept + "set = { as_path_prepend = 0 }\n", "out-of-range", 7, 27);
        yield return Case("prepend 33 times", Accept + "set = { as_path_prepend = 33 }\n", "out-of-range", 7, 27);
        yield return Case("prepend times 33", Accept + "set = { as_path_prepend = { asn = \"own\", times = 33 } }\n", "out-of-range", 7, 50);
        yield return Case("prepend unknown asn keyword", Accept + "set = { as_path_prepend = { asn = \"first\" } }\n", "invalid-value", 7, 35);
        yield return Case("prepend asn 0", Accept + "set = { as_path_prepend = { asn = 0 } }\n", "out-of-range", 7, 35);
        yield return Case("prepend AS_TRANS", Accept + "set = { as_path_prepend = { asn = 23456 } }\n", "reserved-asn", 7, 35);
        yield return Case("prepend unknown key", Accept + "set = { as_path_prepend = { count = 2 } }\n", "unknown-key", 7, 29);
        yield return Case("remove_private_as unknown", Accept + "set = { remove_private_as = \"some\" }\n", "invalid-value", 7, 29);
    }

    private static TestCaseData Case(string name, string text, string code, int line, int column) =>
        new TestCaseData(text, code, line, column).SetName(name.Replace('.', '·'));

    [TestCaseSource(nameof(Cases))]
    public void An_invalid_policy_value_is_reported_at_its_line_and_column(string text, string code, int line, int column)
    {
        var result = BgpConfig.Parse(text, "bgp.toml");

        Assert.That(result.Success, Is.False);
        Assert.That(result.Config, Is.Null);
        var first = result.Diagnostics.FirstOrDefault(d => d.Code == code);
        Assert.That(first, Is.Not.Null, () => "got: " + string.Join("\n", result.Diagnostics));
        Assert.That((first!.Line, first.Column), Is.EqualTo((line, column)), () => string.Join("\n", result.Diagnostics));
    }

    [Test]
    public void A_set_with_an_error_is_not_reported_again_where_it_is_used()
    {
        var result = BgpConfig.Parse(Global + "[prefix_sets]\nx = [\"10.0.0.1/8\"]\n" + "[policies.p]\n[[policies.p.statements]]\naction = \"accept\"\n"
            + "match = { prefix_set = \"x\" }\n", "bgp.toml");
        Assert.That(result.Diagnostics.Select(d => (d.Code, d.Line)), Is.EqualTo(new[] { ("invalid-value", 5) }));
    }

    [Test]
    public void A_policy_with_an_error_is_not_reported_again_where_a_chain_names_it()
    {
        var result = BgpConfig.Parse(Global + "import_policy = \"p\"\n[policies.p]\ndefault_action = \"maybe\"\n", "bgp.toml");
        Assert.That(result.Diagnostics.Select(d => (d.Code, d.Line)), Is.EqualTo(new[] { ("invalid-value", 6) }));
    }

    [Test]
    public void An_unknown_reference_suggests_a_close_name_and_lists_those_defined()
    {
        var result = BgpConfig.Parse(Global + "[prefix_sets]\nbogons = []\nmartians = []\n" + "[policies.p]\n[[policies.p.statements]]\naction = \"accept\"\n"
            + "match = { prefix_set = \"!bogon\" }\n", "bgp.toml");
        var diagnostic = result.Diagnostics.Single();
        Assert.That(diagnostic.Message, Is.EqualTo("unknown prefix set `bogon`"));
        Assert.That(diagnostic.Label, Is.EqualTo("did you mean `bogons`?"));
        Assert.That(diagnostic.Help, Is.EqualTo("defined: bogons, martians"));
    }

    [Test]
    public void An_unknown_policy_without_any_defined_says_where_to_define_it()
    {
        var diagnostic = BgpConfig.Parse(Global + "import_policy = [\"strict\"]\n", "bgp.toml").Diagnostics.Single();
        Assert.That(diagnostic.Message, Is.EqualTo("unknown policy `strict`"));
        Assert.That(diagnostic.Help, Is.EqualTo("define it as [policies.strict]"));
    }

    [Test]
    public void A_back_reference_is_refused_with_an_explanation()
    {
        var diagnostic = BgpConfig.Parse(Global + "[as_path_sets]\nx = [\"(?<a>1)_\\\\k<a>\"]\n", "bgp.toml").Diagnostics.Single();
        Assert.That(diagnostic.Label, Is.EqualTo("back-references, look-arounds and atomic groups are not supported"));
    }

    [Test]
    public void All_policy_errors_in_a_file_are_reported_at_once_in_file_order()
    {
        string text = Global
            + "[prefix_sets]\nx = [\"10.0.0.1/8\"]\n"                              // 4, 5
            + "[policies.p]\n[[policies.p.statements]]\n"                          // 6, 7
            + "action = \"reject\"\nset = { med = 1 }\n"                           // 8, 9
            + "[[policies.p.statements]]\naction = \"accept\"\n"                   // 10, 11
            + "match = { as_path_set = \"none\" }\n"                                // 12
            + "set = { communities = { add = [\"1:*\"] } }\n";                      // 13
        var result = BgpConfig.Parse(text, "bgp.toml");
        Assert.That(result.Diagnostics.Select(d => (d.Code, d.Line)), Is.EqualTo(new[]
        {
            ("invalid-value", 5), ("conflict", 9), ("unknown-reference", 12), ("invalid-value", 13),
        }));
    }
}
