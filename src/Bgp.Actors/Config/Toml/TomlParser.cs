namespace Bgp.Actors.Config.Toml;

/// <summary>
/// A recursive-descent TOML 1.0 parser over one string. It builds the value tree (every key and
/// value with its span) and, alongside it, the statement list that keeps the concrete syntax. It
/// stops at the first error: the error is thrown inside and turned into a diagnostic at
/// <see cref="Parse"/>, so nothing escapes.
/// </summary>
internal sealed partial class TomlParser
{
    // Arrays and inline tables nest by recursion; a hostile file must get an error, not a stack overflow.
    private const int MaxDepth = 256;

    private readonly TomlTable _root = new(TomlTableKind.Root);
    private readonly ChunkedList<TomlStatement> _statements = new();
    private TomlTable _section;
    private int _depth;

    private TomlParser(TomlSource source)
    {
        _source = source;
        _text = source.Text;
        _section = _root;
    }

    public static TomlParseResult Parse(TomlSource source)
    {
        var parser = new TomlParser(source);
        try
        {
            return TomlParseResult.Ok(parser.ParseDocument());
        }
        catch (TomlSyntaxException e)
        {
            return TomlParseResult.Failed(e.Diagnostic);
        }
    }

    private TomlDocument ParseDocument()
    {
        _root.Span = SpanOf(0, _text.Length);
        // A byte order mark is allowed at the very start only; it stays in the leading trivia.
        if (_text.Length > 0 && _text[0] == '\uFEFF') _pos = 1;
        int triviaStart = 0;
        while (true)
        {
            int lineStart = _pos;
            SkipWhitespace();
            int c = Cur;
            if (c == EndOfInput) break;
            if (c == '#')
            {
                SkipComment();
                if (_pos < _text.Length) TryConsumeNewline();
                continue;
            }
            if (TryConsumeNewline()) continue;
            TomlStatement statement = c == '['
                ? ParseHeader(triviaStart, lineStart)
                : ParseKeyValueStatement(triviaStart, lineStart);
            _statements.Add(statement);
            triviaStart = _pos;
        }
        return new TomlDocument(_source, _root, _statements, SpanOf(triviaStart, _text.Length - triviaStart));
    }

    private TomlStatement ParseKeyValueStatement(int triviaStart, int lineStart)
    {
        var key = ParseKey();
        TomlTable target = ResolveDottedKey(_section, key, insideInline: false);
        ExpectEquals(key);
        // ParseKey's array is reused by keys inside the value: take what is needed first.
        TomlKey first = key[0], last = key[^1];
        TomlKey[]? dotted = key.Length > 1 ? key : null;
        TomlValue value = ParseValue();
        target.Add(last, value);
        ExpectLineEnd("a value");
        return new TomlStatement(
            TomlStatementKind.KeyValue, SpanOf(triviaStart, lineStart - triviaStart), SpanOf(lineStart, _pos - lineStart),
            first, dotted, target, value, _section);
    }

    private void ExpectEquals(TomlKey[] key)
    {
        SkipWhitespace();
        if (Cur != '=')
        {
            string found = Cur is EndOfInput or '\n' or '\r' or '#' ? "no value" : Describe(Cur);
            Fail(TomlErrorCode.ExpectedEquals, $"expected '=' after key '{KeyText(key)}', found {found}", _pos);
        }
        _pos++;
        SkipWhitespace();
    }

    /// <summary>
    /// Walks a dotted key from <paramref name="table"/>, creating the tables it names, and returns the
    /// table that receives the last segment. TOML 1.0 §Keys/§Table: dotted keys may only extend tables
    /// that dotted keys created; a table opened by a header, an inline table and an array are closed to them.
    /// </summary>
    private TomlTable ResolveDottedKey(TomlTable table, TomlKey[] key, bool insideInline)
    {
        for (int i = 0; i < key.Length - 1; i++)
        {
            TomlKey segment = key[i];
            if (!table.TryGetValue(segment.Name, out TomlValue? existing))
            {
                var created = new TomlTable(TomlTableKind.Dotted) { Span = segment.Span, InsideInline = insideInline };
                table.Add(segment, created);
                table = created;
            }
            else if (existing is TomlTable { TableKind: TomlTableKind.Dotted } dotted)
            {
                table = dotted;
            }
            else
            {
                throw Conflict(segment, existing, KeyText(key, i + 1), byDottedKey: true);
            }
        }
        TomlKey last = key[^1];
        if (table.TryGetKey(last.Name, out TomlKey first))
        {
            Fail(TomlErrorCode.DuplicateKey, $"key '{KeyText(key)}' is already defined at {first.Span}", last.Span);
        }
        return table;
    }

    // TOML 1.0 §Table, §Array of Tables.
    private TomlStatement ParseHeader(int triviaStart, int lineStart)
    {
        int open = _pos;
        bool isArray = PeekAt(1) == '[';
        _pos += isArray ? 2 : 1;
        SkipWhitespace();
        var key = ParseKey();
        if (Cur != ']')
        {
            Fail(TomlErrorCode.InvalidTableHeader, $"expected '{(isArray ? "]]" : "]")}' to close the header, found {Describe(Cur)}", _pos);
        }
        _pos++;
        if (isArray)
        {
            if (Cur != ']') Fail(TomlErrorCode.InvalidTableHeader, $"expected ']]' to close the array-of-tables header, found {Describe(Cur)}", _pos);
            _pos++;
        }
        TomlSpan headerSpan = SpanOf(open, _pos - open);

        TomlTable table = _root;
        for (int i = 0; i < key.Length - 1; i++)
        {
            TomlKey segment = key[i];
            if (!table.TryGetValue(segment.Name, out TomlValue? existing))
            {
                var created = new TomlTable(TomlTableKind.Implicit) { Span = segment.Span };
                table.Add(segment, created);
                table = created;
            }
            else if (existing is TomlTable { IsInline: false } child)
            {
                table = child;
            }
            else if (existing is TomlArray { IsArrayOfTables: true } array)
            {
                // TOML 1.0 §Array of Tables: a sub-table belongs to the most recent element.
                table = (TomlTable)array[^1];
            }
            else
            {
                throw Conflict(segment, existing, KeyText(key, i + 1), byDottedKey: false);
            }
        }

        TomlKey last = key[^1];
        table.TryGetValue(last.Name, out TomlValue? current);
        if (isArray)
        {
            TomlArray array;
            if (current is null)
            {
                array = new TomlArray(isArrayOfTables: true) { Span = last.Span };
                table.Add(last, array);
            }
            else if (current is TomlArray { IsArrayOfTables: true } existingArray)
            {
                array = existingArray;
            }
            else
            {
                throw Conflict(last, current, KeyText(key), byDottedKey: false);
            }
            var element = new TomlTable(TomlTableKind.ArrayElement) { Span = headerSpan };
            array.Add(element);
            _section = element;
        }
        else if (current is null)
        {
            var created = new TomlTable(TomlTableKind.Header) { Span = headerSpan };
            table.Add(last, created);
            _section = created;
        }
        else if (current is TomlTable { TableKind: TomlTableKind.Implicit } implicitTable)
        {
            implicitTable.TableKind = TomlTableKind.Header;
            implicitTable.Span = headerSpan;
            _section = implicitTable;
        }
        else
        {
            throw Conflict(last, current, KeyText(key), byDottedKey: false);
        }

        ExpectLineEnd("a table header");
        return new TomlStatement(
            isArray ? TomlStatementKind.ArrayTable : TomlStatementKind.Table,
            SpanOf(triviaStart, lineStart - triviaStart), SpanOf(lineStart, _pos - lineStart),
            key[0], key.Length > 1 ? key : null, _section, null, _section);
    }

    private static TomlSyntaxException Conflict(TomlKey segment, TomlValue existing, string path, bool byDottedKey)
    {
        string where = existing.Span.IsEmpty ? "" : $" at {existing.Span}";
        (TomlErrorCode code, string message) = existing switch
        {
            TomlTable { IsInline: true } =>
                (TomlErrorCode.ImmutableValue, $"'{path}' is an inline table{where}; TOML 1.0 inline tables cannot be extended"),
            TomlTable { TableKind: TomlTableKind.Dotted } =>
                (TomlErrorCode.TableRedefined, $"table '{path}' was already defined by dotted keys{where}"),
            TomlTable when byDottedKey =>
                (TomlErrorCode.TableRedefined, $"table '{path}' was defined by a header{where}; dotted keys cannot add to it"),
            TomlTable =>
                (TomlErrorCode.TableRedefined, $"table '{path}' is already defined{where}"),
            TomlArray { IsArrayOfTables: true } =>
                (TomlErrorCode.TableRedefined, $"'{path}' is an array of tables{where}"),
            TomlArray =>
                (TomlErrorCode.ImmutableValue, $"'{path}' is a static array{where}; it cannot be extended with [[...]] or keys"),
            _ => (TomlErrorCode.DuplicateKey, $"key '{path}' already holds {KindName(existing)}{where}"),
        };
        return new TomlSyntaxException(new TomlDiagnostic(code, message, segment.Span));
    }

    private static string KindName(TomlValue value) => value.Kind switch
    {
        TomlValueKind.Integer => "an integer",
        TomlValueKind.OffsetDateTime => "an offset date-time",
        TomlValueKind.LocalDateTime => "a local date-time",
        TomlValueKind.LocalDate => "a local date",
        TomlValueKind.LocalTime => "a local time",
        var kind => "a " + kind.ToString().ToLowerInvariant(),
    };

    private void EnterNesting(int at)
    {
        if (++_depth > MaxDepth) Fail(TomlErrorCode.NestingTooDeep, $"arrays and inline tables nest deeper than {MaxDepth}", at);
    }
}
