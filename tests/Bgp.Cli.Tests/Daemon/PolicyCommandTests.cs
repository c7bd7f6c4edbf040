using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>
/// <c>policy</c> against two running daemons: a policy set from the configuration file's TOML, shown
/// as a table, as JSON and as TOML again, and written to A's file; refusals from the daemon on one
/// line; chains attached and cleared, and their effect on the routes B receives from A and on those
/// A accepts from B; defined sets.
/// </summary>
[TestFixture]
[NonParallelizable]
public class PolicyCommandTests
{
    private const string AddressA = "127.31.4.1";
    private const string AddressB = "127.31.4.2";

    private DaemonPair _pair = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pair = await DaemonPair.StartAsync(AddressA, AddressB);
        _dir = Directory.CreateTempSubdirectory("bgpctl-policy-").FullName;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _pair?.Dispose();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }

    private CtlResult A(params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrA, .. args]);
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
        Assert.That(result.Err, Is.Empty);
        return result;
    }

    private CtlResult B(params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrB, .. args]);
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
        return result;
    }

    /// <summary>A bgpactorsctl run at A that must be refused: exit 1, one line on stderr ending with the status.</summary>
    private CtlResult Refused(string status, params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrA, .. args]);
        Assert.That(result.Exit, Is.EqualTo(1), result.ToString());
        Assert.That(result.Err, Does.StartWith("bgpactorsctl: ").And.EndWith($" ({status})\n"));
        Assert.That(result.Err.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), result.Err);
        return result;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string ConfigA => File.ReadAllText(_pair.ConfigA);

    private static string[] Cells(string row) => row.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private HashSet<string> BestAtB() =>
        [.. B("rib", "--family", "ipv4", "--json").Json.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("prefix").GetString()!)];

    /// <summary>Removes what a test created, whatever it got to (each call may fail: nothing to remove).</summary>
    private void CleanUp(params string[][] commands)
    {
        foreach (var command in commands) Ctl.Run(["--addr", _pair.AddrA, .. command]);
    }

    private const string Sanity = """
        # as in docs/CONFIGURATION.md
        [policies.cli-sanity]
        description = "drop bogons, everything else goes on"
        default_action = "accept"

        [[policies.cli-sanity.statements]]
        name = "bogons"
        action = "reject"
        match = { prefix_set = "cli-bogons" }

        [[policies.cli-sanity.statements]]
        name = "too-long"
        action = "reject"
        match = { as_path_length = "50.." }

        [[policies.cli-sanity.statements]]
        name = "tag"
        action = "next"
        match = { origin_asn = [65001, "64512..65534"], communities = ["65001:*"] }
        set = { local_pref = "+10", communities = { remove = ["65001:*"], add = ["65000:1"] }, remove_private_as = "all" }
        """;

    [Test]
    public void Policy_set_reads_the_files_toml_shows_it_three_ways_and_writes_it_to_the_config()
    {
        try
        {
            Assert.That(A("policy", "sets", "set", "prefix", "cli-bogons", "10.0.0.0/8 le 32", "192.168.0.0/16 le 32").Out,
                Is.EqualTo("prefix set cli-bogons set: 2 entries\n"));
            Assert.That(A("policy", "set", "cli-sanity", "--file", Write("sanity.toml", Sanity)).Out,
                Is.EqualTo("policy cli-sanity set: 3 statements, default accept\n"));

            var config = ConfigA;
            Assert.That(config, Does.Contain("[policies.cli-sanity]").And.Contain("[[policies.cli-sanity.statements]]"));
            Assert.That(config, Does.Contain("prefix_set = \"cli-bogons\"").And.Contain("remove_private_as = \"all\""));

            var list = A("policy");
            Assert.That(list.Out.Split('\n')[0], Does.Match(@"^POLICY\s+DEFAULT\s+STATEMENTS\s+DESCRIPTION$"));
            Assert.That(Cells(list.Row("cli-sanity")), Is.EqualTo(new[] { "cli-sanity", "accept", "3", "drop bogons, everything else goes on" }));

            var detail = A("policy", "cli-sanity");
            Assert.That(detail.Out, Does.Match(@"policy\s+cli-sanity \(drop bogons, everything else goes on\)\n"));
            Assert.That(detail.Out, Does.Match(@"default-action\s+accept\n"));
            Assert.That(detail.Out, Does.Match(@"used by\s+no chain\n"));
            Assert.That(detail.Out, Does.Match(@"\nSTATEMENT\s+ACTION\s+MATCH\s+SET\n"));
            Assert.That(Cells(detail.Row("bogons")), Is.EqualTo(new[] { "bogons", "reject", "prefix_set = \"cli-bogons\"" }));
            Assert.That(Cells(detail.Row("too-long")), Is.EqualTo(new[] { "too-long", "reject", "as_path_length = \"50..\"" }));
            Assert.That(Cells(detail.Row("tag")), Is.EqualTo(new[]
            {
                "tag", "next", "origin_asn = [65001, \"64512..65534\"], communities = [\"65001:*\"]",
                "local_pref = \"+10\", communities = { remove = [\"65001:*\"], add = [\"65000:1\"] }, remove_private_as = \"all\"",
            }));

            var json = A("policy", "cli-sanity", "--json").Json;
            Assert.That(json.GetProperty("defaultAction").GetString(), Is.EqualTo("accept"));
            var statements = json.GetProperty("statements");
            Assert.That(statements.GetArrayLength(), Is.EqualTo(3));
            Assert.That(statements[0].GetProperty("action").GetString(), Is.EqualTo("STATEMENT_ACTION_REJECT"));
            Assert.That(statements[0].GetProperty("match").GetProperty("prefixSet").GetString(), Is.EqualTo("cli-bogons"));
            Assert.That(statements[2].GetProperty("set").GetProperty("localPref").GetString(), Is.EqualTo("+10"));
            Assert.That(statements[2].GetProperty("set").GetProperty("communities").GetProperty("add")[0].GetString(), Is.EqualTo("65000:1"));
            Assert.That(A("policy", "--json").Json.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("cli-sanity"));

            // --toml prints what `policy set` reads: setting it again changes nothing
            var toml = A("policy", "cli-sanity", "--toml").Out;
            Assert.That(toml, Does.StartWith("[policies.cli-sanity]\ndescription = \"drop bogons, everything else goes on\"\ndefault_action = \"accept\"\n"));
            A("policy", "set", "cli-sanity", "--file", Write("again.toml", toml));
            Assert.That(A("policy", "cli-sanity", "--json").Json.ToString(), Is.EqualTo(json.ToString()));

            // only the policy's keys, and a replacement: the old statements go
            var bare = A("policy", "set", "cli-sanity", "--file", Write("bare.toml", "[[statements]]\naction = \"accept\"\nmatch = { route_type = \"local\" }\n"), "--json").Json;
            Assert.That(bare.GetProperty("defaultAction").GetString(), Is.EqualTo("reject"));
            Assert.That(bare.GetProperty("statements")[0].GetProperty("name").GetString(), Is.EqualTo("1"), "a statement without a name is named by its position");
            Assert.That(ConfigA, Does.Not.Contain("too-long"));

            Assert.That(A("policy", "delete", "cli-sanity").Out, Is.EqualTo("policy cli-sanity deleted\n"));
            Assert.That(ConfigA, Does.Not.Contain("cli-sanity"));
            Refused("NOT_FOUND", "policy", "cli-sanity");
        }
        finally
        {
            CleanUp(["policy", "delete", "cli-sanity"], ["policy", "sets", "delete", "prefix", "cli-bogons"]);
        }
    }

    [Test]
    public void The_daemons_refusals_are_one_line_and_leave_the_file_alone()
    {
        var before = ConfigA;
        var rejectWithSet = Refused("FAILED_PRECONDITION", "policy", "set", "cli-bad", "--file", Write("bad.toml", """
            [[statements]]
            action = "reject"
            match = { prefixes = ["192.0.2.0/24"] }
            set = { local_pref = 200 }
            """));
        Assert.That(rejectWithSet.Err, Does.Contain("the change would make the configuration invalid: a `reject` statement cannot change the route"));

        var unknownSet = Refused("FAILED_PRECONDITION", "policy", "set", "cli-bad", "--file", Write("bad2.toml", """
            [[statements]]
            action = "accept"
            match = { prefix_set = "no-such-set", prefixes = ["10.0.0.1/8"] }
            """));
        Assert.That(unknownSet.Err, Does.Contain("unknown prefix set `no-such-set`").And.Contain("invalid entry \"10.0.0.1/8\""));

        Assert.That(Refused("FAILED_PRECONDITION", "policy", "chain", "--neighbor", AddressB, "--import", "no-such-policy").Err,
            Does.Contain("unknown policy `no-such-policy`"));
        Assert.That(Refused("NOT_FOUND", "policy", "chain", "--neighbor", "127.31.4.99", "--import", "x").Err, Does.Contain("no neighbor 127.31.4.99 is configured"));
        Assert.That(Refused("NOT_FOUND", "policy", "chain", "--peer-group", "no-such-group", "--import", "x").Err, Does.Contain("no peer group `no-such-group`"));
        Assert.That(Refused("NOT_FOUND", "policy", "delete", "cli-bad").Err, Does.Contain("no policy `cli-bad`"));
        Assert.That(ConfigA, Is.EqualTo(before));
    }

    [Test]
    public void Chains_are_attached_listed_and_cleared_and_a_policy_in_one_cannot_be_deleted()
    {
        try
        {
            A("policy", "set", "cli-all", "--file", Write("all.toml", "default_action = \"accept\"\n"));
            A("policy", "set", "cli-none", "--file", Write("none.toml", "description = \"rejects everything\"\n"));
            Assert.That(A("policy", "chain", "--global", "--import", "cli-all").Out, Is.EqualTo("global: import cli-all; export (none)\n"));
            Assert.That(A("policy", "chain", "--neighbor", AddressB, "--import", "cli-all, cli-none", "--export", "cli-all").Out,
                Is.EqualTo($"neighbor {AddressB}: import cli-all, cli-none; export cli-all\n"), "both directions in one call");
            Assert.That(ConfigA, Does.Contain("import_policy = [\"cli-all\"]").And.Contain("import_policy = [\"cli-all\", \"cli-none\"]"));

            var list = A("policy");
            Assert.That(list.Out, Does.Match(@"\nCHAIN\s+IMPORT\s+EXPORT\n"));
            Assert.That(Cells(list.Row("global")), Is.EqualTo(new[] { "global", "cli-all" }));
            Assert.That(Cells(list.Row("neighbor")), Is.EqualTo(new[] { $"neighbor {AddressB}", "cli-all, cli-none", "cli-all" }));
            Assert.That(A("policy", "cli-all").Out, Does.Match($@"used by\s+import of global, import of neighbor {AddressB}, export of neighbor {AddressB}\n"));
            var chains = A("policy", "--json").Json.GetProperty("chains");
            Assert.That(chains.EnumerateArray().Select(c => c.GetProperty("target").GetProperty("neighbor").GetString()), Does.Contain(AddressB));

            Assert.That(Refused("FAILED_PRECONDITION", "policy", "delete", "cli-all").Err,
                Does.Contain($"policy `cli-all` is in the chains of [global], neighbor {AddressB}"));

            var cleared = A("policy", "chain", "--neighbor", AddressB, "--import", "", "--export", "", "--json").Json.GetProperty("chain");
            Assert.That(cleared.GetProperty("target").GetProperty("neighbor").GetString(), Is.EqualTo(AddressB));
            Assert.That(cleared.GetProperty("importPolicy").GetArrayLength() + cleared.GetProperty("exportPolicy").GetArrayLength(), Is.Zero);
            Assert.That(A("policy", "chain", "--global", "--import", "").Out, Is.EqualTo("global: import (none); export (none)\n"));
            Assert.That(A("policy").Out, Does.Contain("no chains"));
            Assert.That(A("policy", "delete", "cli-all", "--json").Out.Trim(), Is.EqualTo("{ }"));
            Assert.That(ConfigA, Does.Not.Contain("cli-all"));
        }
        finally
        {
            CleanUp(["policy", "chain", "--global", "--import", ""], ["policy", "chain", "--neighbor", AddressB, "--import", "", "--export", ""],
                ["policy", "delete", "cli-all"], ["policy", "delete", "cli-none"]);
        }
    }

    [Test]
    public async Task An_export_chain_that_rejects_a_prefix_withdraws_it_from_the_neighbor_until_cleared()
    {
        try
        {
            await _pair.UntilAsync(() => _pair.State(AddressB) == "SESSION_STATE_ESTABLISHED", "the session");
            A("inject", "add", "100.64.40.0/24", "--next-hop", AddressA);
            A("inject", "add", "100.64.41.0/24", "--next-hop", AddressA);
            await _pair.UntilAsync(() => BestAtB().IsSupersetOf(["100.64.40.0/24", "100.64.41.0/24"]), "B to receive both routes");

            A("policy", "set", "cli-no-41", "--file", Write("no41.toml", """
                [policies.cli-no-41]
                default_action = "accept"

                [[policies.cli-no-41.statements]]
                name = "hide"
                action = "reject"
                match = { prefixes = ["100.64.41.0/24"] }
                """));
            A("policy", "chain", "--neighbor", AddressB, "--export", "cli-no-41");
            await _pair.UntilAsync(() => !BestAtB().Contains("100.64.41.0/24"), "B to lose the rejected prefix");
            Assert.That(BestAtB(), Does.Contain("100.64.40.0/24"), "the other prefix is still sent");
            Assert.That(_pair.State(AddressB), Is.EqualTo("SESSION_STATE_ESTABLISHED"), "no session reset");

            A("policy", "chain", "--neighbor", AddressB, "--export", "");
            await _pair.UntilAsync(() => BestAtB().Contains("100.64.41.0/24"), "B to receive the prefix again");
        }
        finally
        {
            CleanUp(["policy", "chain", "--neighbor", AddressB, "--export", ""], ["policy", "delete", "cli-no-41"],
                ["inject", "delete", "100.64.40.0/24"], ["inject", "delete", "100.64.41.0/24"]);
        }
    }

    [Test]
    public async Task An_import_chain_changes_the_routes_accepted_from_the_neighbor()
    {
        try
        {
            _pair.InjectAtB("100.64.50.0/24", "--next-hop", AddressB);
            await _pair.UntilAsync(() => _pair.BestAtA().Contains("100.64.50.0/24"), "A to receive B's route");

            A("policy", "set", "cli-prefer", "--file", Write("prefer.toml", """
                default_action = "accept"

                [[statements]]
                name = "prefer"
                action = "accept"
                match = { prefixes = ["100.64.50.0/24"], origin_asn = 65001 }
                set = { local_pref = 250, communities = { add = ["65000:50"] } }
                """));
            A("policy", "chain", "--neighbor", AddressB, "--import", "cli-prefer");
            await _pair.UntilAsync(() => A("rib", "100.64.50.0/24").Out.Contains("65000:50"), "A to apply the import policy");
            Assert.That(Cells(A("rib", "100.64.50.0/24").Row("100.64.50.0/24")), Does.Contain("250"), "LOCAL_PREF set");

            A("policy", "chain", "--neighbor", AddressB, "--import", "");
            await _pair.UntilAsync(() => !A("rib", "100.64.50.0/24").Out.Contains("65000:50"), "A to drop the policy's changes");
            Assert.That(Cells(A("rib", "100.64.50.0/24").Row("100.64.50.0/24")), Does.Not.Contain("250"));
        }
        finally
        {
            CleanUp(["policy", "chain", "--neighbor", AddressB, "--import", ""], ["policy", "delete", "cli-prefer"]);
            Ctl.Run("--addr", _pair.AddrB, "inject", "delete", "100.64.50.0/24");
        }
    }

    [Test]
    public void Defined_sets_are_set_listed_by_type_and_deleted_unless_a_policy_uses_them()
    {
        try
        {
            Assert.That(A("policy", "sets", "set", "as-path", "cli-transit", "_174_", "_3356_").Out, Is.EqualTo("as-path set cli-transit set: 2 entries\n"));
            Assert.That(A("policy", "sets", "set", "community", "cli-opt-out", "0:64510").Out, Is.EqualTo("community set cli-opt-out set: 1 entry\n"));
            Assert.That(A("policy", "sets", "set", "neighbor", "cli-members", "--address", "192.0.2.0/24", "--address", "198.51.100.1",
                "--remote-as", "64512..65534", "--remote-as", "65001").Out, Is.EqualTo("neighbor set cli-members set: 4 entries\n"));
            Assert.That(ConfigA, Does.Contain("[neighbor_sets.cli-members]").And.Contain("cli-transit = [\"_174_\", \"_3356_\"]"));

            var list = A("policy", "sets");
            Assert.That(list.Out.Split('\n')[0], Does.Match(@"^TYPE\s+NAME\s+ENTRIES$"));
            Assert.That(Cells(list.Row("as-path")), Is.EqualTo(new[] { "as-path", "cli-transit", "_174_, _3356_" }));
            Assert.That(Cells(list.Row("community")), Is.EqualTo(new[] { "community", "cli-opt-out", "0:64510" }));
            Assert.That(Cells(list.Row("neighbor")), Is.EqualTo(new[] { "neighbor", "cli-members", "addresses 192.0.2.0/24, 198.51.100.1/32; remote_asns 64512..65534, 65001" }));

            var onlyCommunities = A("policy", "sets", "--type", "community", "--json").Json.GetProperty("sets");
            Assert.That(onlyCommunities.GetArrayLength(), Is.EqualTo(1));
            Assert.That(onlyCommunities[0].GetProperty("type").GetString(), Is.EqualTo("DEFINED_SET_TYPE_COMMUNITY"));
            Assert.That(onlyCommunities[0].GetProperty("members")[0].GetString(), Is.EqualTo("0:64510"));
            Assert.That(A("policy", "sets", "--type", "prefix").Out, Is.EqualTo("no prefix sets (define one: bgpactorsctl policy sets set TYPE NAME ...)\n"));

            // replaced, not added to
            var replaced = A("policy", "sets", "set", "community", "cli-opt-out", "0:64511", "65000:0", "--json").Json;
            Assert.That(replaced.GetProperty("members").EnumerateArray().Select(m => m.GetString()), Is.EqualTo(new[] { "0:64511", "65000:0" }));

            Assert.That(Refused("FAILED_PRECONDITION", "policy", "sets", "set", "community", "cli-bad", "65000:x").Err, Does.Contain("invalid entry \"65000:x\""));
            A("policy", "set", "cli-uses", "--file", Write("uses.toml", "[[statements]]\naction = \"reject\"\nmatch = { community_set = \"cli-opt-out\" }\n"));
            Assert.That(Refused("FAILED_PRECONDITION", "policy", "sets", "delete", "community", "cli-opt-out").Err, Does.Contain("`cli-opt-out` is used by the policies cli-uses"));
            A("policy", "delete", "cli-uses");
            Assert.That(A("policy", "sets", "delete", "community", "cli-opt-out").Out, Is.EqualTo("community set cli-opt-out deleted\n"));
            Assert.That(A("policy", "sets", "delete", "neighbor", "cli-members", "--json").Out.Trim(), Is.EqualTo("{ }"));
            Assert.That(ConfigA, Does.Not.Contain("cli-opt-out").And.Not.Contain("cli-members"));
            Refused("NOT_FOUND", "policy", "sets", "delete", "neighbor", "cli-members");
        }
        finally
        {
            CleanUp(["policy", "delete", "cli-uses"], ["policy", "sets", "delete", "as-path", "cli-transit"],
                ["policy", "sets", "delete", "community", "cli-opt-out"], ["policy", "sets", "delete", "neighbor", "cli-members"]);
        }
    }
}
