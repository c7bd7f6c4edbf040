namespace Bgp.Actors.Config.Toml;

/// <summary>
/// The text a document was parsed from, with a line index built on first use so that spans cost
/// an offset and a length until somebody asks for a line number.
/// </summary>
public sealed class TomlSource
{
    private int[]? _lineStarts;

    public TomlSource(string fileName, string text)
    {
        FileName = fileName;
        Text = text;
    }

    public string FileName { get; }

    public string Text { get; }

    /// <summary>1-based line and column of <paramref name="offset"/>; the column counts Unicode characters, not UTF-16 units.</summary>
    public (int Line, int Column) LocationOf(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int[] starts = _lineStarts ??= BuildLineStarts(Text);
        int index = Array.BinarySearch(starts, offset);
        if (index < 0) index = ~index - 1;
        int column = 1;
        for (int i = starts[index]; i < offset; i++)
        {
            if (!char.IsLowSurrogate(Text[i])) column++;
        }
        return (index + 1, column);
    }

    private static int[] BuildLineStarts(string text)
    {
        // Only LF starts a line: a bare CR is an error in TOML and CRLF ends with LF.
        var starts = new List<int> { 0 };
        int at = 0;
        while ((at = text.IndexOf('\n', at)) >= 0) starts.Add(++at);
        return [.. starts];
    }
}

/// <summary>
/// Where a key, value, statement or error sits in its file: offset and length in UTF-16 units of
/// the parsed text, 1-based line and column. A value built in code rather than parsed has no span
/// (<see cref="IsEmpty"/>).
/// </summary>
public readonly struct TomlSpan : IEquatable<TomlSpan>
{
    private readonly TomlSource? _source;

    public TomlSpan(TomlSource source, int offset, int length)
    {
        _source = source;
        Offset = offset;
        Length = length;
    }

    public static TomlSpan None => default;

    public bool IsEmpty => _source is null;

    public string FileName => _source?.FileName ?? "";

    public int Offset { get; }

    public int Length { get; }

    public int End => Offset + Length;

    public int Line => _source?.LocationOf(Offset).Line ?? 0;

    public int Column => _source?.LocationOf(Offset).Column ?? 0;

    /// <summary>The source text the span covers.</summary>
    public string Text => _source is null ? "" : _source.Text.Substring(Offset, Length);

    internal TomlSource? Source => _source;

    public bool Equals(TomlSpan other) =>
        ReferenceEquals(_source, other._source) && Offset == other.Offset && Length == other.Length;

    public override bool Equals(object? obj) => obj is TomlSpan other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Offset, Length);

    public static bool operator ==(TomlSpan left, TomlSpan right) => left.Equals(right);

    public static bool operator !=(TomlSpan left, TomlSpan right) => !left.Equals(right);

    public override string ToString()
    {
        if (_source is null) return "(no source)";
        var (line, column) = _source.LocationOf(Offset);
        return $"{_source.FileName}:{line}:{column}";
    }
}
