namespace Bgp.Actors.Config.Toml;

/// <summary>
/// <c>1979-05-27T07:32:00.999-07:00</c>. Kept as the clock reading plus the offset rather than a
/// <see cref="DateTimeOffset"/>, which cannot hold the edges TOML allows (0001-01-01T00:00:00+01:00).
/// </summary>
public sealed class TomlOffsetDateTime(DateOnly date, TimeOnly time, TimeSpan offset, int fractionDigits = 0, bool zulu = false)
    : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.OffsetDateTime;

    public DateOnly Date { get; } = date;

    public TimeOnly Time { get; } = time;

    public TimeSpan Offset { get; } = offset;

    /// <summary>How many fractional-second digits the source had (0 when none).</summary>
    public int FractionDigits { get; } = fractionDigits;

    /// <summary>Written as <c>Z</c> rather than <c>+00:00</c>.</summary>
    public bool IsZulu { get; } = zulu;

    /// <summary>The instant, or false at the edges of the calendar where .NET cannot represent it.</summary>
    public bool TryGetDateTimeOffset(out DateTimeOffset value)
    {
        var clock = Date.ToDateTime(Time);
        var utcTicks = clock.Ticks - Offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            value = default;
            return false;
        }
        value = new DateTimeOffset(clock, Offset);
        return true;
    }

    public string Format() =>
        $"{TomlTimeText.Format(Date)}T{TomlTimeText.Format(Time, FractionDigits)}{TomlTimeText.FormatOffset(Offset, IsZulu)}";

    public override bool Equals(object? obj) =>
        obj is TomlOffsetDateTime other && other.Date == Date && other.Time == Time && other.Offset == Offset;

    public override int GetHashCode() => HashCode.Combine(Date, Time, Offset);
}

/// <summary><c>1979-05-27T07:32:00</c>: a clock reading with no offset.</summary>
public sealed class TomlLocalDateTime(DateOnly date, TimeOnly time, int fractionDigits = 0) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.LocalDateTime;

    public DateOnly Date { get; } = date;

    public TimeOnly Time { get; } = time;

    public int FractionDigits { get; } = fractionDigits;

    public DateTime ToDateTime() => Date.ToDateTime(Time, DateTimeKind.Unspecified);

    public string Format() => $"{TomlTimeText.Format(Date)}T{TomlTimeText.Format(Time, FractionDigits)}";

    public override bool Equals(object? obj) => obj is TomlLocalDateTime other && other.Date == Date && other.Time == Time;

    public override int GetHashCode() => HashCode.Combine(Date, Time);
}

/// <summary><c>1979-05-27</c>.</summary>
public sealed class TomlLocalDate(DateOnly date) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.LocalDate;

    public DateOnly Date { get; } = date;

    public string Format() => TomlTimeText.Format(Date);

    public override bool Equals(object? obj) => obj is TomlLocalDate other && other.Date == Date;

    public override int GetHashCode() => Date.GetHashCode();
}

/// <summary><c>07:32:00.999999</c>.</summary>
public sealed class TomlLocalTime(TimeOnly time, int fractionDigits = 0) : TomlValue
{
    public override TomlValueKind Kind => TomlValueKind.LocalTime;

    public TimeOnly Time { get; } = time;

    public int FractionDigits { get; } = fractionDigits;

    public string Format() => TomlTimeText.Format(Time, FractionDigits);

    public override bool Equals(object? obj) => obj is TomlLocalTime other && other.Time == Time;

    public override int GetHashCode() => Time.GetHashCode();
}
