using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Bgp.Api.Tests.Support;

namespace Bgp.Api.Tests;

/// <summary>
/// The server through Debian's python3-grpcio (gRPC C-core): an implementation we did not write
/// must not be able to tell our server from a real one.
/// </summary>
[CancelAfter(60_000)]
public sealed class PythonInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [SetUp]
    public void RequirePython() => PythonGrpc.RequireOrIgnore();

    private static PythonTarget Target(TestServer server, string? token = null) => PythonTarget.Unix(server.SocketPath, token);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Test]
    public async Task Python_unary_call()
    {
        await using var server = await TestServer.StartAsync();
        var result = await PythonGrpc.RunAsync(Target(server), "say", "hello from python ✓");
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("text").GetString(), Is.EqualTo("hello from python ✓"));
    }

    [Test]
    public async Task Python_server_stream()
    {
        await using var server = await TestServer.StartAsync();
        var result = await PythonGrpc.RunAsync(Target(server), "repeat", "x", "200");
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(Enumerable.Range(0, 200)));
    }

    [Test]
    public async Task Python_client_stream_and_bidi_stream()
    {
        await using var server = await TestServer.StartAsync();
        var collect = await PythonGrpc.RunAsync(Target(server), "collect", "a", "b", "c");
        Assert.That(collect.GetProperty("text").GetString(), Is.EqualTo("a,b,c"), collect.ToString());
        Assert.That(collect.GetProperty("index").GetInt32(), Is.EqualTo(3));
        var chat = await PythonGrpc.RunAsync(Target(server), "chat", "one", "two");
        Assert.That(Strings(chat.GetProperty("texts")), Is.EqualTo(new[] { "ONE", "TWO" }), chat.ToString());
    }

    [Test]
    public async Task Python_deadline_exceeded_cancels_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        var result = await PythonGrpc.RunAsync(Target(server), "sleep", "0.3");
        Assert.That(result.GetProperty("code").GetString(), Is.EqualTo("DEADLINE_EXCEEDED"), result.ToString());
        await server.Echo.SleepCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task Python_cancelling_a_stream_cancels_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        var result = await PythonGrpc.RunAsync(Target(server), "cancel");
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("code").GetString(), Is.EqualTo("CANCELLED"));
        await server.Echo.RepeatCancelled.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task Python_mutating_call_on_a_read_only_listener_is_permission_denied()
    {
        await using var server = await TestServer.StartAsync(dir => [TestServer.Unix(Path.Combine(dir, "grpc.sock"), readOnly: true)]);
        var result = await PythonGrpc.RunAsync(Target(server), "reset");
        Assert.That(result.GetProperty("code").GetString(), Is.EqualTo("PERMISSION_DENIED"), result.ToString());
        Assert.That(server.Echo.Resets, Is.Zero);
    }

    [TestCase(null, "UNAUTHENTICATED")]
    [TestCase("not-the-token", "UNAUTHENTICATED")]
    [TestCase("py-token", null)]
    public async Task Python_bearer_token(string? token, string? expectedCode)
    {
        var directory = TestServer.NewDirectory();
        var tokenFile = Path.Combine(directory, "token");
        await File.WriteAllTextAsync(tokenFile, "py-token");
        await using var server = await TestServer.StartAsync(dir => [TestServer.Unix(Path.Combine(dir, "grpc.sock"), tokenFile: tokenFile)], directory: directory);
        var result = await PythonGrpc.RunAsync(Target(server, token), "say", "hi");
        if (expectedCode is null) Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        else Assert.That(result.GetProperty("code").GetString(), Is.EqualTo(expectedCode), result.ToString());
    }

    [Test]
    public async Task Python_request_over_the_limit_is_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(options: new Bgp.Api.Server.ApiHostOptions { MaxReceiveMessageSize = 64 * 1024 });
        var result = await PythonGrpc.RunAsync(Target(server), "call", "Say", (200 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(result.GetProperty("code").GetString(), Is.EqualTo("RESOURCE_EXHAUSTED"), result.ToString());
    }

    [TestCase("Nope", "UNIMPLEMENTED")]
    [TestCase("Missing", "UNIMPLEMENTED")]
    [TestCase("Fail", "INTERNAL")]
    public async Task Python_sees_error_statuses(string method, string code)
    {
        await using var server = await TestServer.StartAsync();
        var result = await PythonGrpc.RunAsync(Target(server), "call", method);
        Assert.That(result.GetProperty("code").GetString(), Is.EqualTo(code), result.ToString());
        Assert.That(result.GetProperty("details").GetString(), Does.Not.Contain("hunter2"));
    }

    [Test]
    public async Task Python_health_check()
    {
        await using var server = await TestServer.StartAsync();
        var serving = await PythonGrpc.RunAsync(Target(server), "health-check", "");
        Assert.That(serving.GetProperty("status").GetString(), Is.EqualTo("SERVING"), serving.ToString());
        var unknown = await PythonGrpc.RunAsync(Target(server), "health-check", "no.such.Service");
        Assert.That(unknown.GetProperty("code").GetString(), Is.EqualTo("NOT_FOUND"), unknown.ToString());
    }

    [Test]
    public async Task Python_health_watch_sees_a_change()
    {
        await using var server = await TestServer.StartAsync();
        await using var watch = PythonGrpc.Start(Target(server), "health-watch", "bgpactors.test.echo.Echo", "2");
        var first = await watch.ReadLineAsync(Timeout);
        Assert.That(first?.GetProperty("status").GetString(), Is.EqualTo("SERVING"), first?.ToString());
        server.Server.Health.SetStatus("bgpactors.test.echo.Echo", HealthCheckResponse.Types.ServingStatus.NotServing);
        var second = await watch.ReadLineAsync(Timeout);
        Assert.That(second?.GetProperty("status").GetString(), Is.EqualTo("NOT_SERVING"), second?.ToString());
    }

    [TestCase("v1alpha")]
    [TestCase("v1")]
    public async Task Python_without_protos_discovers_and_calls_a_method_through_reflection(string version)
    {
        await using var server = await TestServer.StartAsync();
        var result = await PythonGrpc.RunAsync(Target(server), "reflect", version);
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(Strings(result.GetProperty("services")), Is.SupersetOf(new[]
        {
            "bgpactors.test.echo.Echo", "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
        }));
        Assert.That(Strings(result.GetProperty("files")), Is.EqualTo(new[] { "echo.proto", "google/protobuf/duration.proto" }),
            "the file and its transitive dependencies");
        Assert.That(Strings(result.GetProperty("duration_files")), Is.EqualTo(new[] { "google/protobuf/duration.proto" }));
        Assert.That(result.GetProperty("unknown_code").GetInt32(), Is.EqualTo((int)StatusCode.NotFound));
        Assert.That(Strings(result.GetProperty("methods")), Does.Contain("Say").And.Contain("Chat"));
        Assert.That(result.GetProperty("reply").GetString(), Is.EqualTo("via reflection"));
    }
}
