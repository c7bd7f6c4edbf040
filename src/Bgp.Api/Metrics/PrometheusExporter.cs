using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bgp.Api.Metrics;

/// <summary>
/// Listens to the instruments of the named meters (<see cref="Meter.Name"/> matched exactly,
/// instruments created later included) and renders them in the Prometheus text exposition format
/// 0.0.4.
/// <code>
/// using var exporter = new PrometheusExporter(logger, "BgpActors.Session", "BgpActors.Rib");
/// string text = exporter.Collect();   // runs the observable callbacks, then renders
/// </code>
/// <para>Instruments and aggregation (per instrument and tag set):</para>
/// <list type="bullet">
/// <item><c>Counter&lt;T&gt;</c>: sum of the Adds, TYPE counter. <c>UpDownCounter&lt;T&gt;</c>: sum, TYPE gauge.</item>
/// <item><c>ObservableCounter&lt;T&gt;</c> (counter), <c>ObservableUpDownCounter&lt;T&gt;</c> and
/// <c>ObservableGauge&lt;T&gt;</c> (gauge): the value observed in this collection (the callback reports
/// the cumulative value; the last of two observations with the same tags wins). A series not
/// observed in a collection disappears from the output; synchronous series persist.</item>
/// <item><c>Gauge&lt;T&gt;</c>: the last value recorded, TYPE gauge.</item>
/// <item><c>Histogram&lt;T&gt;</c>: cumulative <c>_bucket</c>s with <c>le</c> bounds from the instrument's
/// <c>Advice.HistogramBucketBoundaries</c>, else the Prometheus client defaults
/// (.005 .01 .025 .05 .1 .25 .5 1 2.5 5 10), then <c>+Inf</c>, <c>_sum</c> and <c>_count</c>.</item>
/// <item>T is byte, short, int or long (printed as integers) or float, double or decimal (printed
/// as doubles, round-trip, <c>+Inf</c>/<c>-Inf</c>/<c>NaN</c>). Other instruments are ignored.</item>
/// </list>
/// <para>Names:</para>
/// <list type="bullet">
/// <item>Family name: the instrument name with every character outside <c>[a-zA-Z0-9_:]</c> replaced
/// by <c>_</c> (and <c>_</c> in front of a leading digit); then the unit suffix <c>s</c> →
/// <c>_seconds</c>, <c>ms</c> → <c>_milliseconds</c>, <c>By</c> → <c>_bytes</c>, <c>1</c> →
/// <c>_ratio</c> unless the name already ends with it (annotations such as <c>{message}</c> and other
/// units add nothing); then, for counters (synchronous and observable, not up-down counters),
/// <c>_total</c> (a name already ending in <c>_total</c> keeps one, after the unit suffix).</item>
/// <item>Label names: the tag key with every character outside <c>[a-zA-Z0-9_]</c> replaced by
/// <c>_</c> (<c>_</c> in front of a leading digit); <c>le</c> and <c>quantile</c>, reserved by
/// histograms and summaries, become <c>exported_le</c> and <c>exported_quantile</c>. When two tags
/// map to the same label name, the first wins. Label values: invariant-culture text with <c>\</c>,
/// <c>"</c> and line feed escaped; tag sets that render alike are one series (sums add, the newest
/// last value wins).</item>
/// <item>HELP: the instrument description, or its name when empty, with <c>\</c> and line feed escaped.</item>
/// <item>Two instruments whose families would share a name (or a histogram's <c>_bucket</c>,
/// <c>_sum</c>, <c>_count</c>), whatever their types: the first published is exported, the later one
/// is ignored with a warning until the first one's meter is disposed.</item>
/// </list>
/// <para>Output is deterministic: families sorted by name, series by label string (ordinal); a
/// family without series is left out. Recording is lock-free and safe from any thread; collections
/// are serialized by a lock.</para>
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private readonly HashSet<string> _meterNames;
    private readonly ILogger _logger;
    private readonly MeterListener _listener = new();
    private readonly Lock _collectGate = new();   // one collection at a time; observable callbacks run under it
    private readonly Lock _registryGate = new();  // the maps below; never held while user code runs
    private readonly Dictionary<Instrument, InstrumentMetric> _metrics = [];
    private readonly Dictionary<string, InstrumentMetric> _claimedNames = new(StringComparer.Ordinal);
    private bool _disposed;

    public PrometheusExporter(params string[] meterNames)
        : this(NullLogger.Instance, meterNames)
    {
    }

    /// <param name="logger">Receives a warning for an ignored instrument and for an observable callback that throws.</param>
    /// <param name="meterNames">The meters to export, matched exactly on <see cref="Meter.Name"/>.</param>
    public PrometheusExporter(ILogger logger, params string[] meterNames)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(meterNames);
        _logger = logger;
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.MeasurementsCompleted = OnMeasurementsCompleted;
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => (state as InstrumentMetric)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => (state as InstrumentMetric)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => (state as InstrumentMetric)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => (state as InstrumentMetric)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => (state as InstrumentMetric)?.Record((double)value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => (state as InstrumentMetric)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => (state as InstrumentMetric)?.Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>The content type of <see cref="Collect"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Runs the observable callbacks and renders every family. Safe from any thread.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public string Collect()
    {
        lock (_collectGate)
        {
            InstrumentMetric[] metrics;
            lock (_registryGate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                metrics = [.. _metrics.Values];
            }

            foreach (var metric in metrics) metric.BeginObservation();
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (Exception e)
            {
                // The listener calls every callback and throws the failures together afterwards:
                // the other instruments are observed; the failing one has no series this time.
                _logger.LogWarning(e, "An observable instrument's callback failed: {Error}", e.Message);
            }

            Array.Sort(metrics, (a, b) => string.CompareOrdinal(a.Name, b.Name));
            var text = new StringBuilder();
            foreach (var metric in metrics) metric.WriteTo(text);
            return text.ToString();
        }
    }

    /// <summary>Writes what <see cref="Collect"/> returns.</summary>
    public void WriteTo(TextWriter writer) => writer.Write(Collect());

    /// <summary>Writes what <see cref="Collect"/> returns as UTF-8 (no byte order mark).</summary>
    public async Task WriteToAsync(Stream stream, CancellationToken ct = default)
    {
        var bytes = Encoding.UTF8.GetBytes(Collect());
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_collectGate)
        {
            lock (_registryGate)
            {
                if (_disposed) return;
                _disposed = true;
            }
        }
        _listener.Dispose();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meterNames.Contains(instrument.Meter.Name)) return;
        if (InstrumentMetric.TryCreate(instrument) is not { } metric)
        {
            _logger.LogDebug("Metrics: instrument {Meter}/{Instrument} ({Type}) is not a kind the Prometheus exporter supports",
                instrument.Meter.Name, instrument.Name, instrument.GetType().Name);
            return;
        }

        InstrumentMetric? holder = null;
        lock (_registryGate)
        {
            // The listener may announce an instrument twice when it is created while Start runs.
            if (_disposed || _metrics.ContainsKey(instrument)) return;
            foreach (var name in metric.SampleNames)
            {
                if (_claimedNames.TryGetValue(name, out holder)) break;
            }
            if (holder is null)
            {
                _metrics.Add(instrument, metric);
                foreach (var name in metric.SampleNames) _claimedNames.Add(name, metric);
                // Inside the lock, so MeasurementsCompleted cannot run before the instrument is registered.
                // The listener calls no callback while holding its own lock, so this cannot deadlock.
                listener.EnableMeasurementEvents(instrument, metric);
                return;
            }
        }
        _logger.LogWarning("Metrics: instrument {Meter}/{Instrument} is not exported: its Prometheus name {Name} ({Type}) is taken by {OtherMeter}/{Other} ({OtherType})",
            instrument.Meter.Name, instrument.Name, metric.Name, metric.Type, holder.Instrument.Meter.Name, holder.Instrument.Name, holder.Type);
    }

    /// <summary>The instrument's meter was disposed (or this listener was): its family goes and its names are free again.</summary>
    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not InstrumentMetric metric) return;
        lock (_registryGate)
        {
            if (!_metrics.Remove(instrument)) return;
            foreach (var name in metric.SampleNames)
            {
                if (_claimedNames.TryGetValue(name, out var holder) && holder == metric) _claimedNames.Remove(name);
            }
        }
    }
}
