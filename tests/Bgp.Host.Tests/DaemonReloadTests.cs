using System.Net;
using System.Net.Sockets;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Host.Tests;

/// <summary>
/// The daemon as operators run it: a config file, scripted peers listening on their own loopback
/// addresses (127.10.0.x, port 179), SIGHUP after editing the file, SIGTERM at the end.
/// </summary>
[TestFixture]
[NonParallelizable]
public class DaemonReloadTests
{
    private const string Us = "127.10.0.1";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private string _dir = null!;
    private ScriptedPeers _scripted = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("bgpactors-reload-").FullName;
        _scripted = new ScriptedPeers();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _scripted.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Neighbor(string address, uint asn, int holdTime = 90) => DaemonConfig.DialedNeighbor(address, asn, Us, holdTime);

    private string WriteConfig(params string[] neighbors)
    {
        var path = Path.Combine(_dir, "bgpactors.toml");
        File.WriteAllText(path, "# reload test\n" + BgpactorsdProcess.GlobalConfig(65000, Us, _dir, "log_level = \"info\"\n" + string.Concat(neighbors)));
        return path;
    }

    [Test]
    public async Task Editing_the_file_and_sending_SIGHUP_adds_changes_and_removes_neighbors_and_a_bad_edit_changes_nothing()
    {
        var listenerB = _scripted.Listen("127.10.0.2");
        var listenerC = _scripted.Listen("127.10.0.3");
        var config = WriteConfig(Neighbor("127.10.0.2", 65002));
        using var daemon = BgpactorsdProcess.Start(config);
        var b = await _scripted.AcceptAndHandshakeAsync(listenerB, 65002, 0x7F0A0002);
        await daemon.WaitForLogAsync("peer 127.10.0.2 AS65002: OpenConfirm -> Established");

        // add C, change B's hold time (a new OPEN: the session is reset with Cease/6)
        WriteConfig(Neighbor("127.10.0.2", 65002, holdTime: 30), Neighbor("127.10.0.3", 65003));
        daemon.Signal("HUP");
        var c = await _scripted.AcceptAndHandshakeAsync(listenerC, 65003, 0x7F0A0003);
        var bounce = await b.ExpectAsync<NotificationMessage>();
        Assert.That((bounce.Code, bounce.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)Wire.CeaseSubcode.OtherConfigurationChange)));
        var b2 = await _scripted.AcceptAndHandshakeAsync(listenerB, 65002, 0x7F0A0002);
        await daemon.WaitForLogAsync("peer 127.10.0.3 AS65003: OpenConfirm -> Established");
        await daemon.WaitForLogAsync("peer 127.10.0.2 AS65002: OpenConfirm -> Established", skip: 1);
        await daemon.WaitForLogAsync("SIGHUP: reloaded");

        // remove C
        WriteConfig(Neighbor("127.10.0.2", 65002, holdTime: 30));
        daemon.Signal("HUP");
        var removed = await c.ExpectAsync<NotificationMessage>();
        Assert.That((removed.Code, removed.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)Wire.CeaseSubcode.PeerDeconfigured)));
        await daemon.WaitForLogAsync("neighbor 127.10.0.3 removed");
        await daemon.WaitForLogAsync("SIGHUP: reloaded", skip: 1); // logged after the removal; count it before the bad edit

        // an invalid edit: rejected with the diagnostics, nothing changes, the daemon keeps running
        int reloadsBefore = daemon.Count("SIGHUP: reloaded");
        int downsBefore = daemon.Count("peer 127.10.0.2 AS65002: Established -> ");
        File.WriteAllText(config, File.ReadAllText(config).Replace("hold_time = 30", "hold_time = 2"));
        daemon.Signal("HUP");
        var rejected = await daemon.WaitForLogAsync("is not valid; keeping the running configuration");
        Assert.That(rejected, Does.Contain("hold_time"));
        await b2.SendAsync(KeepaliveMessage.Instance);
        await Task.Delay(500);
        Assert.That(daemon.HasExited, Is.False);
        Assert.That(daemon.Count("SIGHUP: reloaded"), Is.EqualTo(reloadsBefore));
        Assert.That(daemon.Count("peer 127.10.0.2 AS65002: Established -> "), Is.EqualTo(downsBefore), "B was not touched by the bad edit");

        // SIGTERM: every peer gets a Cease with the shutdown communication, exit 0
        daemon.Signal("TERM");
        var cease = await b2.ExpectAsync<NotificationMessage>();
        Assert.That(cease.Code, Is.EqualTo(NotificationCode.Cease));
        Assert.That(cease.ShutdownCommunication, Is.EqualTo("bgpactorsd is shutting down"));
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero, daemon.Log);
    }

    [Test]
    public async Task A_connection_from_an_address_that_is_not_a_neighbor_is_closed_with_a_log_line_saying_how_to_add_it()
    {
        var config = WriteConfig(Neighbor("127.10.0.2", 65002));
        using var daemon = BgpactorsdProcess.Start(config);
        await daemon.WaitForLogAsync("running: AS65000");
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.10.0.9"), 0));
        await stranger.ConnectAsync(new IPEndPoint(IPAddress.Parse(Us), 179));
        var line = await daemon.WaitForLogAsync("is not a configured neighbor");
        Assert.That(line, Does.Contain("127.10.0.9").And.Contain("[[neighbors]]"));
        var buffer = new byte[19];
        int read = await stranger.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Wait);
        Assert.That(read, Is.Zero, "closed without a word");
        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task Each_neighbor_logs_at_its_own_level_with_its_address_and_as_as_fields_and_a_reload_changes_the_level()
    {
        // nobody listens on .4 and .5: their sessions keep going Idle -> Connect -> Idle (with idle-hold backoff), an info line each time
        string quiet = Neighbor("127.10.0.4", 65004) + "\nlog_level = \"warn\"\n";
        string loud = Neighbor("127.10.0.5", 65005) + "\nlog_level = \"debug\"\n";
        var config = WriteConfig(quiet, loud);
        using var daemon = BgpactorsdProcess.Start(config);
        await daemon.WaitForLogAsync("peer 127.10.0.5 AS65005: Idle -> Connect");
        await daemon.WaitForLogAsync("peer 127.10.0.5 AS65005: Connect -> Idle");
        Assert.That(daemon.Count("peer 127.10.0.4 AS65004:"), Is.Zero, "warn: no state changes from .4");

        var line = daemon.Log.Split('\n').First(l => l.Contains("peer 127.10.0.5 AS65005: Idle", StringComparison.Ordinal));
        using (var json = System.Text.Json.JsonDocument.Parse(line))
        {
            // Serilog's compact JSON: the session's fields at the top level beside the message's own
            var entry = json.RootElement;
            Assert.That(entry.GetProperty("Peer").GetString(), Is.EqualTo("127.10.0.5"));
            Assert.That(entry.GetProperty("RemoteAs").GetUInt32(), Is.EqualTo(65005u));
            Assert.That(entry.GetProperty("SourceContext").GetString(), Is.EqualTo("Bgp.Peer"));
            Assert.That(entry.GetProperty("OldState").GetString(), Is.EqualTo("Idle"));
            Assert.That(entry.TryGetProperty("@l", out _), Is.False, "compact JSON leaves @l out for Information");
        }

        // .4 back to the global level (info) by a reload: its state changes show up
        WriteConfig(Neighbor("127.10.0.4", 65004), loud);
        daemon.Signal("HUP");
        await daemon.WaitForLogAsync("SIGHUP: reloaded");
        await daemon.WaitForLogAsync("peer 127.10.0.4 AS65004:", TimeSpan.FromSeconds(40));
        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task SIGHUP_reloads_even_when_the_daemon_was_started_with_it_ignored_as_nohup_does()
    {
        var config = WriteConfig(Neighbor("127.10.0.4", 65004));
        using var daemon = BgpactorsdProcess.Start(config, hangupIgnored: true);
        await daemon.WaitForLogAsync("gRPC API on");
        WriteConfig(Neighbor("127.10.0.4", 65004), Neighbor("127.10.0.5", 65005));
        daemon.Signal("HUP");
        var reloaded = await daemon.WaitForLogAsync("SIGHUP: reloaded");
        Assert.That(reloaded, Does.Contain("127.10.0.5"));
        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task An_invalid_config_at_start_up_prints_the_diagnostics_and_exits_1()
    {
        var config = WriteConfig(Neighbor("127.10.0.2", 65002, holdTime: 1));
        using var daemon = BgpactorsdProcess.Start(config);
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.EqualTo(1));
        Assert.That(daemon.Log, Does.Contain("hold_time"));
    }
}
