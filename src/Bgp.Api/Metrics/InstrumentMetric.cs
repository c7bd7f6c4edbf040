using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Bgp.Api.Metrics;

/// <summary>The Prometheus metric types this exporter writes.</summary>
internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>
/// One instrument as one Prometheus metric family: its name and type, and its series by tag set.
/// Synchronous instruments record from any thread; observable instruments record only while the
/// exporter collects (the callbacks run on the collecting thread), after <see cref="BeginObservation"/>
/// dropped the series of the previous collection.
/// </summary>
internal sealed class InstrumentMetric
{
    /// <summary>The Prometheus client libraries' default buckets.</summary>
    public static readonly double[] DefaultBounds = [.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10];

    // One row per supported instrument kind: the family type, how measurements combine.
    private static readonly Dictionary<Type, (PrometheusType Type, Aggregation Aggregation)> Kinds = new()
    {
        [typeof(Counter<>)] = (PrometheusType.Counter, Aggregation.Sum),
        [typeof(UpDownCounter<>)] = (PrometheusType.Gauge, Aggregation.Sum),
        [typeof(ObservableCounter<>)] = (PrometheusType.Counter, Aggregation.LastValue),
        [typeof(ObservableUpDownCounter<>)] = (PrometheusType.Gauge, Aggregation.LastValue),
        [typeof(ObservableGauge<>)] = (PrometheusType.Gauge, Aggregation.LastValue),
        [typeof(Gauge<>)] = (PrometheusType.Gauge, Aggregation.LastValue),
        [typeof(Histogram<>)] = (PrometheusType.Histogram, Aggregation.Histogram),
    };

    // The measurement types: integral ones are recorded and printed as long, the others as double.
    private static readonly Dictionary<Type, bool> Integral = new()
    {
        [typeof(byte)] = true,
        [typeof(short)] = true,
        [typeof(int)] = true,
        [typeof(long)] = true,
        [typeof(float)] = false,
        [typeof(double)] = false,
        [typeof(decimal)] = false,
    };

    private readonly ConcurrentDictionary<TagSet, Series> _series = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Aggregation _aggregation;
    private readonly bool _integral;
    private readonly double[] _bounds;
    private long _created;

    private InstrumentMetric(Instrument instrument, PrometheusType type, Aggregation aggregation, bool integral)
    {
        Instrument = instrument;
        Type = type;
        _aggregation = aggregation;
        _integral = integral;
        _bounds = type == PrometheusType.Histogram ? Bounds(instrument) : [];
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        Name = PrometheusNames.MetricName(instrument.Name, instrument.Unit, type == PrometheusType.Counter);
        Help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
    }

    public Instrument Instrument { get; }

    public PrometheusType Type { get; }

    /// <summary>The family name.</summary>
    public string Name { get; }

    public string Help { get; }

    /// <summary>Every name this family's samples use; two families must not share one.</summary>
    public IEnumerable<string> SampleNames => Type == PrometheusType.Histogram
        ? [Name, Name + "_bucket", Name + "_sum", Name + "_count"]
        : [Name];

    /// <summary>The metric for an instrument, or null when its kind or measurement type is not supported.</summary>
    public static InstrumentMetric? TryCreate(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType) return null;
        if (!Kinds.TryGetValue(type.GetGenericTypeDefinition(), out var kind)) return null;
        if (!Integral.TryGetValue(type.GetGenericArguments()[0], out var integral)) return null;
        return new InstrumentMetric(instrument, kind.Type, kind.Aggregation, integral);
    }

    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Find(tags).Record(value);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Find(tags).Record(value);

    /// <summary>
    /// Observable instruments only: forgets the series of the previous collection, so a series
    /// the callback no longer reports (a deleted peer) disappears.
    /// </summary>
    public void BeginObservation()
    {
        if (Instrument.IsObservable) _series.Clear();
    }

    /// <summary>Appends HELP, TYPE and the samples, series sorted by label string; nothing when there is no series.</summary>
    public void WriteTo(StringBuilder text)
    {
        var merged = new SortedDictionary<string, SeriesValue>(StringComparer.Ordinal);
        foreach (var series in _series.Values)
        {
            var value = series.Read();
            merged[series.Labels] = merged.TryGetValue(series.Labels, out var prior) ? Series.Merge(_aggregation, prior, value) : value;
        }
        if (merged.Count == 0) return;

        text.Append("# HELP ").Append(Name).Append(' ');
        PrometheusNames.AppendEscapedHelp(text, Help);
        text.Append("\n# TYPE ").Append(Name).Append(' ').Append(Type switch
        {
            PrometheusType.Counter => "counter",
            PrometheusType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');

        foreach (var (labels, value) in merged)
        {
            if (Type == PrometheusType.Histogram) WriteHistogram(text, labels, value);
            else WriteSample(text, Name, labels, null, _integral ? PrometheusNames.FormatLong(value.Long) : PrometheusNames.FormatDouble(value.Double));
        }
    }

    private void WriteHistogram(StringBuilder text, string labels, SeriesValue value)
    {
        var buckets = value.Buckets!;
        var bucketName = Name + "_bucket";
        long cumulative = 0;
        for (var i = 0; i < _bounds.Length; i++)
        {
            cumulative += buckets[i];
            WriteSample(text, bucketName, labels, PrometheusNames.FormatDouble(_bounds[i]), PrometheusNames.FormatLong(cumulative));
        }
        cumulative += buckets[^1];
        WriteSample(text, bucketName, labels, "+Inf", PrometheusNames.FormatLong(cumulative));
        WriteSample(text, Name + "_sum", labels, null, PrometheusNames.FormatDouble(value.Double));
        WriteSample(text, Name + "_count", labels, null, PrometheusNames.FormatLong(cumulative));
    }

    /// <summary><c>name{labels,le="bound"} value</c>; no braces when there is no label.</summary>
    private static void WriteSample(StringBuilder text, string name, string labels, string? le, string value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null) text.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
            text.Append('}');
        }
        text.Append(' ').Append(value).Append('\n');
    }

    private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_lookup.TryGetValue(tags, out var series)) return series;
        var created = Series.Create(_aggregation, PrometheusNames.FormatLabels(tags), Interlocked.Increment(ref _created), _bounds);
        while (true)
        {
            if (_lookup.TryAdd(tags, created)) return created;
            if (_lookup.TryGetValue(tags, out series)) return series;  // another thread added it first
        }
    }

    /// <summary>The instrument's advised bucket boundaries (finite, ascending, distinct), or the defaults.</summary>
    private static double[] Bounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<byte> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<short> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<float> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<double> i => i.Advice?.HistogramBucketBoundaries,
            Instrument<decimal> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        return advised is null ? DefaultBounds : [.. advised.Where(double.IsFinite).Distinct().Order()];
    }
}
