namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// One packet record of a capture. <paramref name="Number"/> is 1-based, counting every packet record of the file
/// (Wireshark's <c>frame.number</c>); <paramref name="Data"/> is what was captured, possibly less than
/// <paramref name="OriginalLength"/> when the capture used a snapshot length.
/// </summary>
public readonly record struct CapturedFrame(int Number, DateTimeOffset Time, LinkType LinkType, ReadOnlyMemory<byte> Data, long OriginalLength);

/// <summary>Capture timestamps: seconds and sub-second units since the Unix epoch, clamped to what DateTimeOffset holds.</summary>
internal static class CaptureTime
{
    private static readonly ulong MaxSeconds =
        (ulong)((DateTimeOffset.MaxValue.Ticks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond) - 1;

    /// <summary>A time given as whole <paramref name="units"/> of 1/<paramref name="unitsPerSecond"/> s.</summary>
    public static DateTimeOffset FromUnits(ulong units, ulong unitsPerSecond) =>
        FromSeconds(units / unitsPerSecond, units % unitsPerSecond, unitsPerSecond);

    /// <summary>A time given as seconds plus a fraction; a malformed fraction of a second or more is carried, not rejected.</summary>
    public static DateTimeOffset FromSeconds(ulong seconds, ulong fraction, ulong fractionsPerSecond)
    {
        if (fractionsPerSecond == 0) fractionsPerSecond = 1;
        seconds += fraction / fractionsPerSecond;
        fraction %= fractionsPerSecond;
        if (seconds > MaxSeconds) return DateTimeOffset.MaxValue;
        var ticks = (long)((UInt128)fraction * TimeSpan.TicksPerSecond / fractionsPerSecond);
        return DateTimeOffset.UnixEpoch.AddTicks((long)seconds * TimeSpan.TicksPerSecond + ticks);
    }

    /// <summary>Applies a pcapng <c>if_tsoffset</c> (seconds), saturating at the ends of the range.</summary>
    public static DateTimeOffset Shift(DateTimeOffset time, long seconds)
    {
        if (seconds == 0) return time;
        long max = (DateTimeOffset.MaxValue.Ticks - time.Ticks) / TimeSpan.TicksPerSecond;
        long min = -(time.Ticks - DateTimeOffset.MinValue.Ticks) / TimeSpan.TicksPerSecond;
        return time.AddTicks(Math.Clamp(seconds, min, max) * TimeSpan.TicksPerSecond);
    }
}
