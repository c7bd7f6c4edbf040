using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>
/// The verbs that change things, against two running daemons: neighbors added, deleted, disabled
/// (the peer sees the shutdown text) and enabled, soft reset, routes injected and withdrawn one by
/// one and from a file, a live watch seeing them, and shutdown.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ChangeCommandTests
{
    private DaemonPair _pair = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _pair = await DaemonPair.StartAsync("127.31.1.1", "127.31.1.2");

    [OneTimeTearDown]
    public void Stop() => _pair?.Dispose();

    private CtlResult A(params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrA, .. args]);
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
        return result;
    }

    private CtlResult B(params string[] args)
    {
        var result = Ctl.Run(["--addr", _pair.AddrB, .. args]);
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
        return result;
    }

    private HashSet<string> BestAtB(string family = "ipv4") =>
        [.. B("rib", "--family", family, "--json").Json.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("prefix").GetString()!)];

    [Test]
    public void Neighbor_add_and_delete_change_the_daemon_and_its_file()
    {
        var added = A("neighbor", "add", "127.31.1.9", "--remote-as", "65009", "--passive", "--description", "added by the CLI test",
            "--hold-time", "30", "--max-prefixes", "100");
        Assert.That(added.Out.Trim(), Does.Match(@"^neighbor 127\.31\.1\.9 added: (Idle|Active)$"));
        Assert.That(File.ReadAllText(_pair.ConfigA), Does.Contain("127.31.1.9").And.Contain("added by the CLI test"));

        var json = A("neighbor", "127.31.1.9", "--json").Json.GetProperty("config");
        Assert.That(json.GetProperty("remoteAsn").GetInt32(), Is.EqualTo(65009));
        Assert.That(json.GetProperty("passive").GetBoolean(), Is.True);
        Assert.That(json.GetProperty("holdTime").GetInt32(), Is.EqualTo(30));
        Assert.That(json.GetProperty("maxPrefixes").GetProperty("ipv4-unicast").GetInt32(), Is.EqualTo(100));

        var again = Ctl.Run("--addr", _pair.AddrA, "neighbor", "add", "127.31.1.9", "--remote-as", "65009");
        Assert.That(again.Exit, Is.EqualTo(1));
        Assert.That(again.Err, Does.EndWith("(ALREADY_EXISTS)\n").And.StartWith("bgpactorsctl: "));
        Assert.That(again.Err.Trim().Split('\n'), Has.Length.EqualTo(1));

        Assert.That(A("neighbor", "delete", "127.31.1.9").Out.Trim(), Is.EqualTo("neighbor 127.31.1.9 deleted"));
        Assert.That(A("neighbor", "--json").Json.GetProperty("neighbors").GetArrayLength(), Is.EqualTo(1));
        Assert.That(File.ReadAllText(_pair.ConfigA), Does.Not.Contain("127.31.1.9"));
    }

    [Test]
    public void Neighbor_add_writes_hold_time_0_a_remote_port_and_a_disabled_start()
    {
        var added = A("neighbor", "add", "127.31.1.8", "--remote-as", "65008", "--hold-time", "0", "--remote-port", "1790", "--disabled");
        Assert.That(added.Out.Trim(), Is.EqualTo("neighbor 127.31.1.8 added: Idle (admin)"));
        var written = Bgp.Actors.Config.BgpConfig.Load(_pair.ConfigA).Config!.FindNeighbor(System.Net.IPAddress.Parse("127.31.1.8"))!;
        Assert.That((written.HoldTime, written.RemotePort, written.Enabled), Is.EqualTo((0, 1790, false)));
        var shown = A("neighbor", "127.31.1.8").Out;
        Assert.That(shown, Does.Contain("0 s, no keepalives configured").And.Contain("remote-port 1790").And.Contain("disabled (enabled = false)"));
        A("neighbor", "delete", "127.31.1.8");
    }

    [Test]
    public async Task Neighbor_disable_sends_the_reason_and_enable_brings_the_session_back()
    {
        var disabled = A("neighbor", "disable", "127.31.1.2", "--reason", "maintenance until 14:00");
        Assert.That(disabled.Out.Trim(), Is.EqualTo("neighbor 127.31.1.2 disabled: Idle (admin)"));
        Assert.That(A("neighbor").Row("127.31.1.2"), Does.Contain("Idle (admin)"));
        await _pair.UntilAsync(
            () => B("neighbor", "127.31.1.1", "--json").Json.GetProperty("state").GetProperty("lastNotificationIn").GetString()!.Contains("maintenance until 14:00"),
            "B to report the shutdown text");

        var enabled = A("neighbor", "enable", "127.31.1.2", "--json").Json;
        Assert.That(enabled.GetProperty("state").GetProperty("enabled").GetBoolean(), Is.True);
        await _pair.UntilAsync(() => _pair.State("127.31.1.2") == "SESSION_STATE_ESTABLISHED", "the session to come back");
    }

    [Test]
    public async Task Neighbor_softreset_asks_for_the_routes_again()
    {
        await _pair.UntilAsync(() => _pair.State("127.31.1.2") == "SESSION_STATE_ESTABLISHED", "the session");
        var before = A("neighbor", "127.31.1.2", "--json").Json.GetProperty("counters").GetProperty("routeRefreshIn").GetString();
        Assert.That(A("neighbor", "softreset", "127.31.1.2", "--family", "ipv4").Out.Trim(), Is.EqualTo("route refresh sent to 127.31.1.2 for ipv4-unicast"));
        var json = A("neighbor", "softreset", "127.31.1.2", "--json").Json;
        Assert.That(json.GetProperty("refreshed").EnumerateArray().Select(f => f.GetString()), Is.EquivalentTo(new[] { "FAMILY_IPV4_UNICAST", "FAMILY_IPV6_UNICAST" }));
        await _pair.UntilAsync(
            () => B("neighbor", "127.31.1.1", "--json").Json.GetProperty("counters").GetProperty("routeRefreshIn").GetString() is string n && ulong.Parse(n) >= 3,
            "B to count three ROUTE-REFRESH messages");
        Assert.That(before, Is.Not.Null);
    }

    [Test]
    public async Task Inject_add_reaches_the_peer_with_its_attributes_and_delete_withdraws_it()
    {
        await _pair.UntilAsync(() => _pair.State("127.31.1.2") == "SESSION_STATE_ESTABLISHED", "the session");
        var added = A("inject", "add", "100.64.1.0/24", "--next-hop", "127.31.1.1", "--as-path", "64500,64501", "--med", "20",
            "--community", "65000:666", "--community", "blackhole", "--community", "65000:7:8");
        Assert.That(added.Out.Trim(), Is.EqualTo("100.64.1.0/24 added, next hop 127.31.1.1"));
        await _pair.UntilAsync(() => BestAtB().Contains("100.64.1.0/24"), "B to receive the injected route");
        var row = B("rib", "100.64.1.0/24").Row("100.64.1.0/24");
        Assert.That(row, Does.Contain("65000 64500 64501"));
        Assert.That(row, Does.Contain("65000:666 blackhole 65000:7:8"));
        Assert.That(row, Does.Match(@"\s20\s"), "MED");

        Assert.That(A("inject", "delete", "100.64.1.0/24").Out.Trim(), Is.EqualTo("100.64.1.0/24 withdrawn"));
        await _pair.UntilAsync(() => !BestAtB().Contains("100.64.1.0/24"), "B to see the withdrawal");

        var missing = Ctl.Run("--addr", _pair.AddrA, "inject", "delete", "100.64.1.0/24");
        Assert.That(missing.Exit, Is.EqualTo(1));
        Assert.That(missing.Err, Does.EndWith("(NOT_FOUND)\n"));
    }

    [Test]
    public async Task Inject_file_adds_every_line_on_one_stream_and_reports_a_bad_line_before_sending()
    {
        await _pair.UntilAsync(() => _pair.State("127.31.1.2") == "SESSION_STATE_ESTABLISHED", "the session");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                # customer prefixes
                100.64.10.0/24 --next-hop 127.31.1.1 --community 65000:10
                100.64.11.0/24 --next-hop 127.31.1.1 --as-path "64510 64511"

                100.64.12.0/24 --next-hop 127.31.1.1 --origin egp
                """);
            var json = A("inject", "file", file, "--json").Json;
            Assert.That(json.GetProperty("added").GetString(), Is.EqualTo("3"));
            Assert.That(json.GetProperty("failed").GetString(), Is.EqualTo("0"));
            await _pair.UntilAsync(() => BestAtB().IsSupersetOf(["100.64.10.0/24", "100.64.11.0/24", "100.64.12.0/24"]), "B to receive the file's routes");
            Assert.That(B("rib", "100.64.11.0/24").Row("100.64.11.0/24"), Does.Contain("65000 64510 64511"));

            File.WriteAllText(file, "100.64.13.0/24 --next-hop 127.31.1.1\n100.64.14.0/24 --nexthop 127.31.1.1\n");
            var bad = Ctl.Run("--addr", _pair.AddrA, "inject", "file", file);
            Assert.That(bad.Exit, Is.EqualTo(2));
            Assert.That(bad.Err, Does.StartWith($"bgpactorsctl: {file}:2: "));
            Assert.That(A("rib", "100.64.13.0/24").Out, Does.EndWith("no routes\n"), "nothing is sent when a line is wrong");
        }
        finally
        {
            File.Delete(file);
            foreach (var prefix in new[] { "100.64.10.0/24", "100.64.11.0/24", "100.64.12.0/24" })
                Ctl.Run("--addr", _pair.AddrA, "inject", "delete", prefix);
        }
    }

    [Test]
    public async Task Watch_prints_route_changes_as_they_happen()
    {
        var watch = Task.Run(() => Ctl.Run("--addr", _pair.AddrB, "watch", "--routes", "100.64.20.0/24", "--count", "2"));
        var deadline = DateTime.UtcNow + DaemonPair.Wait;
        // The watch must be subscribed before the change: keep toggling the route until it has seen two events.
        while (!watch.IsCompleted && DateTime.UtcNow < deadline)
        {
            A("inject", "add", "100.64.20.0/24", "--next-hop", "127.31.1.1");
            await Task.WhenAny(watch, Task.Delay(500));
            A("inject", "delete", "100.64.20.0/24");
            await Task.WhenAny(watch, Task.Delay(500));
        }
        Assert.That(watch.IsCompleted, Is.True, "the watch saw two changes");
        var result = await watch;
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines, Has.Some.Match(@"route\s+\+ 100\.64\.20\.0/24 from 127\.31\.1\.1 next hop 127\.31\.1\.1 path 65000"));
        Assert.That(lines, Has.Some.Match(@"route\s+- 100\.64\.20\.0/24 withdrawn"));
    }

}
