using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Bgp.Api.Grpc;
using Bgp.Api.Grpc.Client;
using Bgp.Api.Grpc.Services;
using Bgp.Api.Tests.Echo;
using Bgp.Api.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Tests;

/// <summary>The server through our own client, on a Unix socket.</summary>
[CancelAfter(30_000)]
public sealed class GrpcServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CallOptions Bounded => new(Timeout);

    [Test]
    public async Task Unary_call_returns_the_handlers_reply()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var reply = await client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = "hello ünïcode" }, Bounded);
        Assert.That(reply.Text, Is.EqualTo("hello ünïcode"));
    }

    [Test]
    public async Task Calls_log_nothing_above_debug()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var before = server.Logs.Entries.Count;
        for (var i = 0; i < 3; i++)
            await client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = "quiet" }, Bounded);
        var noisy = server.Logs.Entries.Skip(before).Where(l => l.Level >= LogLevel.Information).Select(l => $"{l.Category}: {l.Message}");
        Assert.That(noisy, Is.Empty);
        Assert.That(server.Logs.Entries.Take(before).Select(l => l.Message), Has.Some.StartsWith("gRPC listening on unix:"));
    }

    [Test]
    public async Task Server_stream_delivers_every_message_in_order_then_ends_ok()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var indexes = new List<int>();
        await foreach (var reply in client.ServerStreamingAsync<RepeatRequest, EchoReply>(EchoService.Method("Repeat"), new RepeatRequest { Text = "x", Count = 500 }, Bounded))
            indexes.Add(reply.Index);
        Assert.That(indexes, Is.EqualTo(Enumerable.Range(0, 500)));
    }

    [Test]
    public async Task An_empty_server_stream_is_a_trailers_only_ok()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var count = 0;
        await foreach (var _ in client.ServerStreamingAsync<RepeatRequest, EchoReply>(EchoService.Method("Repeat"), new RepeatRequest { Count = -1 }, Bounded))
            count++;
        Assert.That(count, Is.Zero);
    }

    [Test]
    public async Task Deadline_exceeded_ends_the_call_and_cancels_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var e = Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync<SleepRequest, EchoReply>(EchoService.Method("Sleep"),
            new SleepRequest { Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(20)) }, new CallOptions(TimeSpan.FromMilliseconds(300))));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        await server.Echo.SleepCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task The_server_enforces_the_deadline_it_was_sent()
    {
        // The client's own timer is far later: DEADLINE_EXCEEDED must come from the server.
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient(new GrpcClientOptions()); // no deadline of its own
        var e = Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync<SleepRequest, EchoReply>(EchoService.Method("Sleep"),
            new SleepRequest { Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(20)) },
            new CallOptions(Headers: new Dictionary<string, string> { ["grpc-timeout"] = "200m" })));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        Assert.That(e.InnerException, Is.Null, "a status from the server, not a local timeout");
    }

    [Test]
    public async Task Abandoning_a_stream_resets_it_and_the_handler_observes_cancellation()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var request = new RepeatRequest { Text = "tick", Count = 0, Interval = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(10)) };
        await using (var stream = client.ServerStreamingAsync<RepeatRequest, EchoReply>(EchoService.Method("Repeat"), request).GetAsyncEnumerator())
        {
            Assert.That(await stream.MoveNextAsync(), Is.True);
            Assert.That(await stream.MoveNextAsync(), Is.True);
        }
        await server.Echo.RepeatCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task A_client_that_stops_reading_holds_the_handler_back_instead_of_filling_memory()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        // 16 KiB replies without end; the client reads one and stops.
        var request = new RepeatRequest { Text = "bulk", Count = 0, Padding = 16 * 1024 };
        await using (var stream = client.ServerStreamingAsync<RepeatRequest, EchoReply>(EchoService.Method("Repeat"), request).GetAsyncEnumerator())
        {
            Assert.That(await stream.MoveNextAsync(), Is.True);
            var written = -1;
            for (var i = 0; i < 50 && server.Echo.RepeatWritten != written; i++)
            {
                written = server.Echo.RepeatWritten;
                await Task.Delay(100);
            }
            // Flow-control windows and Kestrel's response buffer hold a few MiB at most; unbounded
            // buffering would have written thousands by now.
            Assert.That(server.Echo.RepeatWritten, Is.LessThan(200), "the handler stalled once the client stopped reading");
            await Task.Delay(300);
            Assert.That(server.Echo.RepeatWritten, Is.EqualTo(written), "and stays stalled");
            TestContext.Out.WriteLine($"stalled after {written} replies of 16 KiB");
        }
        await server.Echo.RepeatCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task Unknown_service_and_method_are_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var noService = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync("/no.such.Service/Say", new EchoRequest(), EchoReply.Parser, Bounded));
        Assert.That(noService!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
        Assert.That(noService.Status.Detail, Does.Contain("no.such.Service"));
        var noMethod = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync("/bgpactors.test.echo.Echo/Shout", new EchoRequest(), EchoReply.Parser, Bounded));
        Assert.That(noMethod!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
        var noHandler = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Missing"), new EchoRequest(), Bounded));
        Assert.That(noHandler!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
    }

    [Test]
    public async Task A_handler_exception_is_internal_without_its_details_and_is_logged()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var e = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Fail"), new EchoRequest(), Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Internal));
        Assert.That(e.Status.Detail, Does.Not.Contain("hunter2"));
        Assert.That(server.Logs.Entries.Any(l => l.Level == LogLevel.Error && l.Exception?.Message.Contains("hunter2") == true));
    }

    [Test]
    public async Task A_request_over_the_size_limit_is_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(options: new GrpcServerOptions { MaxReceiveMessageSize = 1024 });
        using var client = server.UnixClient();
        var e = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = new string('a', 2000) }, Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        var ok = await client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = new string('a', 1000) }, Bounded);
        Assert.That(ok.Text, Has.Length.EqualTo(1000));
    }

    [Test]
    public async Task The_default_size_limit_is_4_MiB()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient(new GrpcClientOptions { MaxReceiveMessageSize = 16 << 20 });
        var e = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = new string('a', (4 << 20) + 1) }, Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
    }

    [Test]
    public async Task A_compressed_request_encoding_we_do_not_support_is_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var e = Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest(),
            new CallOptions(Timeout, new Dictionary<string, string> { ["grpc-encoding"] = "gzip" })));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
    }

    [Test]
    public async Task Mutating_methods_are_permission_denied_on_a_read_only_listener()
    {
        await using var server = await TestServer.StartAsync(dir => [TestServer.Unix(Path.Combine(dir, "grpc.sock"), readOnly: true)]);
        using var client = server.UnixClient();
        var e = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<ResetRequest, ResetReply>(EchoService.Method("Reset"), new ResetRequest(), Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(server.Echo.Resets, Is.Zero);
        var reply = await client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = "reads still work" }, Bounded);
        Assert.That(reply.Text, Is.EqualTo("reads still work"));
    }

    [Test]
    public async Task Mutating_methods_work_on_a_read_write_listener()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var reply = await client.UnaryAsync<ResetRequest, ResetReply>(EchoService.Method("Reset"), new ResetRequest(), Bounded);
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
        using var client = server.UnixClient(new GrpcClientOptions { BearerToken = token });
        var status = StatusCode.OK;
        try
        {
            await client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest(), Bounded);
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
        using (var client = server.UnixClient())
            Assert.That((await client.UnaryAsync<EchoRequest, EchoReply>(EchoService.Method("Say"), new EchoRequest { Text = "up" }, Bounded)).Text, Is.EqualTo("up"));

        await using var second = new GrpcServer(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.ThrowsAsync<IOException>(() => second.StartAsync([TestServer.Unix(path)], []));
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
        using var client = server.UnixClient();
        var request = new RepeatRequest { Text = "tick", Count = 0, Interval = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(10)) };
        await using var stream = client.ServerStreamingAsync<RepeatRequest, EchoReply>(EchoService.Method("Repeat"), request, Bounded).GetAsyncEnumerator();
        Assert.That(await stream.MoveNextAsync(), Is.True);
        var stop = server.Server.StopAsync();
        var e = Assert.ThrowsAsync<RpcException>(async () => { while (await stream.MoveNextAsync()) { } });
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        await stop.WaitAsync(Timeout);
    }

    [Test]
    public async Task A_request_that_is_not_grpc_gets_http_415()
    {
        await using var server = await TestServer.StartAsync();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(server.SocketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/bgpactors.test.echo.Echo/Say")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("{}", new MediaTypeHeaderValue("application/json")),
        };
        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Health_check_knows_registered_services_and_not_others()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var check = HealthReflection.Descriptor.Services[0].FindMethodByName("Check");
        var all = await client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(check, new HealthCheckRequest(), Bounded);
        Assert.That(all.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        var echo = await client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(check, new HealthCheckRequest { Service = "bgpactors.test.echo.Echo" }, Bounded);
        Assert.That(echo.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        server.Server.Health.SetStatus("bgpactors.test.echo.Echo", HealthStatus.NotServing);
        echo = await client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(check, new HealthCheckRequest { Service = "bgpactors.test.echo.Echo" }, Bounded);
        Assert.That(echo.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
        var e = Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(check, new HealthCheckRequest { Service = "no.such.Service" }, Bounded));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task Health_watch_sends_the_current_status_then_each_change()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.UnixClient();
        var watch = HealthReflection.Descriptor.Services[0].FindMethodByName("Watch");
        await using var stream = client.ServerStreamingAsync<HealthCheckRequest, HealthCheckResponse>(watch, new HealthCheckRequest { Service = "rib" }, Bounded)
            .GetAsyncEnumerator();
        Assert.That(await stream.MoveNextAsync(), Is.True);
        Assert.That(stream.Current.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.ServiceUnknown));
        server.Server.Health.SetStatus("rib", HealthStatus.Serving);
        Assert.That(await stream.MoveNextAsync(), Is.True);
        Assert.That(stream.Current.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        server.Server.Health.SetStatus("rib", HealthStatus.NotServing);
        Assert.That(await stream.MoveNextAsync(), Is.True);
        Assert.That(stream.Current.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
    }
}
