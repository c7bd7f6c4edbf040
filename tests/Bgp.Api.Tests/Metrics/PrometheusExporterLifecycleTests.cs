using System.Diagnostics.Metrics;
using System.Text;
using Bgp.Api.Metrics;
using Bgp.Api.Tests.Support;
using Microsoft.Extensions.Logging;
using static Bgp.Api.Tests.Metrics.PrometheusExporterTests;

namespace Bgp.Api.Tests.Metrics;

/// <summary>Meters and instruments coming and going, threads, conflicts and failures.</summary>
public sealed class PrometheusExporterLifecycleTests
{
    [Test]
    public void Output_is_sorted_by_family_then_label_string_whatever_the_creation_order()
    {
        string Render(bool reversed)
        {
            using var meter = NewMeter();
            using var exporter = new PrometheusExporter(meter.Name);
            var names = reversed ? new[] { "zeta", "beta", "alpha" } : ["alpha", "beta", "zeta"];
            var peers = reversed ? new[] { "c", "b", "a" } : ["a", "b", "c"];
            foreach (var name in names)
            {
                var gauge = meter.CreateGauge<int>(name);
                foreach (var peer in peers) gauge.Record(1, new KeyValuePair<string, object?>("peer", peer));
            }
            return exporter.Collect();
        }

        var forward = Render(reversed: false);
        Assert.That(Render(reversed: true), Is.EqualTo(forward));
        Assert.That(Samples(forward), Is.EqualTo(new[] { "alpha", "beta", "zeta" }.SelectMany(n => new[] { "a", "b", "c" }.Select(p => $"{n}{{peer=\"{p}\"}} 1"))));
    }

    [Test]
    public void Only_the_named_meters_are_exported_and_instruments_created_before_or_after_the_exporter_alike()
    {
        using var bgp = NewMeter();
        using var rib = NewMeter();
        using var other = NewMeter();
        var before = bgp.CreateCounter<int>("before");
        before.Add(100);   // nobody listens yet: lost
        using var exporter = new PrometheusExporter(bgp.Name, rib.Name);
        before.Add(1);
        bgp.CreateCounter<int>("after").Add(2);
        rib.CreateObservableGauge("routes", () => 3);
        other.CreateCounter<int>("not_exported").Add(4);
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "after_total 2", "before_total 1", "routes 3" }));
    }

    [Test]
    public void Meter_names_match_exactly()
    {
        using var meter = new Meter("BgpActors.Test.Exact" + Guid.NewGuid().ToString("N")[..8]);
        using var exporter = new PrometheusExporter(meter.Name[..^1], meter.Name.ToUpperInvariant());
        meter.CreateCounter<int>("x").Add(1);
        Assert.That(exporter.Collect(), Is.Empty);
    }

    [Test]
    public void Concurrent_adds_from_several_threads_sum_exactly()
    {
        const int Threads = 4, Adds = 200_000, Peers = 64;
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var longs = meter.CreateCounter<long>("longs");
        var doubles = meter.CreateCounter<double>("doubles");
        var tagged = meter.CreateCounter<int>("tagged");
        var histogram = meter.CreateHistogram<double>("observations");
        using var start = new Barrier(Threads + 1);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            // One tight loop per instrument: every thread hits the same series at the same time.
            for (var i = 0; i < Adds; i++) longs.Add(1);
            for (var i = 0; i < Adds; i++) doubles.Add(0.5);
            for (var i = 0; i < Adds; i++) histogram.Record(i % 2 == 0 ? 0.25 : 20);   // exact in binary: the sum is exact in any order
            // Series created by one thread while the others add to them.
            for (var i = 0; i < Adds; i++) tagged.Add(1, new KeyValuePair<string, object?>("peer", (i + t) % Peers));
        })).ToList();
        threads.ForEach(t => t.Start());
        start.SignalAndWait();
        while (threads.Any(t => t.IsAlive)) exporter.Collect();   // collections race the adds
        threads.ForEach(t => t.Join());

        var samples = Samples(exporter.Collect());
        Assert.That(samples, Does.Contain($"longs_total {Threads * Adds}"));
        Assert.That(samples, Does.Contain($"doubles_total {Threads * Adds / 2}"));
        Assert.That(samples, Does.Contain($"observations_count {Threads * Adds}"));
        Assert.That(samples, Does.Contain($"observations_bucket{{le=\"0.25\"}} {Threads * Adds / 2}"));
        Assert.That(samples, Does.Contain($"observations_sum {PrometheusNames.FormatDouble(Threads * Adds / 2 * 20.25)}"));
        var perPeer = samples.Where(s => s.StartsWith("tagged_total{", StringComparison.Ordinal)).ToList();
        Assert.That(perPeer, Has.Count.EqualTo(Peers));
        Assert.That(perPeer.Select(s => long.Parse(s[(s.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)),
            Is.All.EqualTo(Threads * Adds / Peers));
    }

    [Test]
    public void A_disposed_meters_families_vanish()
    {
        using var kept = NewMeter();
        var dropped = NewMeter();
        using var exporter = new PrometheusExporter(kept.Name, dropped.Name);
        kept.CreateCounter<int>("kept").Add(1);
        dropped.CreateCounter<int>("dropped").Add(1);
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "dropped_total 1", "kept_total 1" }));
        dropped.Dispose();
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "kept_total 1" }));
    }

    [Test]
    public void Of_two_instruments_with_one_family_name_the_first_is_kept_and_the_other_skipped_with_a_warning()
    {
        using var logs = new Logs();
        using var first = NewMeter();
        var second = NewMeter();
        using var exporter = new PrometheusExporter(logs.Logger, first.Name, second.Name);
        first.CreateGauge<int>("bgp.peers").Record(1);
        second.CreateObservableCounter("bgp_peers", () => 99L, "{peer}");        // bgp_peers_total: no clash
        second.CreateObservableGauge("bgp_peers", () => 2, "{peer}", "clash");   // bgp_peers: skipped
        first.CreateHistogram<double>("lat").Record(1);
        second.CreateGauge<int>("lat_count").Record(5);                          // a sample name of the histogram
        Assert.That(Samples(exporter.Collect()), Is.EqualTo((string[])
        [
            "bgp_peers 1", "bgp_peers_total 99",
            .. InstrumentMetric.DefaultBounds.Select(b => $"lat_bucket{{le=\"{PrometheusNames.FormatDouble(b)}\"}} {(b >= 1 ? 1 : 0)}"),
            "lat_bucket{le=\"+Inf\"} 1", "lat_sum 1", "lat_count 1",
        ]));
        Assert.That(logs.Warnings, Has.Count.EqualTo(2));
        Assert.That(logs.Warnings[0], Does.Contain("bgp_peers").And.Contain(first.Name));

        // The meter holding a name goes away: the name is free for an instrument created afterwards.
        using var third = NewMeter();
        using var exporter2 = new PrometheusExporter(third.Name, second.Name);
        second.Dispose();
        third.CreateGauge<int>("lat_count").Record(6);
        Assert.That(Samples(exporter2.Collect()), Is.EqualTo(new[] { "lat_count 6" }));
    }

    [Test]
    public void A_throwing_observable_callback_costs_only_its_own_series_and_logs_a_warning()
    {
        using var logs = new Logs();
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(logs.Logger, meter.Name);
        meter.CreateObservableGauge<int>("broken", (Func<int>)(() => throw new InvalidOperationException("snapshot gone")));
        meter.CreateObservableGauge("fine", () => 1);
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "fine 1" }));
        Assert.That(logs.Warnings, Has.Some.Contains("snapshot gone"));
    }

    [Test]
    public void Write_methods_give_what_collect_returns_and_collect_after_dispose_throws()
    {
        using var meter = NewMeter();
        var exporter = new PrometheusExporter(meter.Name);
        meter.CreateGauge<int>("g", null, "ü").Record(1, new KeyValuePair<string, object?>("name", "✓"));
        var text = exporter.Collect();
        var writer = new StringWriter();
        exporter.WriteTo(writer);
        Assert.That(writer.ToString(), Is.EqualTo(text));
        using var stream = new MemoryStream();
        exporter.WriteToAsync(stream).GetAwaiter().GetResult();
        Assert.That(stream.ToArray(), Is.EqualTo(new UTF8Encoding(false).GetBytes(text)));

        exporter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => exporter.Collect());
        Assert.DoesNotThrow(exporter.Dispose);
    }

    /// <summary>An ILogger over a <see cref="LogCollector"/>.</summary>
    private sealed class Logs : IDisposable
    {
        private readonly LogCollector _collector = new();
        private readonly ILoggerFactory _factory;

        public Logs()
        {
            _factory = LoggerFactory.Create(b => b.AddProvider(_collector).SetMinimumLevel(LogLevel.Debug));
            Logger = _factory.CreateLogger<PrometheusExporter>();
        }

        public ILogger Logger { get; }

        public List<string> Warnings => [.. _collector.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message + e.Exception)];

        public void Dispose() => _factory.Dispose();
    }
}
