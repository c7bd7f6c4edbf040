using System.Text;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// Renders the <c>clab/templates</c> files with the same rules as <c>clab/render.awk</c> (used by
/// <c>clab/peer.sh</c>), so a config made by hand and one made by a test are the same file:
/// <list type="bullet">
/// <item><c>{{NAME}}</c> is replaced by the value of NAME.</item>
/// <item>A line holding only <c>{{#NAME}}</c> opens a section closed by a line holding only <c>{{/NAME}}</c>;
/// its body is rendered once per item of NAME (items separated by spaces or commas, <c>{{.}}</c> is the item),
/// and not at all when NAME is empty, "0", "false" or "no".</item>
/// <item><c>{{^NAME}}</c> ... <c>{{/NAME}}</c> renders its body once when NAME is empty or false.</item>
/// </list>
/// Unlike the awk version, an unknown NAME throws, so a typo in a template fails the test that renders it.
/// </summary>
public static class TemplateRenderer
{
    private static readonly char[] ItemSeparators = [' ', '\t', ','];

    public static string Render(string template, IReadOnlyDictionary<string, string> variables)
    {
        string[] lines = template.Replace("\r\n", "\n").Split('\n');
        // A trailing newline yields a last empty element that is not a line.
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var output = new StringBuilder();
        RenderRange(lines, 0, count, dot: "", variables, output);
        return output.ToString();
    }

    /// <summary>The template text of <c>clab/templates/NAME</c> in the repository.</summary>
    public static string LoadTemplate(string name) =>
        File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "clab", "templates", name));

    public static bool IsTruthy(string? value)
    {
        string v = (value ?? "").Trim();
        return v.Length > 0 && v is not ("0" or "false" or "no");
    }

    private static void RenderRange(string[] lines, int from, int to, string dot,
        IReadOnlyDictionary<string, string> variables, StringBuilder output)
    {
        int i = from;
        while (i < to)
        {
            var (kind, name) = Marker(lines[i]);
            switch (kind)
            {
                case '#' or '^':
                    int end = FindClose(lines, i, to, name);
                    string value = Lookup(variables, name, i).Trim();
                    if (kind == '^')
                    {
                        if (!IsTruthy(value)) RenderRange(lines, i + 1, end, dot, variables, output);
                    }
                    else if (IsTruthy(value))
                    {
                        foreach (string item in value.Split(ItemSeparators, StringSplitOptions.RemoveEmptyEntries))
                            RenderRange(lines, i + 1, end, item, variables, output);
                    }
                    i = end + 1;
                    break;
                case '/':
                    throw new FormatException($"template line {i + 1}: stray {{{{/{name}}}}}");
                default:
                    output.Append(Substitute(lines[i], dot, variables, i)).Append('\n');
                    i++;
                    break;
            }
        }
    }

    private static int FindClose(string[] lines, int open, int to, string name)
    {
        int depth = 1;
        for (int j = open + 1; j < to; j++)
        {
            var (kind, other) = Marker(lines[j]);
            if (kind == '\0' || other != name) continue;
            depth += kind == '/' ? -1 : 1;
            if (depth == 0) return j;
        }
        throw new FormatException($"template line {open + 1}: unclosed section {name}");
    }

    private static (char Kind, string Name) Marker(string line)
    {
        string t = line.Trim();
        if (t.Length < 5 || !t.StartsWith("{{", StringComparison.Ordinal) || !t.EndsWith("}}", StringComparison.Ordinal))
            return ('\0', "");
        char kind = t[2];
        return kind is '#' or '^' or '/' ? (kind, t[3..^2]) : ('\0', "");
    }

    private static string Substitute(string line, string dot, IReadOnlyDictionary<string, string> variables, int index)
    {
        var sb = new StringBuilder(line.Length);
        int pos = 0;
        while (true)
        {
            int open = line.IndexOf("{{", pos, StringComparison.Ordinal);
            int close = open < 0 ? -1 : line.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) break;
            string name = line[(open + 2)..close];
            sb.Append(line, pos, open - pos).Append(name == "." ? dot : Lookup(variables, name, index));
            pos = close + 2;
        }
        return sb.Append(line, pos, line.Length - pos).ToString();
    }

    private static string Lookup(IReadOnlyDictionary<string, string> variables, string name, int index) =>
        variables.TryGetValue(name, out string? v)
            ? v
            : throw new KeyNotFoundException($"template line {index + 1}: no value for {{{{{name}}}}}");
}
