using System.Globalization;

namespace Bgp.Actors.Config.Toml;

/// <summary>The TOML 1.0 value kinds; the four date-time kinds stay distinct as the spec has them.</summary>
public enum TomlValueKind
{
    String,
    Integer,
    Float,
    Boolean,
    OffsetDateTime,
    LocalDateTime,
    LocalDate,
    LocalTime,
    Array,
    Table,
}

/// <summary>
/// A TOML value. Parsed values carry the span of their text; values built in code have none and
/// are given text by <see cref="TomlWriter.FormatValue"/> when written. Scalars compare by value
/// (never by span), arrays and tables by reference.
/// </summary>
public abstract class TomlValue
{
    private protected TomlValue() { }

    public abstract TomlValueKind Kind { get; }

    public TomlSpan Span { get; internal set; }

    /// <summary>The value in canonical TOML form (not necessarily as the source wrote it; see <see cref="Span"/> for that).</summary>
    public override string ToString() => TomlWriter.FormatValue(this);
}

public enum TomlStringStyle
{
    Basic,
    Literal,
    MultilineBasic,
    MultilineLiteral,
}

public sealed class TomlString(string value, TomlStringStyle style = TomlStringStyle.Basic) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.String;

    public string Value { get; } = value;

    /// <summary>How it was quoted in the source; the writer always emits a basic string.</summary>
    public TomlStringStyle Style { get; } = style;

    public override bool Equals(object? obj) => obj is TomlString other && other.Value == Value;

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
}

public sealed class TomlInteger(long value, int radix = 10) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.Integer;

    public long Value { get; } = value;

    /// <summary>10, 16, 8 or 2, as written; the writer keeps it for non-negative values.</summary>
    public int Radix { get; } = radix is 2 or 8 or 10 or 16
        ? radix
        : throw new ArgumentOutOfRangeException(nameof(radix), radix, "TOML integers are decimal, hex, octal or binary");

    public override bool Equals(object? obj) => obj is TomlInteger other && other.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();
}

public sealed class TomlFloat(double value) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.Float;

    public double Value { get; } = value;

    public override bool Equals(object? obj) => obj is TomlFloat other && other.Value.Equals(Value);

    public override int GetHashCode() => Value.GetHashCode();
}

public sealed class TomlBoolean(bool value) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.Boolean;

    public bool Value { get; } = value;

    public override bool Equals(object? obj) => obj is TomlBoolean other && other.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();
}

/// <summary>Helpers shared by the date-time kinds: fractional seconds keep the number of digits written.</summary>
internal static class TomlTimeText
{
    /// <summary>.NET keeps 100 ns ticks; finer digits are truncated, as TOML 1.0 asks, but their count is kept.</summary>
    public const int MaxStoredDigits = 7;

    public static string Format(TimeOnly time, int fractionDigits)
    {
        string text = time.ToString("HH':'mm':'ss", CultureInfo.InvariantCulture);
        if (fractionDigits == 0) return text;
        long fraction = time.Ticks % TimeSpan.TicksPerSecond;
        string digits = fraction.ToString("D7", CultureInfo.InvariantCulture);
        return fractionDigits <= MaxStoredDigits
            ? text + "." + digits[..fractionDigits]
            : text + "." + digits + new string('0', fractionDigits - MaxStoredDigits);
    }

    public static string Format(DateOnly date) => date.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);

    public static string FormatOffset(TimeSpan offset, bool zulu)
    {
        if (zulu) return "Z";
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        var magnitude = offset.Duration();
        return $"{sign}{magnitude.Hours:D2}:{magnitude.Minutes:D2}";
    }
}
