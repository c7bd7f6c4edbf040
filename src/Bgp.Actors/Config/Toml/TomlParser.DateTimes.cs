namespace Bgp.Actors.Config.Toml;

/// <summary>
/// TOML 1.0 §Offset Date-Time, §Local Date-Time, §Local Date, §Local Time (RFC 3339 with a space
/// allowed for 'T'). Seconds are required in TOML 1.0.
/// </summary>
internal sealed partial class TomlParser
{
    private TomlValue ParseDateTime(int start, int length)
    {
        int end = start + length;
        int i = start;
        if (_text[start + 2] == ':')
        {
            var (localTime, digits) = ReadTime(ref i, end);
            ExpectDateTimeEnd(i, end);
            return new TomlLocalTime(localTime, digits);
        }

        DateOnly date = ReadDate(ref i, end);
        if (i == end) return new TomlLocalDate(date);
        if (_text[i] is not ('T' or 't' or ' '))
        {
            Fail(TomlErrorCode.InvalidDateTime, $"expected 'T' or a space between date and time, found {Describe(_text[i])}", i);
        }
        i++;
        var (time, fractionDigits) = ReadTime(ref i, end);
        if (i == end) return new TomlLocalDateTime(date, time, fractionDigits);

        char designator = _text[i];
        if (designator is 'Z' or 'z')
        {
            ExpectDateTimeEnd(i + 1, end);
            return new TomlOffsetDateTime(date, time, TimeSpan.Zero, fractionDigits, zulu: true);
        }
        if (designator is not ('+' or '-'))
        {
            Fail(TomlErrorCode.InvalidDateTime, $"expected 'Z' or an offset like +02:00, found {Describe(designator)}", i);
        }
        i++;
        int hours = ReadTwoDigits(ref i, end, 23, "offset hour");
        ExpectChar(ref i, end, ':', "offset");
        int minutes = ReadTwoDigits(ref i, end, 59, "offset minute");
        ExpectDateTimeEnd(i, end);
        var offset = new TimeSpan(hours, minutes, 0);
        return new TomlOffsetDateTime(date, time, designator == '-' ? -offset : offset, fractionDigits);
    }

    private DateOnly ReadDate(ref int i, int end)
    {
        int yearAt = i;
        int year = ReadDigits(ref i, end, 4, "year");
        ExpectChar(ref i, end, '-', "date");
        int month = ReadTwoDigits(ref i, end, 12, "month", min: 1);
        ExpectChar(ref i, end, '-', "date");
        int dayAt = i;
        int day = ReadTwoDigits(ref i, end, 31, "day", min: 1);
        // Deviation: RFC 3339 allows year 0000; .NET dates start at 0001.
        if (year == 0) Fail(TomlErrorCode.InvalidDateTime, "year 0000 is not supported", yearAt, 4);
        if (day > DateTime.DaysInMonth(year, month))
        {
            Fail(TomlErrorCode.InvalidDateTime, $"{year:D4}-{month:D2} has no day {day}", dayAt, 2);
        }
        return new DateOnly(year, month, day);
    }

    /// <summary>HH:MM:SS with an optional fraction of any length; digits past 100 ns are counted but truncated.</summary>
    private (TimeOnly Time, int FractionDigits) ReadTime(ref int i, int end)
    {
        int hour = ReadTwoDigits(ref i, end, 23, "hour");
        ExpectChar(ref i, end, ':', "time");
        int minute = ReadTwoDigits(ref i, end, 59, "minute");
        if (i >= end || _text[i] != ':')
        {
            Fail(TomlErrorCode.InvalidDateTime, "TOML 1.0 requires seconds in a time (HH:MM:SS)", Math.Min(i, end), i >= end ? 0 : 1);
        }
        i++;
        // Deviation: RFC 3339 allows a leap second (60); .NET times cannot hold one.
        int second = ReadTwoDigits(ref i, end, 59, "second");
        long ticks = 0;
        int digits = 0;
        if (i < end && _text[i] == '.')
        {
            i++;
            long scale = TimeSpan.TicksPerSecond;
            while (i < end && IsDigit(_text[i]))
            {
                scale /= 10;
                ticks += (_text[i] - '0') * scale;
                digits++;
                i++;
            }
            if (digits == 0) Fail(TomlErrorCode.InvalidDateTime, "expected digits after the decimal point in the seconds", Math.Min(i, end), i >= end ? 0 : 1);
        }
        return (new TimeOnly(hour, minute, second).Add(TimeSpan.FromTicks(ticks)), digits);
    }

    private int ReadTwoDigits(ref int i, int end, int max, string what, int min = 0)
    {
        int at = i;
        int value = ReadDigits(ref i, end, 2, what);
        if (value < min || value > max)
        {
            Fail(TomlErrorCode.InvalidDateTime, $"{what} {value:D2} is out of range ({min:D2}-{max:D2})", at, 2);
        }
        return value;
    }

    private int ReadDigits(ref int i, int end, int count, string what)
    {
        int value = 0;
        for (int k = 0; k < count; k++, i++)
        {
            if (i >= end || !IsDigit(_text[i]))
            {
                string found = i >= end ? "the end of the value" : Describe(_text[i]);
                Fail(TomlErrorCode.InvalidDateTime, $"expected {count} digits for the {what}, found {found}", Math.Min(i, end), i >= end ? 0 : 1);
            }
            value = value * 10 + (_text[i] - '0');
        }
        return value;
    }

    private void ExpectChar(ref int i, int end, char expected, string what)
    {
        if (i >= end || _text[i] != expected)
        {
            string found = i >= end ? "the end of the value" : Describe(_text[i]);
            Fail(TomlErrorCode.InvalidDateTime, $"expected '{expected}' in the {what}, found {found}", Math.Min(i, end), i >= end ? 0 : 1);
        }
        i++;
    }

    private void ExpectDateTimeEnd(int i, int end)
    {
        if (i != end) Fail(TomlErrorCode.InvalidDateTime, $"unexpected {Describe(_text[i])} after a date-time", i);
    }
}
