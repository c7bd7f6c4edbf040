using System.Text;

namespace Bgp.Actors.Config.Toml;

/// <summary>Where edits land in the text: sections, their ends, the lines a statement owns, list separators.</summary>
public sealed partial class TomlEditor
{
    /// <summary>Replace [Start, End) of the current text with Text.</summary>
    private readonly record struct TextEdit(int Start, int End, string Text);

    private string CurrentText => _document.Text;

    private IReadOnlyList<TomlStatement> Statements => _document.Statements;

    /// <summary>The line ending the file already uses, so that inserted lines match it.</summary>
    private string NewLine
    {
        get
        {
            int lf = CurrentText.IndexOf('\n');
            return lf > 0 && CurrentText[lf - 1] == '\r' ? "\r\n" : "\n";
        }
    }

    private TomlEditResult Splice(TomlPath path, TextEdit edit, int index = -1) => Splice(path, [edit], index);

    private TomlEditResult Splice(TomlPath path, IReadOnlyList<TextEdit> edits, int index = -1)
    {
        var builder = new StringBuilder(CurrentText);
        foreach (var edit in edits.OrderByDescending(e => e.Start))
        {
            builder.Remove(edit.Start, edit.End - edit.Start).Insert(edit.Start, edit.Text);
        }
        var result = TomlDocument.Parse(builder.ToString(), _document.FileName);
        if (!result.TryGetDocument(out var document))
        {
            var parseError = result.Diagnostics[0];
            int at = edits.Count > 0 ? edits.Min(e => e.Start) : 0;
            return Refuse(parseError.Code, $"editing '{path}' would make the file invalid: {parseError.Message}",
                new TomlSpan(_document.Source, at, 0));
        }
        _document = document;
        return TomlEditResult.Ok(index);
    }

    /// <summary><c>{ a = 1 }</c> becomes <c>{ a = 1, key = value }</c>; <c>{}</c> becomes <c>{ key = value }</c>.</summary>
    private static TextEdit InsertIntoInlineTable(TomlTable inline, List<string> relative, string formatted)
    {
        string pair = TomlWriter.FormatKeyPath(relative) + " = " + formatted;
        var pairs = inline.Pairs!;
        if (pairs.Count > 0) return new TextEdit(pairs[^1].End, pairs[^1].End, ", " + pair);
        return new TextEdit(inline.Span.Offset, inline.Span.End, "{ " + pair + " }");
    }

    /// <summary>A <c>key = value</c> line after the last one of the section of <paramref name="table"/>.</summary>
    private TextEdit InsertKeyValueLine(TomlTable table, List<string> relative, string formatted)
    {
        string line = TomlWriter.FormatKeyPath(relative) + " = " + formatted;
        TomlStatement? lastPair = null;
        TomlStatement? header = null;
        foreach (var statement in Statements)
        {
            if (!ReferenceEquals(statement.Section, table)) continue;
            if (statement.IsHeader) header = statement;
            else lastPair = statement;
        }
        if (lastPair is { } pair) return InsertLine(pair.Span.End, IndentOf(pair.Span.Offset) + line);
        if (header is { } opened) return InsertLine(opened.Span.End, line);
        if (Statements.Count == 0) return InsertLine(CurrentText.Length, line);
        // A root key in a file that starts with a header: above that header and its comments, then a blank line.
        int at = AttachedStart(Statements[0]);
        return new TextEdit(at, at, line + NewLine + NewLine);
    }

    private TextEdit InsertLine(int at, string line)
    {
        string prefix = at > 0 && CurrentText[at - 1] != '\n' ? NewLine : "";
        return new TextEdit(at, at, prefix + line + NewLine);
    }

    /// <summary>A new header section, set off by blank lines from what is around it.</summary>
    private TextEdit NewSection(int at, string header, IReadOnlyList<string> lines)
    {
        var builder = new StringBuilder();
        if (at > 0 && CurrentText[at - 1] != '\n') builder.Append(NewLine).Append(NewLine);
        else if (at > 0 && !IsBlankLine(LineStart(at - 1))) builder.Append(NewLine);
        builder.Append(header).Append(NewLine);
        foreach (string line in lines) builder.Append(line).Append(NewLine);
        if (at < CurrentText.Length && !IsBlankLine(at)) builder.Append(NewLine);
        return new TextEdit(at, at, builder.ToString());
    }

    /// <summary>Where a new section below chain[anchorAt] goes: after the array element it belongs to, else at the end.</summary>
    private int SectionInsertionPoint(List<TomlValue> chain, int anchorAt)
    {
        for (int k = anchorAt; k >= 0; k--)
        {
            // A header written after the element would land in the array's last element instead.
            if (chain[k] is TomlTable { TableKind: TomlTableKind.ArrayElement } element) return RegionEnd(element);
        }
        return CurrentText.Length;
    }

    /// <summary>The end of the last section that belongs to <paramref name="table"/> or a table below it.</summary>
    private int RegionEnd(TomlTable table)
    {
        var subtree = Subtree(table);
        int end = -1;
        for (int i = 0; i < Statements.Count; i++)
        {
            if (Statements[i].IsHeader && subtree.Contains(Statements[i].Table)) end = Math.Max(end, SectionEnd(i));
        }
        return end >= 0 ? end : CurrentText.Length;
    }

    private int SectionEnd(int headerIndex)
    {
        int j = headerIndex + 1;
        while (j < Statements.Count && !Statements[j].IsHeader) j++;
        return Statements[j - 1].Span.End;
    }

    /// <summary>The tables at and below <paramref name="node"/>, through arrays of tables and dotted keys.</summary>
    private static HashSet<TomlTable> Subtree(TomlValue node)
    {
        var tables = new HashSet<TomlTable>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<TomlValue>();
        pending.Push(node);
        while (pending.TryPop(out var value))
        {
            if (value is TomlTable table && tables.Add(table))
            {
                foreach (var entry in table) pending.Push(entry.Value);
            }
            else if (value is TomlArray array)
            {
                foreach (var item in array) pending.Push(item);
            }
        }
        return tables;
    }

    /// <summary>
    /// The lines of every statement that defines <paramref name="node"/> or something below it: a
    /// header takes its whole section, each statement the comment lines directly above it. Ranges
    /// with only comments and blank lines between them are merged, and a removal that leaves a
    /// blank line behind it takes the blank lines before it too, so no gap doubles up.
    /// </summary>
    private IEnumerable<TextEdit> RemoveStatements(TomlValue node)
    {
        var subtree = Subtree(node);
        var ranges = new List<(int Start, int End)>();
        for (int i = 0; i < Statements.Count; i++)
        {
            var statement = Statements[i];
            if (statement.IsHeader && subtree.Contains(statement.Table))
            {
                ranges.Add((AttachedStart(statement), SectionEnd(i)));
            }
            else if (!statement.IsHeader && (ReferenceEquals(statement.Value, node) || subtree.Contains(statement.Table)))
            {
                ranges.Add((AttachedStart(statement), statement.Span.End));
            }
        }
        ranges.Sort();
        var starts = Statements.Select(s => s.Span.Offset).ToArray();
        var merged = new List<(int Start, int End)>();
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && (range.Start <= merged[^1].End || !AnyStatementIn(starts, merged[^1].End, range.Start)))
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }
        foreach (var (start, end) in merged)
        {
            int from = start;
            if (end >= CurrentText.Length || IsBlankLine(end))
            {
                while (from > 0 && IsBlankLine(LineStart(from - 1))) from = LineStart(from - 1);
            }
            int to = end;
            if (from == 0)
            {
                // Nothing above: the blank lines that separated it from what follows go too.
                while (to < CurrentText.Length && IsBlankLine(to)) to = NextLineStart(to);
            }
            yield return new TextEdit(from, to, "");
        }
    }

    private static bool AnyStatementIn(int[] starts, int from, int to)
    {
        int i = Array.BinarySearch(starts, from);
        if (i < 0) i = ~i;
        return i < starts.Length && starts[i] < to;
    }

    /// <summary>
    /// Removes items from an array or the pairs of an inline table, keeping the text around the
    /// survivors: the separator before each kept item stays with it, the text after the last item
    /// (a trailing comma, a comment) stays at the end.
    /// </summary>
    private TextEdit RemoveListItems(TomlSpan container, List<(int Start, int End)> items, IReadOnlySet<int> remove)
    {
        int inner = container.Offset + 1;
        int close = container.End - 1;
        var kept = Enumerable.Range(0, items.Count).Where(k => !remove.Contains(k)).ToList();
        if (kept.Count == 0) return new TextEdit(inner, close, "");
        var builder = new StringBuilder();
        builder.Append(CurrentText, inner, items[0].Start - inner);
        for (int j = 0; j < kept.Count; j++)
        {
            int k = kept[j];
            if (j > 0) builder.Append(CurrentText, items[k - 1].End, items[k].Start - items[k - 1].End);
            builder.Append(CurrentText, items[k].Start, items[k].End - items[k].Start);
        }
        builder.Append(CurrentText, items[^1].End, close - items[^1].End);
        return new TextEdit(inner, close, builder.ToString());
    }

    /// <summary>The start of the statement's first line, or of the comment lines directly above it.</summary>
    private int AttachedStart(TomlStatement statement)
    {
        int at = statement.Span.Offset;
        while (at > statement.LeadingTrivia.Offset)
        {
            int previous = LineStart(at - 1);
            if (!IsCommentLine(previous)) break;
            at = previous;
        }
        return at;
    }

    /// <summary>The start of the line that holds <paramref name="offset"/>.</summary>
    private int LineStart(int offset) => offset <= 0 ? 0 : CurrentText.LastIndexOf('\n', offset - 1) + 1;

    private int NextLineStart(int offset)
    {
        int lf = CurrentText.IndexOf('\n', offset);
        return lf < 0 ? CurrentText.Length : lf + 1;
    }

    private int FirstNonBlank(int lineStart)
    {
        int i = lineStart;
        while (i < CurrentText.Length && CurrentText[i] is ' ' or '\t' or '\uFEFF') i++;
        return i;
    }

    private bool IsCommentLine(int lineStart)
    {
        int i = FirstNonBlank(lineStart);
        return i < CurrentText.Length && CurrentText[i] == '#';
    }

    private bool IsBlankLine(int lineStart)
    {
        int i = FirstNonBlank(lineStart);
        return i >= CurrentText.Length || CurrentText[i] is '\n' or '\r';
    }

    private string IndentOf(int lineStart) => CurrentText[lineStart..FirstNonBlank(lineStart)].Replace("\uFEFF", "");
}
