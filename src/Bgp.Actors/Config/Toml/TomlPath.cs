using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Bgp.Actors.Config.Toml;

/// <summary>One step of a <see cref="TomlPath"/>: a key in a table, or an index into an array.</summary>
public readonly record struct TomlPathSegment
{
    private TomlPathSegment(string? key, int index)
    {
        Key = key;
        Index = index;
    }

    /// <summary>The key, or null for an index step.</summary>
    public string? Key { get; }

    public int Index { get; }

    public bool IsIndex => Key is null;

    public static TomlPathSegment ForKey(string key) => new(key ?? throw new ArgumentNullException(nameof(key)), -1);

    public static TomlPathSegment ForIndex(int index) =>
        new(null, index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(index), index, "must not be negative"));

    public override string ToString() => Key is null ? $"[{Index}]" : TomlWriter.FormatKey(Key);
}

/// <summary>
/// Where a value sits: <c>neighbors[0].timers.hold</c>, written like a TOML dotted key with
/// <c>[n]</c> for array elements. Keys may be quoted as in TOML (<c>"peer group".name</c>).
/// </summary>
public sealed class TomlPath : IEquatable<TomlPath>
{
    private readonly TomlPathSegment[] _segments;

    public TomlPath(IEnumerable<TomlPathSegment> segments) => _segments = [.. segments];

    public static TomlPath Root { get; } = new([]);

    public IReadOnlyList<TomlPathSegment> Segments => _segments;

    public int Count => _segments.Length;

    public bool IsRoot => _segments.Length == 0;

    public TomlPath Parent => IsRoot ? this : new TomlPath(_segments[..^1]);

    public TomlPath Key(string key) => new([.. _segments, TomlPathSegment.ForKey(key)]);

    public TomlPath Index(int index) => new([.. _segments, TomlPathSegment.ForIndex(index)]);

    public static TomlPath Parse(string text) =>
        TryParse(text, out var path) ? path : throw new FormatException($"'{text}' is not a TOML path like a.b[0].c");

    public static bool TryParse(string text, [NotNullWhen(true)] out TomlPath? path)
    {
        path = null;
        var segments = new List<TomlPathSegment>();
        int i = 0;
        while (i < text.Length)
        {
            if (segments.Count > 0)
            {
                if (text[i] == '[')
                {
                    int close = text.IndexOf(']', i);
                    if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), System.Globalization.NumberStyles.None, null, out int index)) return false;
                    segments.Add(TomlPathSegment.ForIndex(index));
                    i = close + 1;
                    continue;
                }
                if (text[i] != '.' || ++i >= text.Length) return false;
            }
            if (!TryReadKey(text, ref i, out string? key)) return false;
            segments.Add(TomlPathSegment.ForKey(key));
        }
        path = new TomlPath(segments);
        return true;
    }

    private static bool TryReadKey(string text, ref int i, [NotNullWhen(true)] out string? key)
    {
        key = null;
        char first = text[i];
        if (first is '"' or '\'')
        {
            var builder = new StringBuilder();
            for (i++; i < text.Length && text[i] != first; i++)
            {
                if (first == '"' && text[i] == '\\' && i + 1 < text.Length) i++;
                builder.Append(text[i]);
            }
            if (i >= text.Length) return false;
            i++;
            key = builder.ToString();
            return true;
        }
        int start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
        if (i == start) return false;
        key = text[start..i];
        return true;
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var segment in _segments)
        {
            if (!segment.IsIndex && builder.Length > 0) builder.Append('.');
            builder.Append(segment);
        }
        return builder.ToString();
    }

    public bool Equals(TomlPath? other) => other is not null && _segments.AsSpan().SequenceEqual(other._segments);

    public override bool Equals(object? obj) => Equals(obj as TomlPath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in _segments) hash.Add(segment);
        return hash.ToHashCode();
    }
}
