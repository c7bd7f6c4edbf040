using System.Text;

namespace Bgp.Actors.Config.Diagnostics;

/// <summary>
/// Prints diagnostics the way rustc does, so an operator sees the line and the exact value at fault:
/// <code>
/// error: `hold_time` must be 0 or between 3 and 65535
///   --> bgp.toml:12:13
///    |
/// 12 | hold_time = 2
///    |             ^ 2 is out of range
///    |
///    = help: RFC 4271 §4.2: a non-zero hold time is at least 3 seconds
/// </code>
/// Tabs in the source line print as four spaces (the caret follows); a span over several lines is
/// underlined to the end of its first line; a zero-length span gets one caret.
/// </summary>
public static class DiagnosticRenderer
{
    private const int TabWidth = 4;

    /// <summary>Every diagnostic, a blank line between them, then a summary line.</summary>
    public static string Render(IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (var diagnostic in diagnostics)
        {
            RenderOne(text, diagnostic);
            text.Append('\n');
        }
        if (diagnostics.Count > 0)
        {
            string file = diagnostics[0].FileName;
            string count = diagnostics.Count == 1 ? "1 error" : $"{diagnostics.Count} errors";
            text.Append("error: could not load `").Append(file).Append("` due to ").Append(count).Append('\n');
        }
        return text.ToString();
    }

    public static string RenderOne(ConfigDiagnostic diagnostic)
    {
        var text = new StringBuilder();
        RenderOne(text, diagnostic);
        return text.ToString();
    }

    private static void RenderOne(StringBuilder text, ConfigDiagnostic diagnostic)
    {
        text.Append("error: ").Append(diagnostic.Message).Append('\n');
        var span = diagnostic.Span;
        if (span.IsEmpty)
        {
            text.Append(" --> ").Append(diagnostic.FileName).Append('\n');
            AppendHelp(text, " ", diagnostic.Help);
            return;
        }

        int line = span.Line;
        string gutter = new(' ', line.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        text.Append(gutter).Append("--> ").Append(span).Append('\n');
        text.Append(gutter).Append(" |\n");

        string source = SourceText(span);
        int lineStart = source.LastIndexOf('\n', Math.Max(span.Offset - 1, 0)) + 1;
        if (span.Offset == 0) lineStart = 0;
        int lineEnd = source.IndexOf('\n', lineStart);
        if (lineEnd < 0) lineEnd = source.Length;
        if (lineEnd > lineStart && source[lineEnd - 1] == '\r') lineEnd--;
        int start = Math.Clamp(span.Offset, lineStart, lineEnd);
        int end = Math.Clamp(span.End, start, lineEnd);

        text.Append(line).Append(" | ").Append(Expand(source, lineStart, lineEnd)).TrimEndLine().Append('\n');
        int pad = Width(source, lineStart, start);
        int carets = Math.Max(Width(source, start, end), 1);
        text.Append(gutter).Append(" | ").Append(' ', pad).Append('^', carets);
        if (diagnostic.Label.Length > 0) text.Append(' ').Append(diagnostic.Label);
        text.Append('\n');
        AppendHelp(text, gutter, diagnostic.Help);
    }

    private static void AppendHelp(StringBuilder text, string gutter, string? help)
    {
        if (help is null) return;
        text.Append(gutter).Append(" |\n");
        text.Append(gutter).Append(" = help: ").Append(help).Append('\n');
    }

    private static string SourceText(Toml.TomlSpan span) => span.Source?.Text ?? "";

    private static string Expand(string source, int from, int to)
    {
        var line = new StringBuilder(to - from);
        for (int i = from; i < to; i++)
        {
            if (source[i] == '\t') line.Append(' ', TabWidth);
            else line.Append(source[i]);
        }
        return line.ToString();
    }

    /// <summary>Display width in columns: a tab is four, a surrogate pair one.</summary>
    private static int Width(string source, int from, int to)
    {
        int width = 0;
        for (int i = from; i < to; i++)
        {
            if (source[i] == '\t') width += TabWidth;
            else if (!char.IsLowSurrogate(source[i])) width++;
        }
        return width;
    }

    private static StringBuilder TrimEndLine(this StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ') text.Length--;
        return text;
    }
}
