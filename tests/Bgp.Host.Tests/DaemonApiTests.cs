using System.Net;
using BgpConfig = Bgp.Actors.Config.BgpConfig;
using System.Net.Sockets;
using Bgp.TestKit;
using Grpc.Core;
using Bgp.Api.V1;
using Bgp.Wire;
using NUnit.Framework;
using Family = Bgp.Api.V1.Family;

namespace Bgp.Host.Tests;

/// <summary>
/// The gRPC API of a running daemon, through our own client on the daemon's Unix socket: the global
/// settings, neighbors added, changed and removed (and what that does to the file and to a scripted
/// peer on 127.10.0.x), injected routes reaching that peer, route listings with paging, explain,
/// health and shutdown.
/// </summary>
[TestFixture]
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public partial class DaemonApiTests
{
    private const string Us = "127.10.0.1";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private string _dir = null!;
    private ScriptedPeers _scripted = null!;
    private ApiClients? _api;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("bgpapi-").FullName;
        _scripted = new ScriptedPeers();
    }

    [TearDown]
    public async Task TearDown()
    {
        _api?.Dispose();
        await _scripted.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string ConfigPath => Path.Combine(_dir, "bgpactors.toml");
    private string SocketPath => Path.Combine(_dir, "grpc.sock");

    private string WriteConfig(string extra = "")
    {
        File.WriteAllText(ConfigPath, "# API test\n" + BgpactorsdProcess.GlobalConfig(65000, Us, _dir, extra));
        return ConfigPath;
    }

    private async Task<BgpactorsdProcess> StartAsync(string extra = "")
    {
        var daemon = BgpactorsdProcess.Start(WriteConfig(extra));
        await daemon.WaitForLogAsync("gRPC API on");
        _api = ApiClients.ForUnixSocket(SocketPath);
        return daemon;
    }

    private async Task<List<ListRoutesResponse>> ListAsync(ListRoutesRequest request)
    {
        var pages = new List<ListRoutesResponse>();
        await foreach (var response in ApiClients.ReadAll(_api!.Rib.ListRoutes(request, deadline: DateTime.UtcNow + ApiClients.Timeout)))
            pages.Add(response);
        return pages;
    }

    [Test]
    public async Task The_socket_is_private_and_global_neighbors_and_health_answer()
    {
        using var daemon = await StartAsync("""

            [[neighbors]]
            address = "127.10.0.2"
            remote_asn = 65002
            description = "transit"
            passive = true
            max_prefixes = { ipv4-unicast = 1000 }
            """);
        Assert.That(File.GetUnixFileMode(SocketPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        var global = await _api!.Unary(_api.Global.GetGlobalAsync, new GetGlobalRequest());
        Assert.That((global.Asn, global.RouterId, global.ListenPort), Is.EqualTo((65000u, Us, 179u)));
        Assert.That(global.Families, Is.EquivalentTo(new[] { Family.Ipv4Unicast, Family.Ipv6Unicast }));
        Assert.That(global.ConfigPath, Is.EqualTo(ConfigPath));

        var list = await _api!.Unary(_api.Neighbors.ListNeighborsAsync, new ListNeighborsRequest());
        var n = list.Neighbors.Single();
        Assert.That((n.Config.Address, n.Config.RemoteAsn, n.Config.Description, n.Config.Passive), Is.EqualTo(("127.10.0.2", 65002u, "transit", true)));
        Assert.That(n.Config.MaxPrefixes["ipv4-unicast"], Is.EqualTo(1000u));
        Assert.That(n.State.State, Is.EqualTo(Bgp.Api.V1.SessionState.Active), "passive and waiting");

        var missing = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Neighbors.GetNeighborAsync, new GetNeighborRequest { Address = "127.10.0.99" }));
        Assert.That(missing!.StatusCode, Is.EqualTo(StatusCode.NotFound));
        var bad = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Neighbors.GetNeighborAsync, new GetNeighborRequest { Address = "not-an-address" }));
        Assert.That(bad!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));

        var health = await _api!.Unary(_api.Control.GetHealthAsync, new GetHealthRequest());
        Assert.That((health.Healthy, health.NeighborsConfigured, health.NeighborsEstablished), Is.EqualTo((true, 1u, 0u)));

        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
        Assert.That(File.Exists(SocketPath), Is.False, "the socket is removed on exit");
    }

    [Test]
    public async Task A_neighbor_added_through_the_api_is_written_to_the_file_establishes_and_leaves_with_cease_3_when_deleted()
    {
        var listener = _scripted.Listen("127.10.0.3");
        using var daemon = await StartAsync();
        var added = await _api!.Unary(_api.Neighbors.AddNeighborAsync, new AddNeighborRequest
        {
            Neighbor = new Bgp.Api.V1.NeighborConfig { Address = "127.10.0.3", RemoteAsn = 65003, LocalAddress = Us, Description = "added by API", ConnectRetry = 1 },
        });
        Assert.That(added.Config.Description, Is.EqualTo("added by API"));
        var text = File.ReadAllText(ConfigPath);
        Assert.That(text, Does.StartWith("# API test"), "the rest of the file is kept");
        Assert.That(text, Does.Contain("[[neighbors]]").And.Contain("address = \"127.10.0.3\"").And.Contain("remote_asn = 65003"));

        var peer = await _scripted.AcceptAndHandshakeAsync(listener, 65003, 0x7F0A0003, AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast);
        await daemon.WaitForLogAsync("peer 127.10.0.3 AS65003: OpenConfirm -> Established");
        // the transition is logged before its actions run; the status the API reads follows within moments
        Neighbor shown = null!;
        for (int i = 0; i < 50; i++)
        {
            shown = await _api!.Unary(_api.Neighbors.GetNeighborAsync, new GetNeighborRequest { Address = "127.10.0.3" });
            if (shown.State.State == Bgp.Api.V1.SessionState.Established) break;
            await Task.Delay(100);
        }
        Assert.That(shown.State.State, Is.EqualTo(Bgp.Api.V1.SessionState.Established));
        Assert.That(shown.State.PeerRouterId, Is.EqualTo("127.10.0.3"));
        Assert.That(shown.State.NegotiatedFamilies, Does.Contain(Family.Ipv4Unicast));

        var again = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Neighbors.AddNeighborAsync, new AddNeighborRequest { Neighbor = new Bgp.Api.V1.NeighborConfig { Address = "127.10.0.3", RemoteAsn = 65003 } }));
        Assert.That(again!.StatusCode, Is.EqualTo(StatusCode.AlreadyExists));
        var invalid = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Neighbors.AddNeighborAsync, new AddNeighborRequest { Neighbor = new Bgp.Api.V1.NeighborConfig { Address = "127.10.0.4", RemoteAsn = 65004, HoldTime = 2 } }));
        Assert.That(invalid!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(invalid.Status.Detail, Does.Contain("hold_time"), "the config diagnostics say why");
        Assert.That(File.ReadAllText(ConfigPath), Does.Not.Contain("127.10.0.4"), "a refused change leaves the file alone");

        await _api!.Unary(_api.Neighbors.DeleteNeighborAsync, new DeleteNeighborRequest { Address = "127.10.0.3" });
        var cease = await peer.ExpectAsync<NotificationMessage>();
        Assert.That((cease.Code, cease.Subcode), Is.EqualTo((NotificationCode.Cease, (byte)CeaseSubcode.PeerDeconfigured)));
        Assert.That(File.ReadAllText(ConfigPath), Does.Not.Contain("127.10.0.3"));

        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task Injected_routes_reach_the_peer_and_are_listed_in_pages_explained_and_withdrawn()
    {
        var listener = _scripted.Listen("127.10.0.5");
        using var daemon = await StartAsync(DaemonConfig.DialedNeighbor("127.10.0.5", 65005, Us));
        var peer = await _scripted.AcceptAndHandshakeAsync(listener, 65005, 0x7F0A0005, AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast);

        await _api!.Unary(_api.Injection.AddPathAsync, new AddPathRequest
        {
            Prefix = "198.51.100.0/24",
            NextHop = "192.0.2.1",
            Attributes =
            {
                new Bgp.Api.V1.PathAttribute { Communities = new Communities { Communities_ = { (65000u << 16) | 666 } } },
                new Bgp.Api.V1.PathAttribute { Med = 50 },
            },
        });
        var update = await peer.ExpectAsync<UpdateMessage>();
        for (int i = 0; i < 10 && update.Nlri.Count == 0; i++) update = await peer.ExpectAsync<UpdateMessage>();   // End-of-RIB first
        Assert.That(update.Nlri.Select(n => n.Prefix.ToString()), Is.EqualTo(new[] { "198.51.100.0/24" }));
        Assert.That(update.Get<CommunitiesAttribute>()!.Communities.Select(c => c.ToString()), Is.EqualTo(new[] { "65000:666" }));
        Assert.That(update.Get<AsPathAttribute>()!.Path.ToString(), Is.EqualTo("65000"), "eBGP: our AS prepended");

        // bulk: 1,000 routes on one client stream, one of them bad
        var bulk = ApiClients.SendAll(_api!.Injection.AddPaths(deadline: DateTime.UtcNow + ApiClients.Timeout),
            Enumerable.Range(0, 1000).Select(i => new AddPathRequest { Prefix = $"10.{i / 256}.{i % 256}.0/24", NextHop = "192.0.2.1" })
                .Append(new AddPathRequest { Prefix = "2001:db8::/32", NextHop = "192.0.2.1" }));
        var result = await bulk;
        Assert.That((result.Added, result.Failed), Is.EqualTo((1000ul, 1ul)));
        Assert.That(result.Errors.Single(), Does.Contain("2001:db8::/32").And.Contain("IPv6 next hop"));

        // listed in pages of 300 over one snapshot
        var seen = new List<string>();
        string token = "";
        int pages = 0;
        do
        {
            var page = await ListAsync(new ListRoutesRequest { Table = Table.Best, Family = Family.Ipv4Unicast, PageSize = 300, PageToken = token });
            if (pages == 0) Assert.That(page[0].Total, Is.EqualTo(1001ul));
            seen.AddRange(page.SelectMany(p => p.Routes).Select(r => r.Prefix));
            token = page[^1].NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 10);
        Assert.That(pages, Is.EqualTo(4));
        Assert.That(seen, Has.Count.EqualTo(1001).And.Unique);

        var filtered = await ListAsync(new ListRoutesRequest { Prefix = "10.1.0.0/16", LongerPrefixes = true });
        Assert.That(filtered.SelectMany(p => p.Routes), Has.Exactly(256).Items);
        var byCommunity = (await ListAsync(new ListRoutesRequest { Community = "65000:666" })).SelectMany(p => p.Routes).ToList();
        Assert.That(byCommunity.Select(r => r.Prefix), Is.EqualTo(new[] { "198.51.100.0/24" }));
        Assert.That(byCommunity[0].Attributes.Any(a => a.Med == 50), Is.True);
        var advertised = (await ListAsync(new ListRoutesRequest { Table = Table.Advertised, Neighbor = "127.10.0.5", Prefix = "198.51.100.0/24" }))
            .SelectMany(p => p.Routes).Single();
        Assert.That(advertised.Attributes.Single(a => a.AttributeCase == Bgp.Api.V1.PathAttribute.AttributeOneofCase.AsPath).AsPath.Segments[0].Asns, Is.EqualTo(new[] { 65000u }));

        var best = await _api!.Unary(_api.Rib.ExplainBestPathAsync, new ExplainBestPathRequest { Prefix = "198.51.100.0/24" });
        Assert.That((best.DecidedBy, best.Paths.Count), Is.EqualTo(("OnlyPath", 1)));
        var why = await _api!.Unary(_api.Rib.ExplainAdvertisedRouteAsync, new ExplainAdvertisedRouteRequest { Prefix = "198.51.100.0/24", Neighbor = "127.10.0.5" });
        Assert.That(why.Verdict, Is.EqualTo("Advertise"));

        await _api!.Unary(_api.Injection.DeletePathAsync, new DeletePathRequest { Prefix = "198.51.100.0/24" });
        var withdrawn = await peer.ExpectAsync<UpdateMessage>();
        // the bulk routes may still be arriving, up to one UPDATE each when the RIB outpaces the stream
        for (int i = 0; i < 2000 && withdrawn.Withdrawn.Count == 0; i++) withdrawn = await peer.ExpectAsync<UpdateMessage>();
        Assert.That(withdrawn.Withdrawn.Select(n => n.Prefix.ToString()), Is.EqualTo(new[] { "198.51.100.0/24" }));
        var gone = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Injection.DeletePathAsync, new DeletePathRequest { Prefix = "198.51.100.0/24" }));
        Assert.That(gone!.StatusCode, Is.EqualTo(StatusCode.NotFound));

        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task Disable_sends_the_shutdown_text_enable_reconnects_and_shutdown_stops_the_daemon()
    {
        var listener = _scripted.Listen("127.10.0.6");
        using var daemon = await StartAsync(DaemonConfig.DialedNeighbor("127.10.0.6", 65006, Us));
        var peer = await _scripted.AcceptAndHandshakeAsync(listener, 65006, 0x7F0A0006, AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast);
        var disabled = await _api!.Unary(_api.Neighbors.DisableNeighborAsync, new DisableNeighborRequest { Address = "127.10.0.6", ShutdownText = "maintenance until 14:00" });
        var cease = await peer.ExpectAsync<NotificationMessage>();
        Assert.That(cease.ShutdownCommunication, Is.EqualTo("maintenance until 14:00"));
        Assert.That(disabled.State.Enabled, Is.False);

        await _api!.Unary(_api.Neighbors.EnableNeighborAsync, new EnableNeighborRequest { Address = "127.10.0.6" });
        var back = await _scripted.AcceptAndHandshakeAsync(listener, 65006, 0x7F0A0006, AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast);
        await daemon.WaitForLogAsync("peer 127.10.0.6 AS65006: OpenConfirm -> Established", skip: 1);

        var reset = await _api!.Unary(_api.Neighbors.SoftResetNeighborAsync, new SoftResetNeighborRequest { Address = "127.10.0.6", Family = Family.Ipv4Unicast });
        Assert.That(reset.Refreshed, Is.EqualTo(new[] { Family.Ipv4Unicast }));
        var refresh = await back.ExpectAsync<RouteRefreshMessage>();
        Assert.That(refresh.Family, Is.EqualTo(AfiSafi.Ipv4Unicast));

        await _api!.Unary(_api.Control.ShutdownAsync, new ShutdownRequest { Reason = "upgrade to 2.0" });
        var bye = await back.ExpectAsync<NotificationMessage>();
        Assert.That(bye.ShutdownCommunication, Is.EqualTo("upgrade to 2.0"));
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task A_disable_is_persisted_so_a_restart_keeps_the_neighbor_down_and_its_remote_port_is_dialled()
    {
        var listener = _scripted.Listen("127.10.0.8", port: 1790);
        var daemon = await StartAsync(DaemonConfig.DialedNeighbor("127.10.0.8", 65008, Us) + "\nremote_port = 1790\n");
        try
        {
            var peer = await _scripted.AcceptAndHandshakeAsync(listener, 65008, 0x7F0A0008);
            await _api!.Unary(_api.Neighbors.DisableNeighborAsync, new DisableNeighborRequest { Address = "127.10.0.8", ShutdownText = "moving racks" });
            Assert.That((await peer.ExpectAsync<NotificationMessage>()).ShutdownCommunication, Is.EqualTo("moving racks"));
            var written = BgpConfig.Load(ConfigPath).Config!.FindNeighbor(IPAddress.Parse("127.10.0.8"))!;
            Assert.That((written.Enabled, written.RemotePort), Is.EqualTo((false, 1790)));

            daemon.Signal("TERM");
            Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
        }
        finally
        {
            daemon.Dispose();
        }

        // the same file: the neighbor starts disabled and is never dialled
        daemon = BgpactorsdProcess.Start(ConfigPath);
        try
        {
            await daemon.WaitForLogAsync("gRPC API on");
            _api!.Dispose();
            _api = ApiClients.ForUnixSocket(SocketPath);
            var down = await _api!.Unary(_api.Neighbors.GetNeighborAsync, new GetNeighborRequest { Address = "127.10.0.8" });
            Assert.That((down.State.Enabled, down.State.State), Is.EqualTo((false, Bgp.Api.V1.SessionState.Idle)));
            // connect_retry is 1 s: three seconds without a connection means none is coming
            using (var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
                Assert.That(async () => await listener.AcceptAsync(quiet.Token), Throws.InstanceOf<OperationCanceledException>());

            var up = await _api!.Unary(_api.Neighbors.EnableNeighborAsync, new EnableNeighborRequest { Address = "127.10.0.8" });
            Assert.That(up.State.Enabled, Is.True);
            Assert.That(File.ReadAllText(ConfigPath), Does.Not.Contain("enabled"), "enabling removes the key: the default applies again");
            await _scripted.AcceptAndHandshakeAsync(listener, 65008, 0x7F0A0008);
            await daemon.WaitForLogAsync("peer 127.10.0.8 AS65008: OpenConfirm -> Established");

            // added disabled with a port: both written, both read back
            var added = await _api!.Unary(_api.Neighbors.AddNeighborAsync, new AddNeighborRequest
            {
                Neighbor = new NeighborConfig { Address = "127.10.0.9", RemoteAsn = 65009, RemotePort = 1791, Disabled = true, HoldTime = 0 },
            });
            Assert.That((added.Config.RemotePort, added.Config.Disabled, added.State.Enabled, added.State.State),
                Is.EqualTo((1791u, true, false, Bgp.Api.V1.SessionState.Idle)));
            Assert.That((added.Config.HasHoldTime, added.Config.HoldTime), Is.EqualTo((true, 0u)), "hold time 0 (no keepalives) is a value, not the default");
            var file = BgpConfig.Load(ConfigPath).Config!.FindNeighbor(IPAddress.Parse("127.10.0.9"))!;
            Assert.That((file.RemotePort, file.Enabled, file.HoldTime), Is.EqualTo((1791, false, 0)));
            daemon.Signal("TERM");
            Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
        }
        finally
        {
            daemon.Dispose();
        }
    }

    [Test]
    public async Task A_read_only_listener_answers_reads_and_refuses_changes()
    {
        var readOnly = Path.Combine(_dir, "ro.sock");
        using var daemon = await StartAsync($"""

            [[global.telemetry.grpc_listeners]]
            unix = "{SocketPath}"

            [[global.telemetry.grpc_listeners]]
            unix = "{readOnly}"
            read_only = true
            """);
        using var reader = ApiClients.ForUnixSocket(readOnly);
        var global = await reader.Unary(reader.Global.GetGlobalAsync, new GetGlobalRequest());
        Assert.That(global.Asn, Is.EqualTo(65000u));
        var refused = Assert.ThrowsAsync<RpcException>(() => reader.Unary(reader.Injection.AddPathAsync,
            new AddPathRequest { Prefix = "198.51.100.0/24", NextHop = "192.0.2.1" }));
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    [Test]
    public async Task Debian_python3_grpcio_calls_the_daemon_with_messages_protoc_generated()
    {
        if (!File.Exists("/usr/bin/python3") || !File.Exists("/usr/bin/protoc")) Assert.Ignore("python3-grpcio / protoc not installed (.ci/run installs them)");
        var gen = Path.Combine(_dir, "gen");
        Directory.CreateDirectory(gen);
        var protos = Path.Combine(AppContext.BaseDirectory, "protos");
        var (protocExit, protocOut) = await RunAsync("/usr/bin/protoc", [$"--python_out={gen}", $"-I{protos}", "-I/usr/include",
            .. Directory.GetFiles(Path.Combine(protos, "bgpactors", "v1"), "*.proto").Select(f => Path.GetRelativePath(protos, f))]);
        Assert.That(protocExit, Is.Zero, protocOut);

        using var daemon = await StartAsync("""

            [[neighbors]]
            address = "127.10.0.7"
            remote_asn = 65007
            passive = true
            """);
        var (exit, output) = await RunAsync("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "python", "bgpactors_probe.py"), gen, SocketPath]);
        Assert.That(exit, Is.Zero, output);
        var steps = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("step").GetString()!);
        Assert.That(steps["global"].GetProperty("asn").GetUInt32(), Is.EqualTo(65000u));
        Assert.That(steps["neighbors"].GetProperty("neighbors").GetRawText(), Is.EqualTo("""[["127.10.0.7",65007,"SESSION_STATE_ACTIVE"]]"""));
        Assert.That(steps["routes"].GetProperty("routes").GetRawText(), Is.EqualTo("""[["203.0.113.0/24","192.0.2.1",true,[[65000,1,2]]]]"""));
        Assert.That(steps["invalid"].GetProperty("code").GetString(), Is.EqualTo("INVALID_ARGUMENT"));
        Assert.That(steps["explain"].GetProperty("decided_by").GetString(), Is.EqualTo("OnlyPath"));
        Assert.That(steps["health"].GetProperty("loc_rib").GetInt32(), Is.EqualTo(1));
        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

