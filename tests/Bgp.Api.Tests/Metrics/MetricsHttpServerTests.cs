using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Bgp.Api.Metrics;
using Bgp.Api.Tests.Support;
using Microsoft.Extensions.Logging;
using static Bgp.Api.Tests.Metrics.PrometheusExporterTests;

namespace Bgp.Api.Tests.Metrics;

/// <summary>/metrics over HTTP/1.1 on 127.0.0.1, port 0, through HttpClient.</summary>
[CancelAfter(30_000)]
public sealed class MetricsHttpServerTests
{
    private const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    [Test]
    public async Task Get_metrics_returns_the_exposition_with_the_prometheus_content_type()
    {
        await using var fixture = await Fixture.StartAsync();
        fixture.Meter.CreateCounter<int>("bgp.updates").Add(7, new KeyValuePair<string, object?>("peer", "192.0.2.1"));
        using var response = await fixture.Client.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(PrometheusContentType));
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version11));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("# TYPE bgp_updates_total counter\nbgp_updates_total{peer=\"192.0.2.1\"} 7\n"));
        Assert.That(fixture.Server.BoundEndPoint, Is.TypeOf<IPEndPoint>().With.Property(nameof(IPEndPoint.Port)).Not.Zero);
    }

    [Test]
    public async Task Head_metrics_returns_the_headers_and_no_body()
    {
        await using var fixture = await Fixture.StartAsync();
        fixture.Meter.CreateGauge<int>("g").Record(1);
        using var response = await fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(PrometheusContentType));
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(fixture.Exporter.Collect().Length));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task The_root_points_to_metrics_and_other_paths_are_not_found()
    {
        await using var fixture = await Fixture.StartAsync();
        using var root = await fixture.Client.GetAsync("/");
        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await root.Content.ReadAsStringAsync(), Does.Contain("/metrics"));
        foreach (var path in new[] { "/metric", "/metrics/x", "/favicon.ico" })
        {
            using var response = await fixture.Client.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }
    }

    [Test]
    public async Task Other_methods_are_405_with_an_allow_header()
    {
        await using var fixture = await Fixture.StartAsync();
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Options })
        {
            using var request = new HttpRequestMessage(method, "/metrics") { Content = method == HttpMethod.Post ? new StringContent("x") : null };
            using var response = await fixture.Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed), method.Method);
            Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }), method.Method);
        }
    }

    [Test]
    public async Task The_before_collect_hook_is_awaited_before_the_collection()
    {
        var snapshot = 0;
        var calls = 0;
        await using var fixture = await Fixture.StartAsync(async ct =>
        {
            await Task.Delay(50, ct);   // the refresh takes a while: a collection that did not wait sees 0
            Interlocked.Increment(ref calls);
            Volatile.Write(ref snapshot, 42);
        });
        fixture.Meter.CreateObservableGauge("bgp.peers.established", () => Volatile.Read(ref snapshot));
        var body = await fixture.Client.GetStringAsync("/metrics");
        Assert.That(Samples(body), Is.EqualTo(new[] { "bgp_peers_established 42" }));
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_hook_gives_503_and_a_warning_and_the_server_keeps_serving()
    {
        var fail = true;
        await using var fixture = await Fixture.StartAsync(_ => fail ? throw new InvalidOperationException("snapshot refresh failed") : Task.CompletedTask);
        fixture.Meter.CreateGauge<int>("g").Record(1);

        using (var failed = await fixture.Client.GetAsync("/metrics"))
        {
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            var body = await failed.Content.ReadAsStringAsync();
            Assert.That(body.TrimEnd('\n'), Does.Not.Contain('\n').And.Not.Empty);
            Assert.That(failed.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        }
        Assert.That(fixture.Logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message + e.Exception),
            Has.Some.Contains("snapshot refresh failed"));

        fail = false;
        using var ok = await fixture.Client.GetAsync("/metrics");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Samples(await ok.Content.ReadAsStringAsync()), Is.EqualTo(new[] { "g 1" }));
    }

    [Test]
    public async Task A_non_loopback_address_logs_a_warning_and_loopback_does_not()
    {
        await using (var loopback = await Fixture.StartAsync())
            Assert.That(loopback.Logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);

        await using var any = await Fixture.StartAsync(address: IPAddress.Any);
        Assert.That(any.Logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.Some.Contains("non-loopback"));
    }

    [Test]
    public async Task After_stop_the_port_is_closed()
    {
        var fixture = await Fixture.StartAsync();
        var endPoint = (IPEndPoint)fixture.Server.BoundEndPoint!;
        await fixture.DisposeAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(endPoint));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public async Task A_port_in_use_is_an_io_exception_and_the_server_can_still_be_disposed()
    {
        await using var fixture = await Fixture.StartAsync();
        using var loggerFactory = LoggerFactory.Create(_ => { });
        using var exporter = new PrometheusExporter(fixture.Meter.Name);
        var second = new MetricsHttpServer(loggerFactory, exporter);
        Assert.ThrowsAsync<IOException>(() => second.StartAsync((IPEndPoint)fixture.Server.BoundEndPoint!));
        Assert.That(second.BoundEndPoint, Is.Null);
        await second.DisposeAsync();
        using var response = await fixture.Client.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the first server still serves");
    }

    /// <summary>A meter, an exporter over it and a started server, with an HttpClient pointed at it.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly ILoggerFactory _loggerFactory;

        private Fixture(Meter meter, PrometheusExporter exporter, MetricsHttpServer server, LogCollector logs, ILoggerFactory loggerFactory)
        {
            Meter = meter;
            Exporter = exporter;
            Server = server;
            Logs = logs;
            _loggerFactory = loggerFactory;
            var port = ((IPEndPoint)server.BoundEndPoint!).Port;
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        }

        public Meter Meter { get; }

        public PrometheusExporter Exporter { get; }

        public MetricsHttpServer Server { get; }

        public LogCollector Logs { get; }

        public HttpClient Client { get; }

        public static async Task<Fixture> StartAsync(Func<CancellationToken, Task>? beforeCollect = null, IPAddress? address = null)
        {
            var logs = new LogCollector();
            var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            var meter = NewMeter();
            var exporter = new PrometheusExporter(meter.Name);
            var server = new MetricsHttpServer(loggerFactory, exporter, beforeCollect);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await server.StartAsync(new IPEndPoint(address ?? IPAddress.Loopback, 0), cts.Token);
            return new Fixture(meter, exporter, server, logs, loggerFactory);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Server.StopAsync(cts.Token);
            await Server.DisposeAsync();
            Exporter.Dispose();
            Meter.Dispose();
            _loggerFactory.Dispose();
        }
    }
}
