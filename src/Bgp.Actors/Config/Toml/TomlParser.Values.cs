namespace Bgp.Actors.Config.Toml;

/// <summary>Values: dispatch on the first character, arrays, inline tables and booleans.</summary>
internal sealed partial class TomlParser
{
    private TomlValue ParseValue()
    {
        int start = _pos;
        int c = Cur;
        switch (c)
        {
            case '"':
            case '\'':
                return ParseStringValue();
            case '[':
                return ParseArray();
            case '{':
                return ParseInlineTable();
            case 't':
            case 'f':
                return ParseBoolean();
            case EndOfInput:
            case '\n':
            case '\r':
            case '#':
                Fail(TomlErrorCode.ExpectedValue, $"expected a value, found {Describe(c)}", start);
                break;
        }
        if (c is '+' or '-' or 'i' or 'n' || (uint)(c - '0') <= 9) return ParseNumberOrDateTime();
        Fail(TomlErrorCode.InvalidValue, $"{Describe(c)} cannot start a value", start);
        return null;
    }

    /// <summary>What may follow a scalar: the end of the line, a separator or a closing bracket.</summary>
    private static bool IsValueEnd(int c) => c is EndOfInput or ' ' or '\t' or '\n' or '\r' or ',' or ']' or '}' or '#';

    private TomlValue ParseBoolean()
    {
        int start = _pos;
        int end = ScanWord();
        var word = _text.AsSpan(start, end - start);
        bool? value = word is "true" ? true : word is "false" ? false : null;
        if (value is null)
        {
            Fail(TomlErrorCode.InvalidValue, $"'{word}' is not a value (booleans are lowercase 'true' and 'false')", start, end - start);
        }
        _pos = end;
        return new TomlBoolean(value.Value) { Span = SpanOf(start, end - start) };
    }

    /// <summary>The end of the unquoted token starting here, for spans of bad values.</summary>
    private int ScanWord()
    {
        int end = _pos;
        while (end < _text.Length && !IsValueEnd(_text[end]) && _text[end] != '=') end++;
        return end;
    }

    // TOML 1.0 §Array: values of any type, separated by commas, trailing comma and newlines and comments allowed.
    private TomlArray ParseArray()
    {
        int open = _pos;
        EnterNesting(open);
        _pos++;
        var array = new TomlArray(isArrayOfTables: false);
        while (true)
        {
            SkipTrivia();
            if (Cur == ']') break;
            if (Cur == EndOfInput) Fail(TomlErrorCode.UnterminatedArray, "array is not closed with ']'", _pos, 0);
            array.Add(ParseValue());
            SkipTrivia();
            if (Cur == ',')
            {
                _pos++;
                continue;
            }
            if (Cur == ']') break;
            if (Cur == EndOfInput) Fail(TomlErrorCode.UnterminatedArray, "array is not closed with ']'", _pos, 0);
            Fail(TomlErrorCode.UnterminatedArray, $"expected ',' or ']' after an array element, found {Describe(Cur)}", _pos);
        }
        _pos++;
        _depth--;
        array.Span = SpanOf(open, _pos - open);
        return array;
    }

    // TOML 1.0 §Inline Table: one line, no trailing comma, complete once closed.
    private TomlTable ParseInlineTable()
    {
        int open = _pos;
        EnterNesting(open);
        _pos++;
        var table = new TomlTable(TomlTableKind.Inline) { Pairs = [] };
        SkipWhitespace();
        if (Cur == '}')
        {
            _pos++;
        }
        else
        {
            while (true)
            {
                SkipWhitespace();
                CheckInlineTableContinues(afterComma: table.Count > 0);
                int pairStart = _pos;
                var key = ParseKey();
                TomlTable target = ResolveDottedKey(table, key, insideInline: true);
                ExpectEquals(key);
                TomlKey last = key[^1];
                TomlValue value = ParseValue();
                target.Add(last, value);
                table.Pairs.Add(new InlinePair(pairStart, _pos, target, last.Name));
                SkipWhitespace();
                if (Cur == ',')
                {
                    _pos++;
                    continue;
                }
                if (Cur == '}')
                {
                    _pos++;
                    break;
                }
                CheckInlineTableContinues(afterComma: false);
                Fail(TomlErrorCode.UnterminatedInlineTable, $"expected ',' or '}}' in an inline table, found {Describe(Cur)}", _pos);
            }
        }
        _depth--;
        table.Span = SpanOf(open, _pos - open);
        return table;
    }

    private void CheckInlineTableContinues(bool afterComma)
    {
        switch (Cur)
        {
            case EndOfInput:
                Fail(TomlErrorCode.UnterminatedInlineTable, "inline table is not closed with '}'", _pos, 0);
                break;
            case '\n':
            case '\r':
            case '#':
                Fail(TomlErrorCode.UnterminatedInlineTable, "an inline table must be on one line (TOML 1.0: no newlines or comments inside)", _pos);
                break;
            case '}' when afterComma:
                Fail(TomlErrorCode.UnterminatedInlineTable, "TOML 1.0 does not allow a trailing comma in an inline table", _pos);
                break;
        }
    }
}
