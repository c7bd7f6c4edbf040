using System.Globalization;

namespace Bgp.Api.Grpc;

/// <summary>
/// The <c>grpc-timeout</c> header (PROTOCOL-HTTP2.md):
/// <code>
/// Timeout      = TimeoutValue TimeoutUnit
/// TimeoutValue = 1*8DIGIT
/// TimeoutUnit  = "H" / "M" / "S" / "m" / "u" / "n"   ; hours ... nanoseconds
/// </code>
/// </summary>
public static class GrpcTimeout
{
    private const int MaxDigits = 8;
    private const long MaxValue = 99_999_999;

    /// <summary>Longest timeout we arm a timer for (CancellationTokenSource's limit, ~49 days); longer means none.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public static bool TryParse(string? text, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2 || text.Length > MaxDigits + 1) return false;
        var digits = text.AsSpan(0, text.Length - 1);
        foreach (var c in digits)
            if (c is < '0' or > '9') return false;
        var value = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        double ticks = text[^1] switch
        {
            'H' => value * (double)TimeSpan.TicksPerHour,
            'M' => value * (double)TimeSpan.TicksPerMinute,
            'S' => value * (double)TimeSpan.TicksPerSecond,
            'm' => value * (double)TimeSpan.TicksPerMillisecond,
            'u' => value * (double)TimeSpan.TicksPerMicrosecond,
            'n' => Math.Ceiling(value / 100.0),             // a tick is 100 ns
            _ => -1,
        };
        if (ticks < 0) return false;
        timeout = ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>The finest unit that fits in eight digits, rounded up so a deadline is never shortened.</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) return "1n";
        var ticks = timeout.Ticks;
        if (ticks <= MaxValue / 100) return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        ReadOnlySpan<(long TicksPerUnit, char Unit)> units =
        [
            (TimeSpan.TicksPerMicrosecond, 'u'), (TimeSpan.TicksPerMillisecond, 'm'), (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'), (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (perUnit, unit) in units)
        {
            var value = ticks / perUnit + (ticks % perUnit == 0 ? 0 : 1);
            if (value <= MaxValue) return value.ToString(CultureInfo.InvariantCulture) + unit;
        }
        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
