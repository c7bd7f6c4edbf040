using System.Net.Sockets;
using Bgp.Api.Client;
using Bgp.Api.Server;
using Bgp.Api.Tests.Echo;
using Bgp.Api.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Tests;

/// <summary>What <see cref="ApiHost"/> adds to Grpc.AspNetCore (listener policies, socket files, health, logging, stopping), on a Unix socket.</summary>
[CancelAfter(30_000)]
public sealed class GrpcServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static DateTime Bounded => DateTime.UtcNow + Timeout;

    [Test]
    public async Task Unary_call_returns_the_handlers_reply()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var reply = await new Echo.Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "hello ünïcode" }, deadline: Bounded);
        Assert.That(reply.Text, Is.EqualTo("hello ünïcode"));
    }

    [Test]
    public async Task Calls_log_nothing_above_debug()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var client = new Echo.Echo.EchoClient(channel);
        var before = server.Logs.Entries.Count;
        for (var i = 0; i < 3; i++)
            await client.SayAsync(new EchoRequest { Text = "quiet" }, deadline: Bounded);
        var noisy = server.Logs.Entries.Skip(before).Where(l => l.Level >= LogLevel.Information).Select(l => $"{l.Category}: {l.Message}");
        Assert.That(noisy, Is.Empty);
        Assert.That(server.Logs.Entries.Take(before).Select(l => l.Message), Has.Some.StartsWith("gRPC listening on unix:"));
    }

    [Test]
    public async Task Server_stream_delivers_every_message_in_order_then_ends_ok()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        using var call = new Echo.Echo.EchoClient(channel).Repeat(new RepeatRequest { Text = "x", Count = 500 }, deadline: Bounded);
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync()) indexes.Add(reply.Index);
        Assert.That(indexes, Is.EqualTo(Enumerable.Range(0, 500)));
        Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
    }

    [Test]
    public async Task Deadline_exceeded_ends_the_call_and_cancels_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var e = Assert.ThrowsAsync<RpcException>(async () => await new Echo.Echo.EchoClient(channel).SleepAsync(
            new SleepRequest { Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(20)) }, deadline: DateTime.UtcNow.AddMilliseconds(300)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        await server.Echo.SleepCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task Abandoning_a_stream_resets_it_and_the_handler_observes_cancellation()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var request = new RepeatRequest { Text = "tick", Count = 2, Hold = true };
        using (var call = new Echo.Echo.EchoClient(channel).Repeat(request))
        {
            Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);
            Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        }
        await server.Echo.RepeatCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task A_client_that_stops_reading_holds_the_handler_back_instead_of_filling_memory()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        // 16 KiB replies without end; the client reads one and stops.
        using (var call = new Echo.Echo.EchoClient(channel).Repeat(new RepeatRequest { Text = "bulk", Count = 0, Padding = 16 * 1024 }))
        {
            Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);
            // Flow-control windows and Kestrel's response buffer hold a few MiB at most; unbounded buffering would
            // have written thousands. Wait (bounded) until the count stops moving, then check it stays there.
            var written = -1;
            for (var i = 0; i < 50 && server.Echo.RepeatWritten != written; i++)
            {
                written = server.Echo.RepeatWritten;
                await Task.Delay(100);
            }
            Assert.That(server.Echo.RepeatWritten, Is.LessThan(400), "the handler stalled once the client stopped reading");
            await Task.Delay(300);
            Assert.That(server.Echo.RepeatWritten, Is.EqualTo(written), "and stays stalled");
            TestContext.Out.WriteLine($"stalled after {written} replies of 16 KiB");
        }
        await server.Echo.RepeatCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task A_method_without_a_handler_is_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var e = Assert.ThrowsAsync<RpcException>(async () => await new Echo.Echo.EchoClient(channel).MissingAsync(new EchoRequest(), deadline: Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
    }

    [Test]
    public async Task A_handler_exception_is_internal_without_its_details_and_is_logged()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var e = Assert.ThrowsAsync<RpcException>(async () => await new Echo.Echo.EchoClient(channel).FailAsync(new EchoRequest(), deadline: Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Internal));
        Assert.That(e.Status.Detail, Does.Not.Contain("hunter2"));
        Assert.That(server.Logs.Entries.Any(l => l.Level == LogLevel.Error && l.Exception?.Message.Contains("hunter2") == true));
    }

    [Test]
    public async Task A_request_over_the_size_limit_is_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(options: new ApiHostOptions { MaxReceiveMessageSize = 1024 });
        using var channel = server.UnixChannel();
        var client = new Echo.Echo.EchoClient(channel);
        var e = Assert.ThrowsAsync<RpcException>(async () => await client.SayAsync(new EchoRequest { Text = new string('a', 2000) }, deadline: Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        var ok = await client.SayAsync(new EchoRequest { Text = new string('a', 1000) }, deadline: Bounded);
        Assert.That(ok.Text, Has.Length.EqualTo(1000));
    }

    [Test]
    public async Task Mutating_methods_are_permission_denied_on_a_read_only_listener()
    {
        await using var server = await TestServer.StartAsync(dir => [TestServer.Unix(Path.Combine(dir, "grpc.sock"), readOnly: true)]);
        using var channel = server.UnixChannel();
        var client = new Echo.Echo.EchoClient(channel);
        var e = Assert.ThrowsAsync<RpcException>(async () => await client.ResetAsync(new ResetRequest(), deadline: Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(server.Echo.Resets, Is.Zero);
        var reply = await client.SayAsync(new EchoRequest { Text = "reads still work" }, deadline: Bounded);
        Assert.That(reply.Text, Is.EqualTo("reads still work"));
    }

    [Test]
    public async Task The_listener_the_call_arrived_on_decides_not_a_header()
    {
        // One read-only and one read-write socket on the same server; a client header naming the other listener changes nothing.
        await using var server = await TestServer.StartAsync(dir =>
            [TestServer.Unix(Path.Combine(dir, "grpc.sock")), TestServer.Unix(Path.Combine(dir, "ro.sock"), readOnly: true)]);
        using var readWrite = server.UnixChannel();
        using var readOnly = DaemonChannel.ForUnixSocket(Path.Combine(server.Directory, "ro.sock"));
        var headers = new Metadata { { "x-listener", "unix:" + server.SocketPath } };
        var e = Assert.ThrowsAsync<RpcException>(async () => await new Echo.Echo.EchoClient(readOnly).ResetAsync(new ResetRequest(), headers, Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That((await new Echo.Echo.EchoClient(readWrite).ResetAsync(new ResetRequest(), deadline: Bounded)).Resets, Is.EqualTo(1));
    }

    [Test]
    public async Task Mutating_methods_work_on_a_read_write_listener()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var reply = await new Echo.Echo.EchoClient(channel).ResetAsync(new ResetRequest(), deadline: Bounded);
        Assert.That(reply.Resets, Is.EqualTo(1));
    }

    [TestCase(null, StatusCode.Unauthenticated)]
    [TestCase("wrong-token", StatusCode.Unauthenticated)]
    [TestCase("s3cret-token", StatusCode.OK)]
    public async Task A_token_listener_wants_the_bearer_token(string? token, StatusCode expected)
    {
        var directory = TestServer.NewDirectory();
        var tokenFile = Path.Combine(directory, "api.token");
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        await using var server = await TestServer.StartAsync(dir => [TestServer.Unix(Path.Combine(dir, "grpc.sock"), tokenFile: tokenFile)], directory: directory);
        using var channel = server.UnixChannel(new DaemonChannelOptions { BearerToken = token });
        var status = StatusCode.OK;
        try
        {
            await new Echo.Echo.EchoClient(channel).SayAsync(new EchoRequest(), deadline: Bounded);
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
        }
        Assert.That(status, Is.EqualTo(expected));
    }

    [Test]
    public async Task The_socket_file_gets_the_configured_mode()
    {
        await using var server = await TestServer.StartAsync(dir => [TestServer.Unix(Path.Combine(dir, "grpc.sock")), TestServer.Unix(Path.Combine(dir, "group.sock"), mode: 0b110_110_000)]);
        Assert.That(File.GetUnixFileMode(server.SocketPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Path.Combine(server.Directory, "group.sock")),
            Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite));
    }

    [Test]
    public async Task A_stale_socket_file_is_replaced_but_a_live_one_is_not()
    {
        var directory = TestServer.NewDirectory();
        var path = Path.Combine(directory, "grpc.sock");
        if (!File.Exists("/usr/bin/python3")) Assert.Ignore("needs /usr/bin/python3 to leave a stale socket behind");
        // What a crash leaves: a socket file nobody listens on. (.NET removes the file when it closes
        // a bound socket, so another process makes it.)
        using (var python = System.Diagnostics.Process.Start("/usr/bin/python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path]))
            await python.WaitForExitAsync();
        Assert.That(File.Exists(path));
        await using var server = await TestServer.StartAsync(directory: directory);
        using (var channel = server.UnixChannel())
            Assert.That((await new Echo.Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "up" }, deadline: Bounded)).Text, Is.EqualTo("up"));

        var e = Assert.ThrowsAsync<IOException>(() => ApiHost.StartAsync([TestServer.Unix(path)], Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            _ => { }, _ => { }));
        Assert.That(e!.Message, Does.Contain("in use by a running process"));
    }

    [Test]
    public async Task A_listener_that_cannot_be_bound_fails_the_start_and_leaves_nothing_listening()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((System.Net.IPEndPoint)taken.LocalEndPoint!).Port;
        var directory = TestServer.NewDirectory();
        var unix = Path.Combine(directory, "grpc.sock");
        var tcp = new Bgp.Actors.Config.GrpcListenerConfig(Bgp.Actors.Config.GrpcListenerKind.Tcp, null, 0,
            new Bgp.Actors.Config.EndpointAddress(System.Net.IPAddress.Loopback, port), null, false, null);
        var e = Assert.ThrowsAsync<IOException>(() => ApiHost.StartAsync([TestServer.Unix(unix), tcp],
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, _ => { }, _ => { }));
        Assert.That(e!.Message, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Assert.That(() => probe.Connect(new UnixDomainSocketEndPoint(unix)), Throws.InstanceOf<SocketException>(), "the Unix listener is closed again");
    }

    [Test]
    public async Task The_socket_file_is_removed_on_stop()
    {
        var server = await TestServer.StartAsync();
        var path = server.SocketPath;
        await server.Server.StopAsync();
        Assert.That(File.Exists(path), Is.False);
        await server.DisposeAsync();
    }

    [Test]
    public async Task Stopping_the_server_ends_streams_in_progress_with_unavailable()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var request = new RepeatRequest { Text = "tick", Count = 1, Hold = true };
        using var call = new Echo.Echo.EchoClient(channel).Repeat(request, deadline: Bounded);
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var stop = server.Server.StopAsync();
        var e = Assert.ThrowsAsync<RpcException>(async () => { while (await call.ResponseStream.MoveNext(CancellationToken.None)) { } });
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        await stop.WaitAsync(Timeout);
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "the stream ended at once, not at the shutdown timeout");
    }

    [Test]
    public async Task Health_check_knows_registered_services_and_not_others()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        var health = new Health.HealthClient(channel);
        var all = await health.CheckAsync(new HealthCheckRequest(), deadline: Bounded);
        Assert.That(all.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        var echo = await health.CheckAsync(new HealthCheckRequest { Service = "bgpactors.test.echo.Echo" }, deadline: Bounded);
        Assert.That(echo.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        server.Server.Health.SetStatus("bgpactors.test.echo.Echo", HealthCheckResponse.Types.ServingStatus.NotServing);
        echo = await health.CheckAsync(new HealthCheckRequest { Service = "bgpactors.test.echo.Echo" }, deadline: Bounded);
        Assert.That(echo.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
        var e = Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, deadline: Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task Health_watch_sends_the_current_status_then_each_change()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = server.UnixChannel();
        using var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest { Service = "rib" }, deadline: Bounded);
        Assert.That(await watch.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        Assert.That(watch.ResponseStream.Current.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.ServiceUnknown));
        server.Server.Health.SetStatus("rib", HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.That(await watch.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        Assert.That(watch.ResponseStream.Current.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        server.Server.Health.SetStatus("rib", HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.That(await watch.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        Assert.That(watch.ResponseStream.Current.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
    }
}
