using System.Diagnostics.Metrics;
using Bgp.Api.Metrics;
using Bgp.Api.Tests.Support;
using Bgp.TestKit;
using static Bgp.Api.Tests.Metrics.MetricsHostTests;

namespace Bgp.Api.Tests.Metrics;

/// <summary>The exposition (OpenTelemetry's Prometheus exporter, as MetricsHost serves it) through the Prometheus project's own parser and linter.</summary>
[CancelAfter(60_000)]
public sealed class PromtoolTests
{
    [Test]
    public async Task Promtool_check_metrics_accepts_every_instrument_kind_with_escaped_labels_and_histograms()
    {
        using var meter = NewMeter();
        await using var host = await MetricsHost.StartAsync(null, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, meter.Name, _ => Task.CompletedTask);
        KeyValuePair<string, object?> Peer(string address) => new("peer.address", address);
        var description = new KeyValuePair<string, object?>("description", "to \"ISP\\1\"\nsecond line ✓");

        meter.CreateCounter<long>("bgp.updates.received", "{update}", "UPDATE messages received").Add(12, Peer("192.0.2.1"), description);
        meter.CreateCounter<double>("bgp.bytes.received", "By", "Bytes \\ received\nper peer").Add(4096.5, Peer("2001:db8::1"));
        meter.CreateUpDownCounter<int>("bgp.sessions", null, "Sessions \"up\"").Add(3);
        // OpenTelemetry's exporter passes a tag named "le" through on any instrument and writes no HELP line for an empty
        // description, both of which promtool refuses: the daemon's instruments have neither (its /metrics is checked
        // with promtool in Bgp.Host.Tests).
        meter.CreateGauge<double>("rib.load", "1", "RIB load").Record(double.NaN, new KeyValuePair<string, object?>("table", "loc-rib"));
        meter.CreateObservableCounter("bgp.notifications.sent_total", () => new Measurement<long>(5, Peer("192.0.2.1")), null, "NOTIFICATIONs");
        meter.CreateObservableUpDownCounter("rib.prefixes", () => new[]
        {
            new Measurement<long>(900_000, new("afi", "ipv4"), new("safi", "unicast")),
            new Measurement<long>(200_000, new("afi", "ipv6"), new("safi", "unicast")),
        }, "{prefix}", "Prefixes in the Loc-RIB");
        meter.CreateObservableGauge("session.uptime", () => new Measurement<double>(double.PositiveInfinity, Peer("192.0.2.1")), "s", "Session uptime");
        var latency = meter.CreateHistogram<double>("rib.update.duration", "s", "Time to apply an UPDATE");
        foreach (var value in new[] { 0.0001, 0.003, 0.2, 4, 60 }) latency.Record(value, Peer("192.0.2.1"), description);
        meter.CreateHistogram("update.size", "By", "UPDATE size", null, new InstrumentAdvice<int> { HistogramBucketBoundaries = [19, 4096] }).Record(23);

        var exposition = await host.ScrapeAsync(_ => Task.CompletedTask, CancellationToken.None);
        Assert.That(exposition.Split('\n').Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)), Is.EqualTo(9), exposition);
        var (exitCode, output) = await Promtool.CheckMetricsAsync(exposition);
        Assert.That(exitCode, Is.Zero, $"promtool check metrics:\n{output}\n\nexposition:\n{exposition}");
    }

    // Negative controls: the check above is only worth something if promtool rejects what is wrong.
    [TestCase("# HELP a a\n# TYPE a gauge\n# TYPE a gauge\na 1\n", TestName = "Promtool_rejects_a_second_TYPE_line")]
    [TestCase("# HELP 1a a\n# TYPE 1a gauge\n1a 1\n", TestName = "Promtool_rejects_a_metric_name_starting_with_a_digit")]
    [TestCase("# HELP a a\n# TYPE a gauge\na{peer=\"x\"y\"} 1\n", TestName = "Promtool_rejects_an_unescaped_quote_in_a_label_value")]
    [TestCase("# HELP a a\n# TYPE a gauge\na{le=\"1\"} 1\n", TestName = "Promtool_rejects_an_le_label_outside_a_histogram")]
    public async Task Promtool_rejects_a_broken_exposition(string exposition)
    {
        var (exitCode, output) = await Promtool.CheckMetricsAsync(exposition);
        Assert.That(exitCode, Is.Not.Zero, $"promtool accepted:\n{exposition}\n{output}");
    }
}
