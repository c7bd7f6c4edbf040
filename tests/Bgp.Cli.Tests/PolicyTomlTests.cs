using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using NUnit.Framework;

namespace Bgp.Cli.Tests;

/// <summary>
/// <c>policy set</c>'s file format without a daemon: the configuration file's TOML for one policy read
/// into the API's Policy message key by key, written back by <c>policy NAME --toml</c>, and the
/// mistakes refused before anything is sent (with FILE:LINE:COLUMN); usage errors of the policy and
/// peer-group verbs.
/// </summary>
[TestFixture]
public class PolicyTomlTests
{
    private const string Everything = """
        [policies.everything]
        description = "every key once"
        default_action = "accept"

        [[policies.everything.statements]]
        name = "all-matches"
        action = "next"
        match = { prefix_set = "!bogons", prefixes = ["10.0.0.0/8 le 24", "2001:db8::/32"], as_path_set = "transit", as_path = "^65001_", as_path_length = 3, origin_asn = [65001, "64512..65534"], community_set = "cs", communities = ["65000:*"], community_match = "all", neighbor_set = "members", route_type = "external", origin = "igp", next_hop = "192.0.2.1", local_pref = "100..200", med = 5, family = ["ipv4-unicast", "ipv6-unicast"] }
        set = { local_pref = 200, med = "+10", next_hop = "self", communities = { replace = [] }, ext_communities = { remove = ["rt:65000:*"], add = ["rt:65000:1"] }, large_communities = { add = ["65000:1:2"] }, as_path_prepend = 2, remove_private_as = "all" }

        [[policies.everything.statements]]
        action = "reject"

        [[policies.everything.statements]]
        name = "prepend-last"
        action = "accept"
        set = { as_path_prepend = { asn = "last", times = 3 } }
        """;

    [Test]
    public void Every_key_of_the_configuration_file_reaches_its_field()
    {
        var p = PolicyToml.Read(Everything, "p.toml", "everything");
        Assert.That((p.Name, p.Description, p.DefaultAction), Is.EqualTo(("everything", "every key once", "accept")));
        Assert.That(p.Statements, Has.Count.EqualTo(3));

        var s = p.Statements[0];
        Assert.That((s.Name, s.Action), Is.EqualTo(("all-matches", StatementAction.Next)));
        var m = s.Match;
        Assert.That(m.PrefixSet, Is.EqualTo("!bogons"));
        Assert.That(m.Prefixes, Is.EqualTo(new[] { "10.0.0.0/8 le 24", "2001:db8::/32" }));
        Assert.That((m.AsPathSet, m.AsPath, m.AsPathLength), Is.EqualTo(("transit", "^65001_", "3")));
        Assert.That(m.OriginAsn, Is.EqualTo(new[] { "65001", "64512..65534" }));
        Assert.That((m.CommunitySet, m.CommunityMatch, m.NeighborSet, m.Origin), Is.EqualTo(("cs", "all", "members", "igp")));
        Assert.That(m.Communities, Is.EqualTo(new[] { "65000:*" }));
        Assert.That(m.RouteType, Is.EqualTo(new[] { "external" }), "one string where the file allows one");
        Assert.That(m.NextHop, Is.EqualTo(new[] { "192.0.2.1" }));
        Assert.That((m.LocalPref, m.Med), Is.EqualTo(("100..200", "5")));
        Assert.That(m.Family, Is.EqualTo(new[] { Family.Ipv4Unicast, Family.Ipv6Unicast }));

        var a = s.Set;
        Assert.That((a.LocalPref, a.Med, a.NextHop, a.RemovePrivateAs), Is.EqualTo(("200", "+10", "self", "all")));
        Assert.That(a.Communities.ReplaceSet, Is.True, "replace = [] removes every community");
        Assert.That(a.Communities.Replace, Is.Empty);
        Assert.That(a.ExtCommunities.Remove, Is.EqualTo(new[] { "rt:65000:*" }));
        Assert.That(a.ExtCommunities.Add, Is.EqualTo(new[] { "rt:65000:1" }));
        Assert.That(a.ExtCommunities.ReplaceSet, Is.False);
        Assert.That(a.LargeCommunities.Add, Is.EqualTo(new[] { "65000:1:2" }));
        Assert.That((a.AsPathPrepend.Asn, a.AsPathPrepend.Times), Is.EqualTo(("own", 2u)));

        Assert.That((p.Statements[1].Name, p.Statements[1].Action), Is.EqualTo(("", StatementAction.Reject)));
        Assert.That(p.Statements[1].Match, Is.Null, "no match: every route");
        Assert.That((p.Statements[2].Set.AsPathPrepend.Asn, p.Statements[2].Set.AsPathPrepend.Times), Is.EqualTo(("last", 3u)));
    }

    [Test]
    public void What_toml_writes_reads_back_to_the_same_policy()
    {
        var p = PolicyToml.Read(Everything, "p.toml", "everything");
        var text = PolicyToml.Write(p);
        Assert.That(text, Does.StartWith("[policies.everything]\ndescription = \"every key once\"\ndefault_action = \"accept\"\n"));
        Assert.That(text, Does.Contain("\n[[policies.everything.statements]]\nname = \"all-matches\"\naction = \"next\"\n"));
        Assert.That(text, Does.Contain("as_path_length = 3,"), "plain numbers are integers, as the file writes them");
        Assert.That(text, Does.Contain("origin_asn = [65001, \"64512..65534\"]"));
        Assert.That(text, Does.Contain("communities = { replace = [] }"));
        Assert.That(text, Does.Contain("as_path_prepend = 2,"));
        Assert.That(text, Does.Contain("set = { as_path_prepend = { asn = \"last\", times = 3 } }"));
        Assert.That(PolicyToml.Read(text, "again.toml", "everything"), Is.EqualTo(p));
    }

    [Test]
    public void A_file_may_hold_only_the_policys_own_keys()
    {
        var p = PolicyToml.Read("""
            description = "bare"

            [[statements]]
            action = "accept"
            match = { prefixes = ["192.0.2.0/24"] }
            """, "bare.toml", "mine");
        Assert.That((p.Name, p.Description, p.DefaultAction), Is.EqualTo(("mine", "bare", "")), "no default_action: the daemon writes reject");
        Assert.That(p.Statements.Single().Match.Prefixes, Is.EqualTo(new[] { "192.0.2.0/24" }));
    }

    [TestCase("[policies.other]\n", "p.toml:1:11: [policies.other] is not policy `p`: a file holds one policy")]
    [TestCase("[prefix_sets]\nx = []\n[policies.p]\n", "p.toml:1:2: `prefix_sets`: a policy file holds [policies.p] and nothing else")]
    [TestCase("[policies]\n", "p.toml: there is no [policies.p] in the file")]
    [TestCase("default = \"accept\"\n", "p.toml:1:1: unknown key `default` in the policy (or write [policies.NAME]) (known: description, default_action, statements)")]
    [TestCase("[[statements]]\nmatch = { prefixes = [\"192.0.2.0/24\"] }\n", "p.toml:1:1: a statement needs `action`")]
    [TestCase("[[statements]]\naction = \"drop\"\n", "p.toml:2:10: `action` must be \"accept\", \"reject\" or \"next\", not \"drop\"")]
    [TestCase("[[statements]]\naction = \"accept\"\nmatch = { prefixs = [] }\n", "p.toml:3:11: unknown key `prefixs` in `match` (known: prefix_set, prefixes,")]
    [TestCase("[[statements]]\naction = \"accept\"\nmatch = { prefixes = [] }\n", "p.toml:3:22: `prefixes` is empty: leave the key out to match every route")]
    [TestCase("[[statements]]\naction = \"accept\"\nmatch = { prefix_set = \"\" }\n", "p.toml:3:24: `prefix_set` is empty")]
    [TestCase("[[statements]]\naction = \"accept\"\nset = { local_pref = -5 }\n", "p.toml:3:22: `local_pref` must not be negative (\"-N\" as a string subtracts)")]
    [TestCase("[[statements]]\naction = \"accept\"\nset = { med = 1.5 }\n", "p.toml:3:15: `med` must be an integer or a string")]
    [TestCase("[[statements]]\naction = \"accept\"\nset = { as_path_prepend = 0 }\n", "p.toml:3:27: `as_path_prepend` must be an integer between 1 and 32")]
    [TestCase("[[statements]]\naction = \"accept\"\nset = { as_path_prepend = { asn = 65001, times = 0 } }\n", "p.toml:3:50: `times` must be an integer between 1 and 32")]
    [TestCase("[[statements]]\naction = \"accept\"\nset = { communities = { append = [\"65000:1\"] } }\n", "p.toml:3:25: unknown key `append` in `communities` (known: replace, remove, add)")]
    [TestCase("[[statements]]\naction = \"accept\"\nmatch = { family = \"ipv5\" }\n", "p.toml:3:20: `family`: unknown family \"ipv5\"")]
    [TestCase("[[statements]]\naction = \"accept\"\nmatch = \"all\"\n", "p.toml:3:9: `match` must be a table")]
    [TestCase("statements = 1\n", "p.toml:1:14: `statements` must be an array of tables")]
    [TestCase("[[statements]\n", "p.toml:1:14: invalid-table-header: ")]
    public void Mistakes_are_refused_with_their_place_in_the_file(string text, string error)
    {
        var e = Assert.Throws<UsageException>(() => PolicyToml.Read(text, "p.toml", "p"))!;
        Assert.That(e.Message, Does.StartWith(error));
    }

    private const string NoDaemon = "unix:///tmp/bgpactorsctl-no-daemon.sock";

    [TestCase(new[] { "policy", "chain", "--import", "a" }, "give one of --global, --neighbor ADDRESS, --peer-group NAME")]
    [TestCase(new[] { "policy", "chain", "--global", "--neighbor", "192.0.2.1", "--import", "a" }, "give one of --global, --neighbor ADDRESS, --peer-group NAME")]
    [TestCase(new[] { "policy", "chain", "--global" }, "give --import and/or --export")]
    [TestCase(new[] { "policy", "--toml" }, "--toml needs a policy NAME")]
    [TestCase(new[] { "policy", "p", "--toml", "--json" }, "--toml and --json cannot be combined")]
    [TestCase(new[] { "policy", "set", "p", "--file", "/nonexistent/p.toml" }, "cannot read /nonexistent/p.toml: ")]
    [TestCase(new[] { "policy", "sets", "set", "neighbor", "n", "192.0.2.1" }, "a neighbor set takes --address, --remote-as and --peer-group, not MEMBER arguments")]
    [TestCase(new[] { "policy", "sets", "set", "prefix", "p", "192.0.2.0/24", "--peer-group", "g" }, "--address, --remote-as and --peer-group are for neighbor sets")]
    [TestCase(new[] { "peer-group", "set", "g", "--max-prefixes", "100" }, "--max-prefixes N needs the group's --family (or write FAMILY=N)")]
    [TestCase(new[] { "peer-group", "set", "g", "--family", "ipv4", "--max-prefixes", "ipv5=1" }, "--max-prefixes ipv5=1: unknown family 'ipv5'")]
    public void Usage_mistakes_exit_2_before_calling(string[] args, string message)
    {
        var result = Daemon.Ctl.Run(["--addr", NoDaemon, .. args]);
        Assert.That(result.Exit, Is.EqualTo(2), result.ToString());
        Assert.That(result.Err, Does.StartWith("bgpactorsctl: " + message));
        Assert.That(result.Err.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void A_bad_policy_file_exits_2_naming_the_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "[policies.p]\ndefault_action = \"accept\"\n\n[[policies.p.statements]]\naction = \"accept\"\nmatch = { prefix = \"192.0.2.0/24\" }\n");
            var result = Daemon.Ctl.Run("--addr", NoDaemon, "policy", "set", "p", "--file", file);
            Assert.That(result.Exit, Is.EqualTo(2), result.ToString());
            Assert.That(result.Err, Does.StartWith($"bgpactorsctl: {file}:6:11: unknown key `prefix` in `match`"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
