using System.Globalization;

namespace Bgp.Actors.Config.Toml;

/// <summary>TOML 1.0 §Integer, §Float and the four date-time kinds: unquoted tokens that start with a digit, sign, 'i' or 'n'.</summary>
internal sealed partial class TomlParser
{
    private TomlValue ParseNumberOrDateTime()
    {
        int start = _pos;
        int end = start;
        while (end < _text.Length && IsNumberChar(_text[end])) end++;
        // TOML 1.0 §Offset Date-Time: a single space may stand for the 'T' between date and time.
        if (end - start == 10 && IsDateShape(start) && end + 3 < _text.Length && _text[end] == ' '
            && IsDigit(_text[end + 1]) && IsDigit(_text[end + 2]) && _text[end + 3] == ':')
        {
            end++;
            while (end < _text.Length && IsNumberChar(_text[end])) end++;
        }
        if (end < _text.Length && !IsValueEnd(_text[end]))
        {
            Fail(TomlErrorCode.InvalidValue, $"unexpected {Describe(_text[end])} in a value", end);
        }
        _pos = end;
        int length = end - start;
        TomlValue value = (length >= 3 && _text[start + 2] == ':') || (length >= 10 && IsDateShape(start))
            ? ParseDateTime(start, length)
            : ParseNumber(start, length);
        value.Span = SpanOf(start, length);
        return value;
    }

    private static bool IsNumberChar(char c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c is '_' or '+' or '-' or '.' or ':';

    private static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    private bool IsDateShape(int at) =>
        IsDigit(_text[at]) && IsDigit(_text[at + 1]) && IsDigit(_text[at + 2]) && IsDigit(_text[at + 3]) && _text[at + 4] == '-';

    private TomlValue ParseNumber(int start, int length)
    {
        var token = _text.AsSpan(start, length);
        int signLength = token[0] is '+' or '-' ? 1 : 0;
        var unsigned = token[signLength..];
        if (unsigned is "inf" || unsigned is "nan")
        {
            double special = unsigned is "inf" ? double.PositiveInfinity : double.NaN;
            return new TomlFloat(token[0] == '-' ? -special : special);
        }
        if (unsigned.IsEmpty || !IsDigit(unsigned[0]))
        {
            Fail(TomlErrorCode.InvalidValue, $"'{token}' is not a value", start, length);
        }
        if (unsigned.Length > 1 && unsigned[0] == '0' && unsigned[1] is 'x' or 'o' or 'b')
        {
            if (signLength > 0)
            {
                Fail(TomlErrorCode.InvalidInteger, "hexadecimal, octal and binary integers cannot have a sign", start);
            }
            int radix = unsigned[1] switch { 'x' => 16, 'o' => 8, _ => 2 };
            return new TomlInteger(ParseRadixDigits(start + 2, length - 2, radix, start, length), radix);
        }
        if (unsigned.IndexOfAny('.', 'e', 'E') >= 0) return ParseFloat(start, length);
        return new TomlInteger(ParseDecimalInteger(start, length));
    }

    private long ParseDecimalInteger(int start, int length)
    {
        int i = start;
        int end = start + length;
        bool negative = _text[i] == '-';
        if (_text[i] is '+' or '-') i++;
        CheckLeadingZero(i, end, "integer");
        ulong magnitude = 0;
        int digitsEnd = ScanDigits(i, end, "integer");
        if (digitsEnd != end) Fail(TomlErrorCode.InvalidInteger, $"unexpected {Describe(_text[digitsEnd])} in an integer", digitsEnd);
        for (int j = i; j < end; j++)
        {
            char c = _text[j];
            if (c == '_') continue;
            ulong digit = (ulong)(c - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10) FailIntegerRange(start, length);
            magnitude = magnitude * 10 + digit;
        }
        // TOML 1.0 §Integer: 64-bit signed range; anything else is an error, not a wrap or a float.
        ulong limit = negative ? 1UL << 63 : long.MaxValue;
        if (magnitude > limit) FailIntegerRange(start, length);
        return negative ? (long)(0 - magnitude) : (long)magnitude;
    }

    private long ParseRadixDigits(int digitsStart, int digitsLength, int radix, int start, int length)
    {
        int end = digitsStart + digitsLength;
        string name = radix switch { 16 => "hexadecimal", 8 => "octal", _ => "binary" };
        if (digitsLength == 0) Fail(TomlErrorCode.InvalidInteger, $"{name} integer has no digits", start, length);
        ulong value = 0;
        for (int j = digitsStart; j < end; j++)
        {
            char c = _text[j];
            if (c == '_')
            {
                CheckUnderscore(j, digitsStart, end, c2 => HexValue(c2) is >= 0 and var d && d < radix, "integer");
                continue;
            }
            int digit = HexValue(c);
            if (digit < 0 || digit >= radix) Fail(TomlErrorCode.InvalidInteger, $"{Describe(c)} is not {(radix == 8 ? "an" : "a")} {name} digit", j);
            if (value > (ulong)(long.MaxValue - digit) / (ulong)radix) FailIntegerRange(start, length);
            value = value * (ulong)radix + (ulong)digit;
        }
        return (long)value;
    }

    /// <summary>sign? int ('.' digits)? ([eE] sign? digits)?, with at least a fraction or an exponent.</summary>
    private TomlFloat ParseFloat(int start, int length)
    {
        int i = start;
        int end = start + length;
        if (_text[i] is '+' or '-') i++;
        CheckLeadingZero(i, end, "float");
        i = ScanDigits(i, end, "float");
        if (i < end && _text[i] == '.')
        {
            i = ScanDigits(i + 1, end, "float's fraction");
        }
        if (i < end && _text[i] is 'e' or 'E')
        {
            i++;
            if (i < end && _text[i] is '+' or '-') i++;
            // TOML 1.0 §Float: the exponent follows the integer rules but may have leading zeros.
            i = ScanDigits(i, end, "float's exponent");
        }
        if (i != end) Fail(TomlErrorCode.InvalidFloat, $"unexpected {Describe(_text[i])} in a float", i);

        Span<char> buffer = length <= 128 ? stackalloc char[length] : new char[length];
        int n = 0;
        foreach (char c in _text.AsSpan(start, length))
        {
            if (c != '_') buffer[n++] = c;
        }
        double value = double.Parse(buffer[..n], NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value)) Fail(TomlErrorCode.InvalidFloat, "float is out of the binary64 range", start, length);
        return new TomlFloat(value);
    }

    // TOML 1.0 §Integer: leading zeros are not allowed (the exponent of a float excepted).
    private void CheckLeadingZero(int i, int end, string what)
    {
        if (i + 1 < end && _text[i] == '0' && (IsDigit(_text[i + 1]) || _text[i + 1] == '_'))
        {
            Fail(TomlErrorCode.InvalidInteger, $"leading zeros are not allowed in a decimal {what}", i);
        }
    }

    /// <summary>One or more decimal digits with single underscores between them; returns where they stop.</summary>
    private int ScanDigits(int i, int end, string what)
    {
        var code = what == "integer" ? TomlErrorCode.InvalidInteger : TomlErrorCode.InvalidFloat;
        if (i >= end || !IsDigit(_text[i]))
        {
            string found = i >= end ? "nothing" : Describe(_text[i]);
            Fail(code, $"expected a digit in the {what}, found {found}", Math.Min(i, end), i >= end ? 0 : 1);
        }
        int start = i;
        while (i < end && (IsDigit(_text[i]) || _text[i] == '_'))
        {
            if (_text[i] == '_') CheckUnderscore(i, start, end, c => IsDigit(c), what);
            i++;
        }
        return i;
    }

    // TOML 1.0 §Integer: each underscore must be surrounded by at least one digit on each side.
    private void CheckUnderscore(int at, int digitsStart, int end, Func<char, bool> isDigit, string what)
    {
        if (at == digitsStart || at + 1 >= end || !isDigit(_text[at - 1]) || !isDigit(_text[at + 1]))
        {
            var code = what == "integer" ? TomlErrorCode.InvalidInteger : TomlErrorCode.InvalidFloat;
            Fail(code, "an underscore must sit between two digits", at);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void FailIntegerRange(int start, int length) =>
        Fail(TomlErrorCode.IntegerOutOfRange, $"integer '{_text.Substring(start, length)}' does not fit in 64 bits", start, length);
}
