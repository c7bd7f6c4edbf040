using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>
/// The read verbs against a running daemon (A) that receives sample routes from a second one (B):
/// each verb's table and its --json, filters, explain, metrics, watch, and colour rules.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ReadCommandTests
{
    private DaemonPair _pair = null!;

    private static readonly string[] Ipv4 = ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/25", "192.0.2.128/25"];
    private const string Ipv6 = "2001:db8:100::/48";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pair = await DaemonPair.StartAsync("127.31.0.1", "127.31.0.2");
        _pair.InjectAtB("198.51.100.0/24", "--next-hop", "127.31.0.2", "--as-path", "65010 65020", "--med", "5",
            "--community", "65001:100", "--community", "65001:1:2", "--community", "rt:65001:7");
        _pair.InjectAtB("203.0.113.0/24", "--next-hop", "127.31.0.2", "--as-path", "65030", "--community", "65001:200");
        _pair.InjectAtB("192.0.2.0/25", "--next-hop", "127.31.0.2", "--origin", "incomplete");
        _pair.InjectAtB("192.0.2.128/25", "--next-hop", "127.31.0.2");
        _pair.InjectAtB(Ipv6, "--next-hop", "2001:db8::2", "--as-path", "65040");
        await _pair.UntilAsync(() => _pair.BestAtA().IsSupersetOf([.. Ipv4, Ipv6]), "A to hold every sample route");
    }

    [OneTimeTearDown]
    public void Stop() => _pair?.Dispose();

    private CtlResult A(params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrA, .. args]);
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
        Assert.That(result.Err, Is.Empty);
        return result;
    }


    private static string[] Cells(string row) => row.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void Health_shows_established_neighbors_and_the_loc_rib_size()
    {
        var table = A("health");
        Assert.That(table.Out, Does.Contain("healthy"));
        Assert.That(table.Out, Does.Match(@"neighbors\s+1/1 established"));
        Assert.That(table.Out, Does.Match(@"loc-rib\s+5 prefixes"));

        var json = A("health", "--json").Json;
        Assert.That(json.GetProperty("healthy").GetBoolean(), Is.True);
        Assert.That(json.GetProperty("neighborsEstablished").GetInt32(), Is.EqualTo(1));
        Assert.That(json.GetProperty("locRibPrefixes").GetString(), Is.EqualTo("5"), "uint64 is a string in proto3 JSON");
        Assert.That(json.GetProperty("uptimeSeconds").GetString(), Is.Not.Empty);
    }

    [Test]
    public void Global_shows_the_daemons_identity()
    {
        var table = A("global");
        Assert.That(table.Out, Does.Match(@"asn\s+65000\n"));
        Assert.That(table.Out, Does.Match(@"router-id\s+127\.31\.0\.1\n"));
        Assert.That(table.Out, Does.Contain(_pair.ConfigA));

        var json = A("global", "--json").Json;
        Assert.That(json.GetProperty("asn").GetInt32(), Is.EqualTo(65000));
        Assert.That(json.GetProperty("routerId").GetString(), Is.EqualTo("127.31.0.1"));
        Assert.That(json.GetProperty("configPath").GetString(), Is.EqualTo(_pair.ConfigA));
    }

    [Test]
    public void Neighbor_lists_sessions_in_aligned_columns_and_as_json()
    {
        var table = A("neighbor");
        var lines = table.Out.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.StartWith("NEIGHBOR"));
        var row = table.Row("127.31.0.2");
        Assert.That(Cells(row)[..3], Is.EqualTo(new[] { "127.31.0.2", "65001", "Established" }));
        Assert.That(Cells(row)[3], Does.Match(@"^\d+(s|m\d\ds)$"), "a human uptime");
        Assert.That(Cells(row)[4..8], Is.EqualTo(new[] { "5", "5", "0", "0" }), "received, accepted, advertised, flaps");
        Assert.That(row.IndexOf("65001", StringComparison.Ordinal), Is.EqualTo(lines[0].IndexOf("AS", StringComparison.Ordinal)), "columns line up with the headings");
        Assert.That(table.Out, Does.Not.Contain("\u001b["), "no colour off a terminal");

        var json = A("neighbor", "--json").Json.GetProperty("neighbors");
        Assert.That(json.GetArrayLength(), Is.EqualTo(1));
        var n = json[0];
        Assert.That(n.GetProperty("config").GetProperty("address").GetString(), Is.EqualTo("127.31.0.2"));
        Assert.That(n.GetProperty("config").GetProperty("remoteAsn").GetInt32(), Is.EqualTo(65001));
        Assert.That(n.GetProperty("state").GetProperty("state").GetString(), Is.EqualTo("SESSION_STATE_ESTABLISHED"));
        Assert.That(n.GetProperty("state").GetProperty("prefixesReceived").GetProperty("ipv4-unicast").GetString(), Is.EqualTo("4"));
        Assert.That(n.GetProperty("counters").GetProperty("flaps").GetString(), Is.EqualTo("0"), "every field is present, defaults included");
    }

    [Test]
    public void Neighbor_ADDRESS_shows_one_in_detail()
    {
        var detail = A("neighbor", "127.31.0.2");
        Assert.That(detail.Out, Does.Match(@"neighbor\s+127\.31\.0\.2 AS65001 \(daemon a's peer\)"));
        Assert.That(detail.Out, Does.Match(@"state\s+Established for \d+"));
        Assert.That(detail.Out, Does.Match(@"families\s+ipv4-unicast, ipv6-unicast"));
        Assert.That(detail.Out, Does.Match(@"ipv4-unicast\s+4 received, 4 accepted, 0 advertised"));
        Assert.That(detail.Out, Does.Match(@"updates\s+\d+\s+\d+"));

        var json = A("neighbor", "127.31.0.2", "--json").Json;
        Assert.That(json.GetProperty("state").GetProperty("negotiatedFamilies").EnumerateArray().Select(f => f.GetString()),
            Is.EquivalentTo(new[] { "FAMILY_IPV4_UNICAST", "FAMILY_IPV6_UNICAST" }));
        Assert.That(json.GetProperty("state").GetProperty("peerRouterId").GetString(), Is.EqualTo("127.31.0.2"));
    }

    [Test]
    public void Rib_lists_the_best_routes_with_their_attributes()
    {
        var table = A("rib");
        Assert.That(table.Out.Split('\n')[0], Does.Match(@"^\s+PREFIX\s+NEXT HOP\s+FROM\s+AS PATH\s+ORIGIN\s+LOCPRF\s+MED\s+COMMUNITIES$"));
        var row = table.Row("198.51.100.0/24");
        Assert.That(row, Does.StartWith("*"));
        Assert.That(row, Does.Contain("65001 65010 65020"));
        Assert.That(row, Does.Contain("65001:100 rt:65001:7 65001:1:2"), "standard, extended, large: in attribute type order");
        Assert.That(table.Row("192.0.2.0/25"), Does.Match(@"127\.31\.0\.2\s+65001\s+\?"), "ORIGIN incomplete is ?");
        Assert.That(table.Row(Ipv6), Does.Contain("65001 65040"));
        Assert.That(table.Out, Does.EndWith("5 routes\n"));

        var json = A("rib", "--json").Json;
        Assert.That(json.GetProperty("total").GetString(), Is.EqualTo("5"));
        var route = json.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("prefix").GetString() == "198.51.100.0/24");
        Assert.That(route.GetProperty("family").GetString(), Is.EqualTo("FAMILY_IPV4_UNICAST"));
        Assert.That(route.GetProperty("peerAddress").GetString(), Is.EqualTo("127.31.0.2"));
        Assert.That(route.GetProperty("best").GetBoolean(), Is.True);
        var attributes = route.GetProperty("attributes").EnumerateArray().ToList();
        Assert.That(attributes.Single(a => a.TryGetProperty("med", out _)).GetProperty("med").GetInt32(), Is.EqualTo(5));
        Assert.That(attributes.Single(a => a.TryGetProperty("communities", out _)).GetProperty("communities").GetProperty("communities")[0].GetInt64(),
            Is.EqualTo((65001L << 16) | 100));
    }

    [TestCase(new[] { "198.51.100.0/24" }, new[] { "198.51.100.0/24" })]
    [TestCase(new[] { "192.0.2.0/24", "--longer" }, new[] { "192.0.2.0/25", "192.0.2.128/25" })]
    [TestCase(new[] { "--family", "ipv6" }, new[] { Ipv6 })]
    [TestCase(new[] { "--origin-as", "65030" }, new[] { "203.0.113.0/24" })]
    [TestCase(new[] { "--community", "65001:100" }, new[] { "198.51.100.0/24" })]
    [TestCase(new[] { "--community", "65001:1:2" }, new[] { "198.51.100.0/24" })]
    public void Rib_filters(string[] filter, string[] expected)
    {
        var json = A(["rib", .. filter, "--json"]).Json;
        Assert.That(json.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("prefix").GetString()), Is.EquivalentTo(expected));
        var table = A(["rib", .. filter]);
        foreach (var prefix in expected) table.Row(prefix);
        Assert.That(table.Out, Does.EndWith(expected.Length == 1 ? "1 route\n" : $"{expected.Length} routes\n"));
    }

    [Test]
    public void Rib_received_and_advertised_show_a_neighbors_tables()
    {
        var received = A("rib", "--received", "127.31.0.2", "--family", "ipv4", "--json").Json.GetProperty("routes");
        Assert.That(received.GetArrayLength(), Is.EqualTo(4));
        A("rib", "--received", "127.31.0.2").Row("203.0.113.0/24");

        // A sends B nothing back: every route came from B (split horizon on eBGP, AS 65001 in the path).
        var advertised = A("rib", "--advertised", "127.31.0.2");
        Assert.That(advertised.Out, Does.EndWith("no routes\n"));
        Assert.That(A("rib", "--advertised", "127.31.0.2", "--json").Json.GetProperty("routes").GetArrayLength(), Is.EqualTo(0));
    }

    [Test]
    public void Rib_explain_says_how_the_best_path_was_chosen()
    {
        var table = A("rib", "198.51.100.0/24", "--explain");
        Assert.That(table.Out, Does.StartWith("198.51.100.0/24 (ipv4-unicast): 1 path(s), best chosen by OnlyPath"));
        Assert.That(table.Row("127.31.0.2"), Does.EndWith("best"));

        var json = A("rib", "198.51.100.0/24", "--explain", "--json").Json;
        Assert.That(json.GetProperty("decidedBy").GetString(), Is.EqualTo("OnlyPath"));
        Assert.That(json.GetProperty("paths")[0].GetProperty("route").GetProperty("peerAddress").GetString(), Is.EqualTo("127.31.0.2"));
    }

    [Test]
    public void Rib_explain_advertised_says_why_a_route_is_not_sent()
    {
        var table = A("rib", "198.51.100.0/24", "--explain", "--advertised", "127.31.0.2");
        Assert.That(table.Out, Does.StartWith("198.51.100.0/24 to 127.31.0.2: not advertised ("));
        Assert.That(table.Out, Does.Contain("best: from 127.31.0.2"));
        Assert.That(table.Out, Does.Match(@"as-path\s+65001 65010 65020"));
        Assert.That(table.Out, Does.Contain("exported: none"));

        var json = A("rib", "198.51.100.0/24", "--explain", "--advertised", "127.31.0.2", "--json").Json;
        Assert.That(json.GetProperty("verdict").GetString(), Is.Not.EqualTo("Advertise").And.Not.Empty);
        Assert.That(json.GetProperty("best").GetProperty("prefix").GetString(), Is.EqualTo("198.51.100.0/24"));
    }

    [Test]
    public void Metrics_prints_the_exposition_filters_it_and_converts_it_to_json()
    {
        var all = A("metrics");
        Assert.That(all.Out, Does.Contain("# TYPE bgpactors_peer_messages_received_total counter"));
        var filtered = A("metrics", "bgpactors_peer_prefixes_received");
        Assert.That(filtered.Out.TrimEnd('\n').Split('\n'), Has.All.StartWith("bgpactors_peer_prefixes_received"));
        Assert.That(filtered.Out, Does.Contain("family=\"ipv4-unicast\",peer=\"127.31.0.2\",remote_as=\"65001\"} 4"));

        var samples = A("metrics", "bgpactors_peer_prefixes_received", "--json").Json.GetProperty("samples").EnumerateArray().ToList();
        var ipv4 = samples.Single(s => s.GetProperty("labels").GetProperty("family").GetString() == "ipv4-unicast");
        Assert.That(ipv4.GetProperty("name").GetString(), Is.EqualTo("bgpactors_peer_prefixes_received"));
        Assert.That(ipv4.GetProperty("value").GetDouble(), Is.EqualTo(4));

        var none = Ctl.Run("--addr", _pair.AddrA, "metrics", "no_such_metric");
        Assert.That(none.Exit, Is.EqualTo(1));
        Assert.That(none.Err.Trim(), Is.EqualTo("bgpactorsctl: no metric name contains 'no_such_metric'"));
    }

    [Test]
    public void Watch_sessions_with_history_prints_the_kept_session_events()
    {
        var lines = A("watch", "--sessions", "--history", "--count", "3").Out.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.Match(@"^\d\d:\d\d:\d\d\.\d{3}  session\s+127\.31\.0\.2 AS65001 Idle -> "));

        var json = A("watch", "--sessions", "--history", "--count", "2", "--json").Out.TrimEnd('\n').Split('\n');
        Assert.That(json, Has.Length.EqualTo(2), "one JSON object per line");
        Assert.That(JsonDocument.Parse(json[0]).RootElement.GetProperty("session").GetProperty("neighbor").GetString(), Is.EqualTo("127.31.0.2"));
    }

    [Test]
    public void Watch_routes_current_starts_with_the_table_then_synced()
    {
        var lines = A("watch", "--routes", "--current", "--family", "ipv4", "--count", "5").Out.TrimEnd('\n').Split('\n');
        Assert.That(lines[..4], Has.All.Match(@"  route\s+= \S+ from 127\.31\.0\.2 next hop 127\.31\.0\.2"));
        Assert.That(lines[4], Does.Match(@"  synced\s+4 current route\(s\) sent"));
    }

    [Test]
    public void Colour_only_on_a_terminal_and_never_with_NO_COLOR()
    {
        var stdout = new StringWriter();
        Assert.That(Program.Run(["--addr", _pair.AddrA, "neighbor"], stdout, new StringWriter(), isTerminal: true), Is.EqualTo(0));
        Assert.That(stdout.ToString(), Does.Contain("\u001b["), "a terminal gets colour");
        Assert.That(stdout.ToString(), Does.Contain("Established"));

        var previous = Environment.GetEnvironmentVariable("NO_COLOR");
        Environment.SetEnvironmentVariable("NO_COLOR", "1");
        try
        {
            stdout = new StringWriter();
            Assert.That(Program.Run(["--addr", _pair.AddrA, "neighbor"], stdout, new StringWriter(), isTerminal: true), Is.EqualTo(0));
            Assert.That(stdout.ToString(), Does.Not.Contain("\u001b["));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NO_COLOR", previous);
        }
    }

    [Test]
    public async Task BGPACTORS_ADDR_chooses_the_daemon_and_addr_overrides_it()
    {
        var viaEnvironment = await Ctl.ProcessAsync(["health", "--json"], new Dictionary<string, string?> { ["BGPACTORS_ADDR"] = _pair.AddrA });
        Assert.That(viaEnvironment.Exit, Is.EqualTo(0), viaEnvironment.ToString());
        Assert.That(viaEnvironment.Json.GetProperty("healthy").GetBoolean(), Is.True);

        var overridden = await Ctl.ProcessAsync(["--addr", _pair.AddrB, "global", "--json"], new Dictionary<string, string?> { ["BGPACTORS_ADDR"] = _pair.AddrA });
        Assert.That(overridden.Json.GetProperty("asn").GetInt32(), Is.EqualTo(65001));
    }
}
