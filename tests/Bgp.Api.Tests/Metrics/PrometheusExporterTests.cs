using System.Diagnostics.Metrics;
using Bgp.Api.Metrics;

namespace Bgp.Api.Tests.Metrics;

/// <summary>Each instrument kind through the exporter, compared with the exact text it must render.</summary>
public sealed class PrometheusExporterTests
{
    internal static Meter NewMeter() => new("test.metrics." + Guid.NewGuid().ToString("N")[..8]);

    [Test]
    public void Counter_sums_the_adds_of_each_tag_set_and_its_name_ends_in_total()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var counter = meter.CreateCounter<long>("bgp.updates.received", "{update}", "UPDATE messages received");
        counter.Add(2, new KeyValuePair<string, object?>("peer", "192.0.2.1"));
        counter.Add(3, new KeyValuePair<string, object?>("peer", "192.0.2.1"));
        counter.Add(7, new KeyValuePair<string, object?>("peer", "192.0.2.2"));
        Assert.That(exporter.Collect(), Is.EqualTo("""
            # HELP bgp_updates_received_total UPDATE messages received
            # TYPE bgp_updates_received_total counter
            bgp_updates_received_total{peer="192.0.2.1"} 5
            bgp_updates_received_total{peer="192.0.2.2"} 7

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void UpDownCounter_is_a_gauge_that_sums_and_gets_no_total()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var sessions = meter.CreateUpDownCounter<int>("bgp.sessions.established");
        sessions.Add(1);
        sessions.Add(1);
        sessions.Add(-1);
        Assert.That(exporter.Collect(), Is.EqualTo("""
            # HELP bgp_sessions_established bgp.sessions.established
            # TYPE bgp_sessions_established gauge
            bgp_sessions_established 1

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Gauge_keeps_the_last_value_recorded()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var gauge = meter.CreateGauge<double>("rib.load", "1", "RIB load");
        gauge.Record(0.75);
        gauge.Record(0.5);
        Assert.That(exporter.Collect(), Is.EqualTo("""
            # HELP rib_load_ratio RIB load
            # TYPE rib_load_ratio gauge
            rib_load_ratio 0.5

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Observable_counter_reports_the_cumulative_value_it_observes_and_the_last_observation_wins()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        long sent = 10;
        meter.CreateObservableCounter("bgp.messages.sent", () => new[]
        {
            new Measurement<long>(1, new KeyValuePair<string, object?>("peer", "a")),
            new Measurement<long>(sent, new KeyValuePair<string, object?>("peer", "a")),
        });
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "bgp_messages_sent_total{peer=\"a\"} 10" }));
        sent = 25;
        // Not added to the previous value: the callback reports the total itself.
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "bgp_messages_sent_total{peer=\"a\"} 25" }));
    }

    [Test]
    public void Observable_up_down_counter_and_observable_gauge_are_gauges()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        meter.CreateObservableUpDownCounter("rib.prefixes", () => 42L);
        meter.CreateObservableGauge("session.uptime", () => 1.5, "s");
        Assert.That(exporter.Collect(), Is.EqualTo("""
            # HELP rib_prefixes rib.prefixes
            # TYPE rib_prefixes gauge
            rib_prefixes 42
            # HELP session_uptime_seconds session.uptime
            # TYPE session_uptime_seconds gauge
            session_uptime_seconds 1.5

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void An_observable_series_not_reported_in_a_collection_disappears()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var peers = new List<string> { "192.0.2.1", "192.0.2.2" };
        meter.CreateObservableGauge("bgp.peer.state", () => peers.Select(p => new Measurement<int>(6, new KeyValuePair<string, object?>("peer", p))));
        Assert.That(Samples(exporter.Collect()), Has.Length.EqualTo(2));

        peers.Remove("192.0.2.1");   // the peer is deleted
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "bgp_peer_state{peer=\"192.0.2.2\"} 6" }));

        peers.Clear();
        Assert.That(exporter.Collect(), Is.Empty, "a family without series is left out");
    }

    [Test]
    public void Synchronous_series_persist_across_collections()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var counter = meter.CreateCounter<int>("resets");
        counter.Add(1, new KeyValuePair<string, object?>("peer", "a"));
        exporter.Collect();
        counter.Add(1, new KeyValuePair<string, object?>("peer", "b"));
        exporter.Collect();
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "resets_total{peer=\"a\"} 1", "resets_total{peer=\"b\"} 1" }));
    }

    [Test]
    public void Histogram_buckets_are_cumulative_over_the_default_bounds_and_the_inf_bucket_equals_the_count()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var histogram = meter.CreateHistogram<double>("rib.update.duration", "s", "Time to apply an UPDATE");
        double[] values = [0.001, 0.005, 0.02, 0.3, 0.3, 7, 30];
        foreach (var value in values) histogram.Record(value, new KeyValuePair<string, object?>("afi", "ipv4"));
        var sum = PrometheusNames.FormatDouble(values.Aggregate(0.0, (a, b) => a + b));
        Assert.That(exporter.Collect(), Is.EqualTo($$"""
            # HELP rib_update_duration_seconds Time to apply an UPDATE
            # TYPE rib_update_duration_seconds histogram
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.005"} 2
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.01"} 2
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.025"} 3
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.05"} 3
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.1"} 3
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.25"} 3
            rib_update_duration_seconds_bucket{afi="ipv4",le="0.5"} 5
            rib_update_duration_seconds_bucket{afi="ipv4",le="1"} 5
            rib_update_duration_seconds_bucket{afi="ipv4",le="2.5"} 5
            rib_update_duration_seconds_bucket{afi="ipv4",le="5"} 5
            rib_update_duration_seconds_bucket{afi="ipv4",le="10"} 6
            rib_update_duration_seconds_bucket{afi="ipv4",le="+Inf"} 7
            rib_update_duration_seconds_sum{afi="ipv4"} {{sum}}
            rib_update_duration_seconds_count{afi="ipv4"} 7

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Histogram_uses_the_instruments_advised_bucket_boundaries()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var histogram = meter.CreateHistogram("update.size", "By", null, null, new InstrumentAdvice<int> { HistogramBucketBoundaries = [19, 512, 4096] });
        foreach (var size in new[] { 19, 23, 4096, 65535 }) histogram.Record(size);
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[]
        {
            "update_size_bytes_bucket{le=\"19\"} 1",     // le is inclusive
            "update_size_bytes_bucket{le=\"512\"} 2",
            "update_size_bytes_bucket{le=\"4096\"} 3",
            "update_size_bytes_bucket{le=\"+Inf\"} 4",
            "update_size_bytes_sum 69673",
            "update_size_bytes_count 4",
        }));
    }

    [Test]
    public void Tags_become_labels_sorted_by_name_whatever_order_they_are_given_in()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var counter = meter.CreateCounter<long>("prefixes");
        counter.Add(1, new("peer", "a"), new("afi.safi", "ipv4-unicast"));
        counter.Add(1, new("afi.safi", "ipv4-unicast"), new("peer", "a"));
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "prefixes_total{afi_safi=\"ipv4-unicast\",peer=\"a\"} 2" }));
    }

    [Test]
    public void Label_values_and_help_are_escaped()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        meter.CreateGauge<int>("descr", null, "a \\ \"quoted\"\nhelp").Record(1, new KeyValuePair<string, object?>("description", "to \"ISP\\1\"\nline 2"));
        Assert.That(exporter.Collect(), Is.EqualTo("""
            # HELP descr a \\ "quoted"\nhelp
            # TYPE descr gauge
            descr{description="to \"ISP\\1\"\nline 2"} 1

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Tags_that_render_alike_are_one_series()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var counter = meter.CreateCounter<int>("mixed");
        counter.Add(1, new KeyValuePair<string, object?>("afi", 1));
        counter.Add(2, new KeyValuePair<string, object?>("afi", "1"));
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "mixed_total{afi=\"1\"} 3" }));
    }

    [Test]
    public void Special_double_values_are_spelled_as_prometheus_wants()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        var gauge = meter.CreateGauge<double>("special");
        gauge.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("v", "a"));
        gauge.Record(double.NegativeInfinity, new KeyValuePair<string, object?>("v", "b"));
        gauge.Record(double.NaN, new KeyValuePair<string, object?>("v", "c"));
        gauge.Record(1e-7, new KeyValuePair<string, object?>("v", "d"));
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[]
        {
            "special{v=\"a\"} +Inf", "special{v=\"b\"} -Inf", "special{v=\"c\"} NaN", "special{v=\"d\"} 1E-07",
        }));
    }

    [TestCase(typeof(byte), "5")]
    [TestCase(typeof(short), "5")]
    [TestCase(typeof(int), "5")]
    [TestCase(typeof(long), "5")]
    [TestCase(typeof(float), "5.5")]
    [TestCase(typeof(double), "5.5")]
    [TestCase(typeof(decimal), "5.5")]
    public void Every_measurement_type_is_exported_integers_as_integers(Type type, string expected)
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter(meter.Name);
        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Byte: meter.CreateCounter<byte>("n").Add(5); break;
            case TypeCode.Int16: meter.CreateCounter<short>("n").Add(5); break;
            case TypeCode.Int32: meter.CreateCounter<int>("n").Add(5); break;
            case TypeCode.Int64: meter.CreateCounter<long>("n").Add(5); break;
            case TypeCode.Single: meter.CreateCounter<float>("n").Add(5.5f); break;
            case TypeCode.Double: meter.CreateCounter<double>("n").Add(5.5); break;
            case TypeCode.Decimal: meter.CreateCounter<decimal>("n").Add(5.5m); break;
            default: Assert.Fail($"no case for {type}"); break;
        }
        Assert.That(Samples(exporter.Collect()), Is.EqualTo(new[] { "n_total " + expected }));
    }

    /// <summary>The non-comment lines of an exposition.</summary>
    internal static string[] Samples(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))];
}
