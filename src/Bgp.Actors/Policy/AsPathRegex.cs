using System.Text;
using System.Text.RegularExpressions;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>
/// A regular expression over an AS path written out as routers print it: AS numbers of a sequence
/// separated by spaces, an AS_SET as <c>{1,2}</c>, a confederation sequence as <c>(1 2)</c> and a
/// confederation set as <c>[1,2]</c>. As on Cisco and FRR, <c>_</c> matches a boundary: the start or
/// end of the path, a space, or one of <c>{}()[],</c>. So <c>_65001_</c> matches 65001 anywhere but not
/// 165001, <c>^65001_</c> a path learned from 65001, <c>_65001$</c> one it originated, <c>^$</c> the empty
/// path. The expression runs on .NET's non-backtracking engine: matching takes time linear in the
/// path whatever the expression, so a hostile path cannot stall the RIB.
/// <para>
/// The shapes most filters are written in, <c>_A_</c>, <c>^A_</c>, <c>_A$</c>, <c>^A$</c> and <c>^$</c>
/// where A is an AS number or a group of them <c>(A|B|C)</c>, are answered from the AS numbers
/// themselves, without writing the path out or running the regex (<see cref="AsPathShape"/>); the
/// answer is the regex's, which a property test checks.
/// </para>
/// </summary>
public sealed class AsPathRegex
{
    private const string Boundary = "(?:^|$|[ {}()\\[\\],])";
    private readonly Regex _regex;
    private readonly AsPathShape? _shape;

    private AsPathRegex(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
        _shape = AsPathShape.TryParse(pattern);
    }

    /// <summary>The expression as written.</summary>
    public string Pattern { get; }

    /// <summary>The AS numbers of a native <c>_A_</c> expression, else null.</summary>
    internal uint[]? AnywhereAsns => _shape?.AnywhereAsns;

    /// <summary>True when the expression is answered from the AS numbers (no text, no regex, nothing worth caching).</summary>
    public bool IsNative => _shape is not null;

    public static bool TryCreate(string pattern, out AsPathRegex? regex, out string? error)
    {
        regex = null;
        error = null;
        if (pattern.Length is 0 or > 1024)
        {
            error = "an AS path expression is 1 to 1024 characters";
            return false;
        }
        try
        {
            regex = new AsPathRegex(pattern, new Regex(Translate(pattern),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture));
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)   // the non-backtracking engine refuses some constructs with NotSupportedException
        {
            error = e is RegexParseException parse ? $"{parse.Error} at offset {parse.Offset}" : e.Message;
            if (error.Contains("NonBacktracking", StringComparison.Ordinal))
                error = "back-references, look-arounds and atomic groups are not supported";
            return false;
        }
    }

    /// <summary>Replaces each <c>_</c> outside a character class with the boundary group.</summary>
    private static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        bool inClass = false, escaped = false;
        foreach (char c in pattern)
        {
            if (escaped) { sb.Append(c); escaped = false; continue; }
            switch (c)
            {
                case '\\': escaped = true; sb.Append(c); break;
                case '[' when !inClass: inClass = true; sb.Append(c); break;
                case ']' when inClass: inClass = false; sb.Append(c); break;
                case '_' when !inClass: sb.Append(Boundary); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    public bool IsMatch(string pathText) => _regex.IsMatch(pathText);

    public bool IsMatch(AsPath path) =>
        _shape is { } shape && shape.TryMatch(path, out bool match) ? match : _regex.IsMatch(Text(path));

    /// <summary>The regex itself, even where the native answer exists (for tests that compare the two).</summary>
    internal bool RegexIsMatch(AsPath path) => _regex.IsMatch(Text(path));

    /// <summary>The path as the expressions see it: <see cref="AsPath.ToString"/>, the form routers print.</summary>
    public static string Text(AsPath path) => path.ToString();

    public override string ToString() => Pattern;
}
