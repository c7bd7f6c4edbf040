using System.Text;
using Bgp.Api.Metrics;

namespace Bgp.Api.Tests.Metrics;

/// <summary>Names, labels and numbers as the text exposition format 0.0.4 spells them.</summary>
public sealed class PrometheusNamesTests
{
    [TestCase("bgp.updates", null, false, "bgp_updates")]
    [TestCase("bgp-peer/state", "", false, "bgp_peer_state")]
    [TestCase("rule:ok", null, false, "rule:ok")]
    [TestCase("9lives", null, false, "_9lives")]
    [TestCase("café", null, false, "caf_")]
    [TestCase("hold.time", "s", false, "hold_time_seconds")]
    [TestCase("hold_time_seconds", "s", false, "hold_time_seconds")]
    [TestCase("rtt", "ms", false, "rtt_milliseconds")]
    [TestCase("rib.memory", "By", false, "rib_memory_bytes")]
    [TestCase("cpu.usage", "1", false, "cpu_usage_ratio")]
    [TestCase("bgp.messages", "{message}", false, "bgp_messages")]
    [TestCase("distance", "m", false, "distance")]
    [TestCase("bgp.updates", null, true, "bgp_updates_total")]
    [TestCase("bgp.updates_total", null, true, "bgp_updates_total")]
    [TestCase("bgp.messages", "{message}", true, "bgp_messages_total")]
    [TestCase("bytes.sent", "By", true, "bytes_sent_bytes_total")]
    [TestCase("busy_total", "s", true, "busy_seconds_total")]
    [TestCase("requests_total", null, false, "requests_total")]
    public void Metric_names_are_sanitized_get_the_unit_suffix_and_counters_get_total(string name, string? unit, bool counter, string expected) =>
        Assert.That(PrometheusNames.MetricName(name, unit, counter), Is.EqualTo(expected));

    [TestCase("peer", "peer")]
    [TestCase("peer.address", "peer_address")]
    [TestCase("a:b", "a_b")]     // colons are allowed in metric names only
    [TestCase("1st", "_1st")]
    [TestCase("le", "exported_le")]
    [TestCase("quantile", "exported_quantile")]
    [TestCase("", "_")]
    public void Label_names_are_sanitized_and_must_not_start_with_a_digit(string key, string expected) =>
        Assert.That(PrometheusNames.LabelName(key), Is.EqualTo(expected));

    [Test]
    public void Label_values_escape_backslash_quote_and_newline_only()
    {
        var text = new StringBuilder();
        PrometheusNames.AppendEscapedLabelValue(text, "a\\b\"c\nd\te ✓");
        Assert.That(text.ToString(), Is.EqualTo("a\\\\b\\\"c\\nd\te ✓"));
    }

    [Test]
    public void Help_escapes_backslash_and_newline_but_not_quotes()
    {
        var text = new StringBuilder();
        PrometheusNames.AppendEscapedHelp(text, "say \"hi\"\\\nbye");
        Assert.That(text.ToString(), Is.EqualTo("say \"hi\"\\\\\\nbye"));
    }

    [TestCase(0.0, "0")]
    [TestCase(1.0, "1")]
    [TestCase(-2.5, "-2.5")]
    [TestCase(0.1, "0.1")]
    [TestCase(1e20, "1E+20")]
    [TestCase(double.PositiveInfinity, "+Inf")]
    [TestCase(double.NegativeInfinity, "-Inf")]
    [TestCase(double.NaN, "NaN")]
    public void Doubles_print_round_trip_in_the_invariant_culture(double value, string expected) =>
        Assert.That(PrometheusNames.FormatDouble(value), Is.EqualTo(expected));

    [Test]
    public void Doubles_print_the_same_under_a_culture_with_a_decimal_comma()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // InvariantGlobalization: no named cultures, so the invariant one gets a decimal comma.
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            System.Globalization.CultureInfo.CurrentCulture = comma;
            Assert.That(PrometheusNames.FormatDouble(0.25), Is.EqualTo("0.25"));
            Assert.That(PrometheusNames.FormatTagValue(1.5m), Is.EqualTo("1.5"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Test]
    public void Labels_are_sorted_by_name_and_the_first_of_two_tags_with_one_label_name_wins()
    {
        KeyValuePair<string, object?>[] tags =
        [
            new("peer.address", "192.0.2.1"),
            new("afi", 1),
            new("peer_address", "ignored"),
            new("up", true),
            new("none", null),
        ];
        Assert.That(PrometheusNames.FormatLabels(tags), Is.EqualTo("afi=\"1\",none=\"\",peer_address=\"192.0.2.1\",up=\"true\""));
    }
}
