using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>
/// <c>peer-group</c> against a running daemon: a group set with the options given (and only those
/// written to the file, booleans included when given false), listed, shown and as JSON; members
/// added with <c>neighbor add --peer-group</c> inheriting its settings and chain; a group in use
/// kept; refusals on one line.
/// </summary>
[TestFixture]
[NonParallelizable]
public class PeerGroupCommandTests
{
    private const string Member = "127.31.5.9";

    private DaemonPair _pair = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pair = await DaemonPair.StartAsync("127.31.5.1", "127.31.5.2");
        _dir = Directory.CreateTempSubdirectory("bgpctl-group-").FullName;
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

    private CtlResult Refused(string status, params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrA, .. args]);
        Assert.That(result.Exit, Is.EqualTo(1), result.ToString());
        Assert.That(result.Err, Does.StartWith("bgpactorsctl: ").And.EndWith($" ({status})\n"));
        Assert.That(result.Err.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), result.Err);
        return result;
    }

    private string ConfigA => File.ReadAllText(_pair.ConfigA);

    private static string[] Cells(string row) => row.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private void Policy(string name)
    {
        var file = Path.Combine(_dir, name + ".toml");
        File.WriteAllText(file, "default_action = \"accept\"\n");
        A("policy", "set", name, "--file", file);
    }

    private void CleanUp(params string[][] commands)
    {
        foreach (var command in commands) Ctl.Run(["--addr", _pair.AddrA, .. command]);
    }

    [Test]
    public void Peer_group_set_writes_the_options_given_and_shows_them()
    {
        try
        {
            Policy("cli-pg-out");
            var set = A("peer-group", "set", "cli-rs", "--remote-as", "65009", "--description", "route server clients", "--passive", "false",
                "--hold-time", "30", "--family", "ipv4", "--max-prefixes", "1000", "--route-server-client", "--export", "cli-pg-out");
            Assert.That(set.Out, Is.EqualTo("peer group cli-rs set: 0 members\n"));

            var config = ConfigA;
            Assert.That(config, Does.Contain("cli-rs"));
            Assert.That(config, Does.Contain("passive = false").And.Contain("route_server_client = true").And.Contain("hold_time = 30"));
            Assert.That(config, Does.Contain("max_prefixes = { ipv4-unicast = 1000 }").And.Contain("export_policy = [\"cli-pg-out\"]"));
            Assert.That(config, Does.Not.Contain("route_reflector_client"), "a boolean not given is not written");

            var json = A("peer-group", "cli-rs", "--json").Json;
            Assert.That(json.GetProperty("remoteAsn").GetInt32(), Is.EqualTo(65009));
            Assert.That(json.GetProperty("passive").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("routeServerClient").GetBoolean(), Is.True);
            Assert.That(json.TryGetProperty("routeReflectorClient", out _), Is.False, "unset optional fields are absent");
            Assert.That(json.GetProperty("families")[0].GetString(), Is.EqualTo("FAMILY_IPV4_UNICAST"));
            Assert.That(json.GetProperty("maxPrefixes").GetProperty("ipv4-unicast").GetInt32(), Is.EqualTo(1000));
            Assert.That(json.GetProperty("members").GetArrayLength(), Is.Zero);

            var list = A("peer-group");
            Assert.That(list.Out.Split('\n')[0], Does.Match(@"^PEER GROUP\s+AS\s+MEMBERS\s+IMPORT\s+EXPORT\s+DESCRIPTION$"));
            Assert.That(Cells(list.Row("cli-rs")), Is.EqualTo(new[] { "cli-rs", "65009", "0", "cli-pg-out", "route server clients" }));
            Assert.That(A("peer-group", "--json").Json.GetProperty("peerGroups").GetArrayLength(), Is.EqualTo(1));

            var detail = A("peer-group", "cli-rs").Out;
            Assert.That(detail, Does.Match(@"peer-group\s+cli-rs \(route server clients\)\n"));
            Assert.That(detail, Does.Match(@"remote-as\s+65009\n"));
            Assert.That(detail, Does.Match(@"options\s+not passive, route-server-client\n"));
            Assert.That(detail, Does.Match(@"hold-time\s+30 s\n"));
            Assert.That(detail, Does.Match(@"families\s+ipv4-unicast\n"));
            Assert.That(detail, Does.Match(@"max-prefixes\s+ipv4-unicast 1000\n"));
            Assert.That(detail, Does.Match(@"export\s+cli-pg-out\n"));
            Assert.That(detail, Does.Match(@"members\s+none\n"));
            Assert.That(detail, Does.Not.Contain("import"));

            // replaced: what is not given again is gone
            A("peer-group", "set", "cli-rs", "--remote-as", "65009");
            Assert.That(ConfigA, Does.Not.Contain("route_server_client").And.Not.Contain("passive"));
        }
        finally
        {
            CleanUp(["peer-group", "delete", "cli-rs"], ["policy", "delete", "cli-pg-out"]);
        }
    }

    [Test]
    public void Members_inherit_the_groups_settings_and_chain_and_keep_the_group()
    {
        try
        {
            Policy("cli-pg-in");
            A("peer-group", "set", "cli-members", "--remote-as", "65010", "--hold-time", "45", "--passive", "--import", "cli-pg-in", "--description", "members");
            Assert.That(A("neighbor", "add", Member, "--remote-as", "65010", "--peer-group", "cli-members").Out, Does.StartWith($"neighbor {Member} added"));

            Assert.That(Cells(A("peer-group").Row("cli-members")), Is.EqualTo(new[] { "cli-members", "65010", $"1 ({Member})", "cli-pg-in", "members" }));
            Assert.That(A("peer-group", "cli-members").Out, Does.Match($@"members\s+{Member.Replace(".", @"\.")}\n"));
            Assert.That(A("peer-group", "cli-members", "--json").Json.GetProperty("members")[0].GetString(), Is.EqualTo(Member));

            var neighbor = A("neighbor", Member, "--json").Json.GetProperty("config");
            Assert.That(neighbor.GetProperty("peerGroup").GetString(), Is.EqualTo("cli-members"));
            Assert.That(neighbor.GetProperty("holdTime").GetInt32(), Is.EqualTo(45), "the group's hold time");
            Assert.That(neighbor.GetProperty("passive").GetBoolean(), Is.True, "the group's passive");
            var chains = A("policy");
            Assert.That(Cells(chains.Row("peer-group")), Is.EqualTo(new[] { "peer-group cli-members", "cli-pg-in" }));
            Assert.That(Cells(chains.Row($"neighbor {Member}")), Is.EqualTo(new[] { $"neighbor {Member}", "cli-pg-in" }), "the member's chain is the group's");

            // a new version of the group reaches the member
            Assert.That(A("peer-group", "set", "cli-members", "--remote-as", "65010", "--hold-time", "60", "--passive").Out, Is.EqualTo("peer group cli-members set: 1 member\n"));
            Assert.That(A("neighbor", Member, "--json").Json.GetProperty("config").GetProperty("holdTime").GetInt32(), Is.EqualTo(60));
            Assert.That(A("policy").Out, Does.Not.Contain($"neighbor {Member}"), "the group's chain went with the old settings");
            Assert.That(A("policy", "chain", "--peer-group", "cli-members", "--export", "cli-pg-in").Out, Is.EqualTo("peer-group cli-members: import (none); export cli-pg-in\n"));
            Assert.That(Cells(A("policy").Row($"neighbor {Member}")), Is.EqualTo(new[] { $"neighbor {Member}", "cli-pg-in" }));

            Assert.That(Refused("FAILED_PRECONDITION", "peer-group", "delete", "cli-members").Err, Does.Contain($"peer group `cli-members` is named by neighbor {Member}"));
            A("neighbor", "delete", Member);
            Assert.That(A("peer-group", "delete", "cli-members").Out, Is.EqualTo("peer group cli-members deleted\n"));
            Assert.That(ConfigA, Does.Not.Contain("cli-members"));
            Refused("NOT_FOUND", "peer-group", "cli-members");
            Assert.That(A("peer-group").Out, Does.StartWith("no peer groups"));
        }
        finally
        {
            CleanUp(["neighbor", "delete", Member], ["peer-group", "delete", "cli-members"], ["policy", "delete", "cli-pg-in"]);
        }
    }

    [Test]
    public void Refusals_are_one_line()
    {
        var before = ConfigA;
        Assert.That(Refused("FAILED_PRECONDITION", "peer-group", "set", "cli-x", "--import", "no-such-policy").Err, Does.Contain("unknown policy `no-such-policy`"));
        Assert.That(Refused("INVALID_ARGUMENT", "peer-group", "set", "cli x").Err, Does.Contain("peer_group.name must be 1 to 63 letters, digits, '-' or '_'"));
        Assert.That(Refused("FAILED_PRECONDITION", "peer-group", "set", "cli-x", "--hold-time", "2").Err, Does.Contain("hold_time"));
        Assert.That(Refused("NOT_FOUND", "peer-group", "delete", "cli-x").Err, Does.Contain("no peer group `cli-x`"));
        Assert.That(ConfigA, Is.EqualTo(before));
    }
}
