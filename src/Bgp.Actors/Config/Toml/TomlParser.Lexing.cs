using System.Diagnostics.CodeAnalysis;

namespace Bgp.Actors.Config.Toml;

/// <summary>Character-level rules shared by every part of the grammar: whitespace, newlines, comments, keys, errors.</summary>
internal sealed partial class TomlParser
{
    private const int EndOfInput = -1;

    private readonly TomlSource _source;
    private readonly string _text;
    private int _pos;
    private readonly List<TomlKey> _keyScratch = [];
    private readonly TomlKey[] _singleKey = new TomlKey[1];
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);

    private int Cur => _pos < _text.Length ? _text[_pos] : EndOfInput;

    private int PeekAt(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : EndOfInput;

    private TomlSpan SpanOf(int offset, int length) => new(_source, offset, length);

    // TOML 1.0 §Spec: whitespace is tab (0x09) or space (0x20).
    private void SkipWhitespace()
    {
        while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t')) _pos++;
    }

    /// <summary>Consumes LF or CRLF. A CR alone is an error (TOML 1.0 §Spec: newline is LF or CRLF).</summary>
    private bool TryConsumeNewline()
    {
        int c = Cur;
        if (c == '\n')
        {
            _pos++;
            return true;
        }
        if (c == '\r')
        {
            if (PeekAt(1) != '\n') FailBareCarriageReturn();
            _pos += 2;
            return true;
        }
        return false;
    }

    /// <summary>Whitespace, comments and newlines, as allowed between array elements.</summary>
    private void SkipTrivia()
    {
        while (true)
        {
            SkipWhitespace();
            if (Cur == '#') SkipComment();
            if (!TryConsumeNewline()) return;
        }
    }

    // TOML 1.0 §Comment: control characters other than tab are not permitted in comments.
    private void SkipComment()
    {
        _pos++;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n') return;
            if (c == '\r')
            {
                if (PeekAt(1) == '\n') return;
                FailBareCarriageReturn();
            }
            _pos += CheckTextChar(c, "a comment");
        }
    }

    /// <summary>After a statement: optional whitespace and comment, then a newline or the end of the file.</summary>
    private void ExpectLineEnd(string after)
    {
        SkipWhitespace();
        if (Cur == '#') SkipComment();
        if (_pos >= _text.Length || TryConsumeNewline()) return;
        Fail(TomlErrorCode.ExpectedNewline, $"expected a newline after {after}, found {Describe(Cur)}", _pos);
    }

    /// <summary>
    /// Checks one character of free text (comment or string) and returns how many UTF-16 units it
    /// spans: control characters other than tab, DEL and unpaired surrogates are refused.
    /// </summary>
    private int CheckTextChar(char c, string where)
    {
        if ((c < 0x20 && c != '\t') || c == 0x7F)
        {
            Fail(TomlErrorCode.ControlCharacter, $"control character {Describe(c)} is not allowed in {where}", _pos);
        }
        if (char.IsSurrogate(c))
        {
            if (char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1])) return 2;
            Fail(TomlErrorCode.InvalidCharacter, $"unpaired surrogate {Describe(c)} is not a Unicode character", _pos);
        }
        return 1;
    }

    // TOML 1.0 §Keys: a key is bare, basic-quoted or literal-quoted; dotted keys join them with '.'.
    private TomlKey[] ParseKey()
    {
        TomlKey first = ParseSimpleKey();
        SkipWhitespace();
        if (Cur != '.')
        {
            // Reused for single-segment keys, the common case; callers copy what they keep.
            _singleKey[0] = first;
            return _singleKey;
        }
        _keyScratch.Clear();
        _keyScratch.Add(first);
        while (Cur == '.')
        {
            _pos++;
            SkipWhitespace();
            _keyScratch.Add(ParseSimpleKey());
            SkipWhitespace();
        }
        return [.. _keyScratch];
    }

    private TomlKey ParseSimpleKey()
    {
        int start = _pos;
        int c = Cur;
        if (c == '"' || c == '\'')
        {
            if (PeekAt(1) == c && PeekAt(2) == c)
            {
                Fail(TomlErrorCode.InvalidKey, "a multi-line string cannot be a key", start, 3);
            }
            string name = c == '"' ? ParseBasicString() : ParseLiteralString();
            return new TomlKey(name, SpanOf(start, _pos - start));
        }
        while (_pos < _text.Length && IsBareKeyChar(_text[_pos])) _pos++;
        if (_pos == start)
        {
            string message = c is EndOfInput or '\n' or '\r' or '=' or '.' or ']'
                ? $"expected a key, found {Describe(c)}"
                : $"{Describe(c)} cannot appear in a bare key (A-Z a-z 0-9 _ -); quote the key";
            Fail(TomlErrorCode.InvalidKey, message, start);
        }
        return new TomlKey(Intern(_text.AsSpan(start, _pos - start)), SpanOf(start, _pos - start));
    }

    /// <summary>
    /// One string per distinct bare key: a route-server file repeats the same dozen keys thousands
    /// of times, and every object the parse leaves behind is one more for the GC to promote. The
    /// table stops growing at a few thousand names so that a file of unique keys does not pay for it.
    /// </summary>
    private string Intern(ReadOnlySpan<char> key)
    {
        var lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(key, out string? known)) return known;
        string created = key.ToString();
        if (_keys.Count < 4096) _keys.Add(created, created);
        return created;
    }

    private static bool IsBareKeyChar(char c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '_' || c == '-';

    private static string KeyText(IReadOnlyList<TomlKey> key, int count = int.MaxValue) =>
        string.Join('.', key.Take(count).Select(k => TomlWriter.FormatKey(k.Name)));

    private static string Describe(int c) => c switch
    {
        EndOfInput => "end of file",
        '\n' => "a newline",
        '\r' => "a carriage return",
        '\t' => "a tab",
        < 0x20 or 0x7F => $"U+{c:X4}",
        // Invisible or confusable characters (BOM, ideographic space, surrogates) are named by code point.
        _ when char.IsSurrogate((char)c) || char.GetUnicodeCategory((char)c) is
            System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.SpaceSeparator
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
            => $"U+{c:X4}",
        _ => $"'{(char)c}'",
    };

    [DoesNotReturn]
    private void FailBareCarriageReturn() =>
        Fail(TomlErrorCode.BareCarriageReturn, "a carriage return must be followed by a line feed", _pos);

    [DoesNotReturn]
    private void Fail(TomlErrorCode code, string message, int offset, int length = 1)
    {
        offset = Math.Min(offset, _text.Length);
        length = Math.Clamp(length, 0, _text.Length - offset);
        throw new TomlSyntaxException(new TomlDiagnostic(code, message, SpanOf(offset, length)));
    }

    [DoesNotReturn]
    private static void Fail(TomlErrorCode code, string message, TomlSpan span) =>
        throw new TomlSyntaxException(new TomlDiagnostic(code, message, span));
}
