using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Bgp.Api.Metrics;
using Bgp.Api.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Tests.Metrics;

/// <summary>/metrics over HTTP/1.1 on 127.0.0.1 (port 0), and in process for GetMetrics: the OpenTelemetry exporter behind our refresh.</summary>
[CancelAfter(30_000)]
public sealed class MetricsHostTests
{
    private const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    internal static Meter NewMeter() => new("test.metrics." + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The sample lines of an exposition (no comments, no blank lines).</summary>
    internal static string[] Samples(string exposition) =>
        [.. exposition.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [Test]
    public async Task Get_metrics_returns_the_exposition_with_the_prometheus_content_type_and_otel_names()
    {
        await using var fixture = await Fixture.StartAsync();
        fixture.Meter.CreateCounter<int>("bgp.updates", "{update}", "UPDATEs").Add(7, new KeyValuePair<string, object?>("peer", "192.0.2.1"));
        fixture.Meter.CreateObservableGauge("bgp.uptime", () => 12.5, "s", "Uptime");
        using var response = await fixture.Client.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(PrometheusContentType));
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version11));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("# TYPE bgp_updates_total counter\n"));
        Assert.That(Samples(body), Is.EquivalentTo(new[] { "bgp_updates_total{peer=\"192.0.2.1\"} 7", "bgp_uptime_seconds{} 12.5" }),
            "a counter ends in _total, a unit in seconds adds _seconds, an annotation unit ({update}) adds nothing; no scope labels, no target_info");
        Assert.That(fixture.Host.BoundEndPoint, Is.TypeOf<IPEndPoint>().With.Property(nameof(IPEndPoint.Port)).Not.Zero);
    }

    [Test]
    public async Task Head_metrics_returns_the_headers_and_no_body()
    {
        await using var fixture = await Fixture.StartAsync();
        fixture.Meter.CreateGauge<int>("g").Record(1);
        using var response = await fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(PrometheusContentType));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task The_root_points_to_metrics_other_paths_are_not_found_and_other_methods_not_allowed()
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
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/metrics") { Content = method == HttpMethod.Post ? new StringContent("x") : null };
            using var response = await fixture.Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed), method.Method);
            Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }), method.Method);
        }
    }

    [Test]
    public async Task The_refresh_is_awaited_before_each_collection_over_http_and_in_process()
    {
        var snapshot = 0;
        var calls = 0;
        async Task Refresh(CancellationToken ct)
        {
            await Task.Yield();   // the refresh completes later, on another thread: a collection that did not wait sees the old value
            Volatile.Write(ref snapshot, Interlocked.Increment(ref calls) * 10);
        }
        await using var fixture = await Fixture.StartAsync(Refresh);
        fixture.Meter.CreateObservableGauge("bgp.peers.established", () => Volatile.Read(ref snapshot));
        Assert.That(Samples(await fixture.Client.GetStringAsync("/metrics")), Is.EqualTo(new[] { "bgp_peers_established{} 10" }));
        Assert.That(Samples(await fixture.Host.ScrapeAsync(Refresh, CancellationToken.None)), Is.EqualTo(new[] { "bgp_peers_established{} 20" }),
            "GetMetrics' text: refreshed, not cached");
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task A_failing_refresh_gives_503_and_a_warning_and_the_endpoint_keeps_serving()
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
        Assert.That(Samples(await ok.Content.ReadAsStringAsync()), Is.EqualTo(new[] { "g{} 1" }));
    }

    [Test]
    public async Task Without_an_address_nothing_listens_but_the_api_still_gets_the_text()
    {
        using var meter = NewMeter();
        await using var host = await MetricsHost.StartAsync(null, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, meter.Name, _ => Task.CompletedTask);
        meter.CreateGauge<int>("g").Record(3);
        Assert.That(host.BoundEndPoint, Is.Null);
        Assert.That(Samples(await host.ScrapeAsync(_ => Task.CompletedTask, CancellationToken.None)), Is.EqualTo(new[] { "g{} 3" }));
    }

    [Test]
    public async Task After_stop_the_port_is_closed_and_a_port_in_use_is_an_io_exception()
    {
        var fixture = await Fixture.StartAsync();
        var port = ((IPEndPoint)fixture.Host.BoundEndPoint!).Port;
        using (var taken = new TcpListener(IPAddress.Loopback, 0))
        {
            taken.Start();
            using var meter = NewMeter();
            Assert.ThrowsAsync<IOException>(() => MetricsHost.StartAsync((IPEndPoint)taken.LocalEndpoint, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
                meter.Name, _ => Task.CompletedTask));
        }
        await fixture.DisposeAsync();
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.That(() => probe.Connect(new IPEndPoint(IPAddress.Loopback, port)), Throws.InstanceOf<SocketException>());
    }

    internal sealed class Fixture : IAsyncDisposable
    {
        private readonly ILoggerFactory _loggerFactory;

        private Fixture(Meter meter, MetricsHost host, LogCollector logs, ILoggerFactory loggerFactory)
        {
            Meter = meter;
            Host = host;
            Logs = logs;
            _loggerFactory = loggerFactory;
            Client = new HttpClient { BaseAddress = new Uri($"http://{host.BoundEndPoint}"), Timeout = TimeSpan.FromSeconds(10) };
        }

        public Meter Meter { get; }
        public MetricsHost Host { get; }
        public LogCollector Logs { get; }
        public HttpClient Client { get; }

        public static async Task<Fixture> StartAsync(Func<CancellationToken, Task>? refresh = null)
        {
            var logs = new LogCollector();
            var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            var meter = NewMeter();
            var host = await MetricsHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), loggerFactory, meter.Name, refresh ?? (_ => Task.CompletedTask));
            return new Fixture(meter, host, logs, loggerFactory);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Host.DisposeAsync();
            Meter.Dispose();
            _loggerFactory.Dispose();
        }
    }
}
