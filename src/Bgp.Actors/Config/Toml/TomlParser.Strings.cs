using System.Text;

namespace Bgp.Actors.Config.Toml;

/// <summary>TOML 1.0 §String: basic, literal, and the multi-line form of each.</summary>
internal sealed partial class TomlParser
{
    private TomlString ParseStringValue()
    {
        int start = _pos;
        char quote = _text[_pos];
        bool multiline = PeekAt(1) == quote && PeekAt(2) == quote;
        string value;
        TomlStringStyle style;
        if (quote == '"')
        {
            (value, style) = multiline
                ? (ParseMultilineString(quote), TomlStringStyle.MultilineBasic)
                : (ParseBasicString(), TomlStringStyle.Basic);
        }
        else
        {
            (value, style) = multiline
                ? (ParseMultilineString(quote), TomlStringStyle.MultilineLiteral)
                : (ParseLiteralString(), TomlStringStyle.Literal);
        }
        return new TomlString(value, style) { Span = SpanOf(start, _pos - start) };
    }

    /// <summary>"...": escapes allowed, no newlines, control characters other than tab must be escaped.</summary>
    private string ParseBasicString()
    {
        _pos++;
        int runStart = _pos;
        StringBuilder? builder = null;
        while (true)
        {
            if (_pos >= _text.Length) Fail(TomlErrorCode.UnterminatedString, "string is not closed with '\"'", _pos, 0);
            char c = _text[_pos];
            if (c == '"')
            {
                string value = builder is null
                    ? _text.Substring(runStart, _pos - runStart)
                    : builder.Append(_text, runStart, _pos - runStart).ToString();
                _pos++;
                return value;
            }
            if (c == '\\')
            {
                builder ??= new StringBuilder();
                builder.Append(_text, runStart, _pos - runStart);
                ParseEscape(builder);
                runStart = _pos;
                continue;
            }
            if (c is '\n' or '\r') Fail(TomlErrorCode.UnterminatedString, "string is not closed before the end of the line", _pos);
            _pos += CheckTextChar(c, "a string");
        }
    }

    /// <summary>'...': taken verbatim, no newlines.</summary>
    private string ParseLiteralString()
    {
        _pos++;
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length) Fail(TomlErrorCode.UnterminatedString, "literal string is not closed with \"'\"", _pos, 0);
            char c = _text[_pos];
            if (c == '\'')
            {
                _pos++;
                return _text.Substring(runStart, _pos - 1 - runStart);
            }
            if (c is '\n' or '\r') Fail(TomlErrorCode.UnterminatedString, "literal string is not closed before the end of the line", _pos);
            _pos += CheckTextChar(c, "a literal string");
        }
    }

    /// <summary>
    /// """...""" or '''...''': a newline right after the opening delimiter is dropped; up to two
    /// quotes may sit against the closing delimiter; basic ones take escapes and line-ending backslashes.
    /// </summary>
    private string ParseMultilineString(char quote)
    {
        bool basic = quote == '"';
        string where = basic ? "a multi-line string" : "a multi-line literal string";
        _pos += 3;
        TryConsumeNewline();
        var builder = new StringBuilder();
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                Fail(TomlErrorCode.UnterminatedString, $"{where} is not closed with {new string(quote, 3)}", _pos, 0);
            }
            char c = _text[_pos];
            if (c == quote)
            {
                int quotes = 1;
                while (quotes < 5 && PeekAt(quotes) == quote) quotes++;
                if (quotes >= 3)
                {
                    // """"" closes with the two extra quotes as content; a sixth is left to fail as trailing text.
                    _pos += quotes - 3;
                    builder.Append(_text, runStart, _pos - runStart);
                    _pos += 3;
                    return builder.ToString();
                }
                _pos += quotes;
                continue;
            }
            if (c == '\\' && basic)
            {
                builder.Append(_text, runStart, _pos - runStart);
                if (PeekAt(1) is ' ' or '\t' or '\n' or '\r') SkipLineEndingBackslash();
                else ParseEscape(builder);
                runStart = _pos;
                continue;
            }
            if (c == '\n')
            {
                _pos++;
                continue;
            }
            if (c == '\r')
            {
                if (PeekAt(1) != '\n') FailBareCarriageReturn();
                _pos += 2;
                continue;
            }
            _pos += CheckTextChar(c, where);
        }
    }

    // TOML 1.0 §String: a '\' that ends a line trims it and all whitespace and newlines after it.
    private void SkipLineEndingBackslash()
    {
        int at = _pos;
        _pos++;
        SkipWhitespace();
        if (!TryConsumeNewline())
        {
            Fail(TomlErrorCode.InvalidEscape, "a backslash followed by whitespace must end the line", at, _pos - at);
        }
        do SkipWhitespace();
        while (TryConsumeNewline());
    }

    private void ParseEscape(StringBuilder builder)
    {
        int at = _pos;
        int e = PeekAt(1);
        _pos += 2;
        switch (e)
        {
            case 'b': builder.Append('\b'); return;
            case 't': builder.Append('\t'); return;
            case 'n': builder.Append('\n'); return;
            case 'f': builder.Append('\f'); return;
            case 'r': builder.Append('\r'); return;
            case '"': builder.Append('"'); return;
            case '\\': builder.Append('\\'); return;
            case 'u': AppendUnicodeEscape(builder, at, 4); return;
            case 'U': AppendUnicodeEscape(builder, at, 8); return;
        }
        string message = e switch
        {
            EndOfInput => "string ends inside an escape",
            'e' or 'x' => $"'\\{(char)e}' is a TOML 1.1 escape, not TOML 1.0",
            _ => $"invalid escape '\\' followed by {Describe(e)}",
        };
        Fail(TomlErrorCode.InvalidEscape, message, at, e == EndOfInput ? 1 : 2);
    }

    private void AppendUnicodeEscape(StringBuilder builder, int at, int digits)
    {
        int value = 0;
        for (int i = 0; i < digits; i++)
        {
            int digit = HexValue(Cur);
            if (digit < 0)
            {
                Fail(TomlErrorCode.InvalidEscape, $"'\\{_text[at + 1]}' needs exactly {digits} hex digits", at, _pos - at + 1);
            }
            // Eight hex digits can exceed int: anything past 0x10FFFF is refused below anyway.
            value = value > 0x10FFFF ? value : (value << 4) | digit;
            _pos++;
        }
        if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        {
            Fail(TomlErrorCode.InvalidEscape, $"'{_text[at.._pos]}' is not a Unicode scalar value", at, _pos - at);
        }
        if (value < 0x10000)
        {
            builder.Append((char)value);
        }
        else
        {
            value -= 0x10000;
            builder.Append((char)(0xD800 + (value >> 10))).Append((char)(0xDC00 + (value & 0x3FF)));
        }
    }

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
