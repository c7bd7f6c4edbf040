namespace Bgp.Actors.Config.Toml;

/// <summary>The outcome of one edit: success (with the new element's index for appends) or why not.</summary>
public sealed class TomlEditResult
{
    private TomlEditResult(TomlDiagnostic? error, int index)
    {
        Error = error;
        Index = index;
    }

    public bool Success => Error is null;

    public TomlDiagnostic? Error { get; }

    /// <summary>For <see cref="TomlEditor.AppendArrayTable"/>: the index of the element added.</summary>
    public int Index { get; }

    internal static TomlEditResult Ok(int index = -1) => new(null, index);

    internal static TomlEditResult Failed(TomlDiagnostic error) => new(error, -1);
}

/// <summary>
/// Edits a document while keeping its concrete syntax. Every edit is a splice into the current
/// text at spans the parser recorded (a value's text, a statement's lines, a section's end), after
/// which the text is parsed again: comments, blank lines, ordering and formatting of everything
/// untouched stay byte for byte, spans always describe the current text, and an edit that would
/// make the file invalid is refused and leaves the document as it was.
/// <list type="bullet">
/// <item>Changing a value replaces only that value's text.</item>
/// <item>A new key goes after the last key/value line of its table's section, indented like it;
/// a new table gets a <c>[header]</c> section at the end of the file, or at the end of the array
/// element it belongs to.</item>
/// <item>Removing a key removes its lines and the comment lines directly above it; removing a
/// table or array element removes its sections.</item>
/// <item>Inside inline tables and arrays, entries are spliced in and out with their separators.</item>
/// </list>
/// </summary>
public sealed partial class TomlEditor
{
    private TomlDocument _document;

    public TomlEditor(TomlDocument document) => _document = document ?? throw new ArgumentNullException(nameof(document));

    /// <summary>The document as edited so far.</summary>
    public TomlDocument Document => _document;

    public string Render() => _document.Render();

    /// <summary>Sets the value at <paramref name="path"/>, creating the tables on the way when missing.</summary>
    public TomlEditResult Set(TomlPath path, TomlValue value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        if (path.IsRoot) return Refuse(TomlErrorCode.PathConflict, "the root table cannot be replaced by a value");
        if (!TryWalk(path, out var chain, out var error)) return TomlEditResult.Failed(error);

        if (chain.Count == path.Count + 1)
        {
            TomlValue existing = chain[^1];
            if (chain[^2] is TomlArray { IsArrayOfTables: true })
            {
                return Refuse(TomlErrorCode.PathConflict,
                    $"'{path}' is an element of an array of tables; set its keys, or remove it with RemoveArrayTable", existing.Span);
            }
            if (existing is TomlTable { IsInline: false } or TomlArray { IsArrayOfTables: true })
            {
                // A table or array of tables spread over sections: take it out, then write the value anew.
                var before = _document;
                var removed = Remove(path);
                if (!removed.Success) return removed;
                var set = Set(path, value);
                if (!set.Success) _document = before;
                return set;
            }
            return Splice(path, new TextEdit(existing.Span.Offset, existing.Span.End, TomlWriter.FormatValue(value)));
        }

        int missing = chain.Count - 1;
        var rest = path.Segments.Skip(missing).ToList();
        if (rest.Any(s => s.IsIndex) || chain[^1] is not TomlTable)
        {
            return Refuse(TomlErrorCode.PathNotFound,
                $"'{new TomlPath(path.Segments.Take(missing + 1))}' does not exist; append array elements with AppendArrayTable", chain[^1].Span);
        }

        // The anchor is the nearest table that owns text of its own: the root, a [header] section, an
        // array element or an inline table. Dotted-key tables live inside their anchor's section.
        int anchorAt = chain.Count - 1;
        while (chain[anchorAt] is TomlTable { TableKind: TomlTableKind.Dotted }) anchorAt--;
        var anchor = (TomlTable)chain[anchorAt];
        var relative = path.Segments.Skip(anchorAt).Select(s => s.Key!).ToList();
        string formatted = TomlWriter.FormatValue(value);

        if (anchor.IsInline) return Splice(path, InsertIntoInlineTable(anchor, relative, formatted));
        bool throughDotted = anchorAt < chain.Count - 1;
        if (anchor.TableKind != TomlTableKind.Implicit && (relative.Count == 1 || throughDotted))
        {
            return Splice(path, InsertKeyValueLine(anchor, relative, formatted));
        }

        // New sub-table (or the first definition of an implicit one): a header section of its own.
        var headerKeys = HeaderKeys(path.Segments.Take(anchorAt)).Concat(relative.Take(relative.Count - 1)).ToList();
        string body = TomlWriter.FormatKey(relative[^1]) + " = " + formatted;
        int at = SectionInsertionPoint(chain, anchorAt);
        return Splice(path, NewSection(at, $"[{TomlWriter.FormatKeyPath(headerKeys)}]", [body]));
    }

    /// <summary>Removes the key, table, array element or array of tables at <paramref name="path"/>.</summary>
    public TomlEditResult Remove(TomlPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IsRoot) return Refuse(TomlErrorCode.PathConflict, "the root table cannot be removed");
        if (!TryWalk(path, out var chain, out var error)) return TomlEditResult.Failed(error);
        if (chain.Count != path.Count + 1) return Refuse(TomlErrorCode.PathNotFound, $"'{path}' does not exist");

        TomlValue node = chain[^1];
        TomlValue container = chain[^2];
        if (container is TomlArray { IsArrayOfTables: false } array)
        {
            var items = array.Select(v => (v.Span.Offset, v.Span.End)).ToList();
            return Splice(path, RemoveListItems(array.Span, items, new HashSet<int> { path.Segments[^1].Index }));
        }
        if (container is TomlTable { IsInline: true } table)
        {
            int anchorAt = chain.Count - 2;
            while (chain[anchorAt] is TomlTable { TableKind: TomlTableKind.Dotted }) anchorAt--;
            var inline = (TomlTable)chain[anchorAt];
            var subtree = Subtree(node);
            string key = path.Segments[^1].Key!;
            var pairs = inline.Pairs!;
            var doomed = Enumerable.Range(0, pairs.Count)
                .Where(k => (pairs[k].Target == table && pairs[k].Key == key) || subtree.Contains(pairs[k].Target))
                .ToHashSet();
            return Splice(path, RemoveListItems(inline.Span, pairs.Select(p => (p.Start, p.End)).ToList(), doomed));
        }
        return Splice(path, [.. RemoveStatements(node)]);
    }

    /// <summary>
    /// Adds a <c>[[path]]</c> element after the last element of that array of tables (or creates the
    /// array), with <paramref name="entries"/> as its first keys. The result carries the new index.
    /// </summary>
    public TomlEditResult AppendArrayTable(TomlPath path, IEnumerable<KeyValuePair<string, TomlValue>>? entries = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IsRoot || path.Segments[^1].IsIndex) return Refuse(TomlErrorCode.PathConflict, $"'{path}' does not name an array of tables");
        if (!TryWalk(path, out var chain, out var error)) return TomlEditResult.Failed(error);

        var lines = (entries ?? []).Select(e => TomlWriter.FormatKey(e.Key) + " = " + TomlWriter.FormatValue(e.Value)).ToList();
        string header = $"[[{TomlWriter.FormatKeyPath(HeaderKeys(path.Segments))}]]";
        if (chain.Count == path.Count + 1)
        {
            if (chain[^1] is not TomlArray { IsArrayOfTables: true } array)
            {
                return Refuse(TomlErrorCode.PathConflict, $"'{path}' is {Describe(chain[^1])}, not an array of tables", chain[^1].Span);
            }
            int end = RegionEnd((TomlTable)array[^1]);
            return Splice(path, NewSection(end, header, lines), array.Count);
        }
        if (chain.Count < path.Count && path.Segments.Skip(chain.Count - 1).Any(s => s.IsIndex))
        {
            return Refuse(TomlErrorCode.PathNotFound, $"'{new TomlPath(path.Segments.Take(chain.Count))}' does not exist", chain[^1].Span);
        }
        if (chain.FirstOrDefault(v => v is TomlTable { IsInline: true } or TomlArray { IsArrayOfTables: false }) is { } closed)
        {
            return Refuse(TomlErrorCode.ImmutableValue, $"'{path}' would be inside {Describe(closed)}, which a header cannot extend", closed.Span);
        }
        return Splice(path, NewSection(SectionInsertionPoint(chain, chain.Count - 1), header, lines), 0);
    }

    /// <summary>Removes element <paramref name="index"/> of the array of tables at <paramref name="path"/>.</summary>
    public TomlEditResult RemoveArrayTable(TomlPath path, int index) => Remove(path.Index(index));

    /// <summary>Follows <paramref name="path"/> as far as it exists: chain[0] is the root, chain[k] the value at the first k segments.</summary>
    private bool TryWalk(TomlPath path, out List<TomlValue> chain, out TomlDiagnostic error)
    {
        chain = [_document.Root];
        error = null!;
        foreach (var segment in path.Segments)
        {
            TomlValue current = chain[^1];
            TomlValue? next;
            if (segment.IsIndex)
            {
                if (current is not TomlArray array)
                {
                    error = Diagnostic(TomlErrorCode.PathConflict, $"'{PathTo(path, chain.Count - 1)}' is {Describe(current)}, not an array", current.Span);
                    return false;
                }
                next = segment.Index < array.Count ? array[segment.Index] : null;
            }
            else
            {
                if (current is not TomlTable table)
                {
                    string hint = current is TomlArray ? $"; address an element as {PathTo(path, chain.Count - 1)}[0]" : "";
                    error = Diagnostic(TomlErrorCode.PathConflict, $"'{PathTo(path, chain.Count - 1)}' is {Describe(current)}, not a table{hint}", current.Span);
                    return false;
                }
                table.TryGetValue(segment.Key!, out next);
            }
            if (next is null) return true;
            chain.Add(next);
        }
        return true;
    }

    private static string PathTo(TomlPath path, int count) => new TomlPath(path.Segments.Take(count)).ToString();

    private static IEnumerable<string> HeaderKeys(IEnumerable<TomlPathSegment> segments) =>
        segments.Where(s => !s.IsIndex).Select(s => s.Key!);

    private static string Describe(TomlValue value) => value switch
    {
        TomlTable { IsInline: true } => "an inline table",
        TomlTable => "a table",
        TomlArray { IsArrayOfTables: true } => "an array of tables",
        TomlArray => "a static array",
        { Kind: TomlValueKind.Integer or TomlValueKind.OffsetDateTime } => "an " + value.Kind.ToString().ToLowerInvariant(),
        _ => "a " + value.Kind.ToString().ToLowerInvariant(),
    };

    private TomlDiagnostic Diagnostic(TomlErrorCode code, string message, TomlSpan span = default) =>
        new(code, message, span.IsEmpty ? new TomlSpan(_document.Source, 0, 0) : span);

    private TomlEditResult Refuse(TomlErrorCode code, string message, TomlSpan span = default) =>
        TomlEditResult.Failed(Diagnostic(code, message, span));
}
