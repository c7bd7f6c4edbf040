using System.Globalization;
using System.Text;

namespace Bgp.Api.Metrics;

/// <summary>
/// Names, label sets and numbers as the Prometheus text exposition format 0.0.4 spells them.
/// The mapping rules are listed on <see cref="PrometheusExporter"/>.
/// </summary>
internal static class PrometheusNames
{
    // Labels the histogram and summary types reserve; promtool rejects them on other types too.
    private static readonly string[] ReservedLabels = ["le", "quantile"];

    /// <summary>The family name of an instrument: sanitized, unit suffix, <c>_total</c> for counters.</summary>
    public static string MetricName(string instrumentName, string? unit, bool counter)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        // A counter named "x_total" with unit "s" becomes x_seconds_total, not x_total_seconds_total.
        if (counter && name.EndsWith("_total", StringComparison.Ordinal) && name.Length > "_total".Length)
            name = name[..^"_total".Length];
        if (UnitSuffix(unit) is { } suffix && !name.EndsWith(suffix, StringComparison.Ordinal))
            name += suffix;
        return counter ? name + "_total" : name;
    }

    /// <summary>
    /// The suffix for the UCUM units that have a Prometheus spelling; annotations in braces
    /// (<c>{message}</c>) and other units add nothing.
    /// </summary>
    public static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "_seconds",
        "ms" => "_milliseconds",
        "By" => "_bytes",
        "1" => "_ratio",
        _ => null,
    };

    /// <summary>A label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, and not one of the names histograms and summaries reserve.</summary>
    public static string LabelName(string tagKey)
    {
        var name = Sanitize(tagKey, allowColon: false);
        return ReservedLabels.Contains(name, StringComparer.Ordinal) ? "exported_" + name : name;
    }

    /// <summary>
    /// Renders tags as <c>a="x",b="y"</c> (no braces): sorted by label name, the first of two tags
    /// that map to the same label name wins.
    /// </summary>
    public static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return "";
        var labels = new (string Name, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++) labels[i] = (LabelName(tags[i].Key), FormatTagValue(tags[i].Value));

        var text = new StringBuilder();
        string? previous = null;
        // OrderBy is stable: among duplicates the tag given first stays first.
        foreach (var (name, value) in labels.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            if (name == previous) continue;
            if (previous is not null) text.Append(',');
            text.Append(name).Append("=\"");
            AppendEscapedLabelValue(text, value);
            text.Append('"');
            previous = name;
        }
        return text.ToString();
    }

    public static string FormatTagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static void AppendEscapedLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append(@"\n"); break;
                default: text.Append(c); break;
            }
        }
    }

    /// <summary>HELP text escapes backslash and line feed (a double quote stays as it is).</summary>
    public static void AppendEscapedHelp(StringBuilder text, string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\n': text.Append(@"\n"); break;
                default: text.Append(c); break;
            }
        }
    }

    /// <summary>Shortest round-trip form, invariant culture; the special values as Prometheus (Go's ParseFloat) spells them.</summary>
    public static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string FormatLong(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Every character outside <c>[a-zA-Z0-9_]</c> (plus <c>:</c> in metric names) becomes <c>_</c>;
    /// a leading digit gets a <c>_</c> in front.
    /// </summary>
    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0) return "_";
        var text = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0])) text.Append('_');
        foreach (var c in name)
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        return text.ToString();
    }
}
