namespace Bgp.Api.Metrics;

/// <summary>How the measurements of one series combine.</summary>
internal enum Aggregation
{
    /// <summary>Synchronous counters and up-down counters: every Add is summed.</summary>
    Sum,

    /// <summary>Gauges, and every observable instrument (which reports its cumulative value itself).</summary>
    LastValue,

    /// <summary>Bucket counts and a sum.</summary>
    Histogram,
}

/// <summary>
/// One series (an instrument and a tag set). Records are lock-free: any number of threads may
/// record at once. An instrument records either longs (integral T) or doubles, never both, so each
/// series uses one of its two fields.
/// </summary>
internal abstract class Series(string labels, long order)
{
    /// <summary>The rendered label set, <c>a="x",b="y"</c> without braces.</summary>
    public string Labels { get; } = labels;

    /// <summary>Creation order within the instrument: among last values that render alike, the newest series wins.</summary>
    public long Order { get; } = order;

    public abstract void Record(long value);

    public abstract void Record(double value);

    public abstract SeriesValue Read();

    public static Series Create(Aggregation aggregation, string labels, long order, double[] bounds) => aggregation switch
    {
        Aggregation.Sum => new SumSeries(labels, order),
        Aggregation.LastValue => new LastValueSeries(labels, order),
        Aggregation.Histogram => new HistogramSeries(labels, order, bounds),
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, null),
    };

    /// <summary>Combines two series that render with the same labels (tags that differ only in spelling or type).</summary>
    public static SeriesValue Merge(Aggregation aggregation, SeriesValue a, SeriesValue b) => aggregation switch
    {
        Aggregation.Sum => new SeriesValue(Math.Max(a.Order, b.Order), a.Long + b.Long, a.Double + b.Double),
        Aggregation.LastValue => a.Order >= b.Order ? a : b,
        Aggregation.Histogram => new SeriesValue(Math.Max(a.Order, b.Order), 0, a.Double + b.Double,
            [.. a.Buckets!.Zip(b.Buckets!, (x, y) => x + y)]),
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, null),
    };

    protected static void AddDouble(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + value, current);
            // Compare bits: NaN != NaN would spin forever once the sum is NaN.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current)) return;
            current = seen;
        }
    }

    private sealed class SumSeries(string labels, long order) : Series(labels, order)
    {
        private long _long;
        private double _double;

        public override void Record(long value) => Interlocked.Add(ref _long, value);

        public override void Record(double value) => AddDouble(ref _double, value);

        public override SeriesValue Read() => new(Order, Interlocked.Read(ref _long), Volatile.Read(ref _double));
    }

    private sealed class LastValueSeries(string labels, long order) : Series(labels, order)
    {
        private long _long;
        private double _double;

        public override void Record(long value) => Interlocked.Exchange(ref _long, value);

        public override void Record(double value) => Volatile.Write(ref _double, value);

        public override SeriesValue Read() => new(Order, Interlocked.Read(ref _long), Volatile.Read(ref _double));
    }

    /// <summary>
    /// Per-bucket counts (not cumulative; the last is the +Inf overflow) and the sum. The count is
    /// not kept separately: it is the sum of the buckets, so <c>_count</c> always equals the
    /// <c>+Inf</c> bucket even while other threads record.
    /// </summary>
    private sealed class HistogramSeries(string labels, long order, double[] bounds) : Series(labels, order)
    {
        private readonly long[] _buckets = new long[bounds.Length + 1];
        private double _sum;

        public override void Record(long value) => Record((double)value);

        public override void Record(double value)
        {
            Interlocked.Increment(ref _buckets[BucketOf(value)]);
            AddDouble(ref _sum, value);
        }

        public override SeriesValue Read()
        {
            var buckets = new long[_buckets.Length];
            for (var i = 0; i < buckets.Length; i++) buckets[i] = Interlocked.Read(ref _buckets[i]);
            return new SeriesValue(Order, 0, Volatile.Read(ref _sum), buckets);
        }

        /// <summary>The first bucket whose upper bound is at least the value (<c>le</c> is inclusive); NaN overflows.</summary>
        private int BucketOf(double value)
        {
            if (double.IsNaN(value)) return bounds.Length;
            var index = Array.BinarySearch(bounds, value);
            return index >= 0 ? index : ~index;
        }
    }
}

/// <summary>What a series held when it was read; for histograms <see cref="Double"/> is the sum.</summary>
internal readonly record struct SeriesValue(long Order, long Long, double Double, long[]? Buckets = null);
