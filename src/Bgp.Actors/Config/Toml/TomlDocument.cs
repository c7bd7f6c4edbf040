using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Bgp.Actors.Config.Toml;

/// <summary>
/// A parsed TOML 1.0 file: the value tree (<see cref="Root"/>) and the concrete syntax
/// (<see cref="Statements"/>) over the same text. Immutable; edits go through <see cref="TomlEditor"/>,
/// which produces new documents.
/// </summary>
public sealed class TomlDocument
{
    internal TomlDocument(TomlSource source, TomlTable root, IReadOnlyList<TomlStatement> statements, TomlSpan trailingTrivia)
    {
        Source = source;
        Root = root;
        Statements = statements;
        TrailingTrivia = trailingTrivia;
    }

    public TomlSource Source { get; }

    public string FileName => Source.FileName;

    /// <summary>The text the document was parsed from.</summary>
    public string Text => Source.Text;

    public TomlTable Root { get; }

    /// <summary>Key/value pairs and headers in file order, each with its leading comments and blank lines.</summary>
    public IReadOnlyList<TomlStatement> Statements { get; }

    /// <summary>Comments and blank lines after the last statement.</summary>
    public TomlSpan TrailingTrivia { get; }

    /// <summary>Parses TOML 1.0 text. Never throws for any input: errors come back as diagnostics.</summary>
    public static TomlParseResult Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TomlParser.Parse(new TomlSource(fileName ?? "", text));
    }

    /// <summary>Parses UTF-8 bytes; invalid UTF-8 is reported at the offending byte (TOML 1.0: a document is valid UTF-8).</summary>
    public static TomlParseResult Parse(ReadOnlySpan<byte> utf8, string fileName)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(utf8.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(utf8, chars, out int read, out int written, replaceInvalidSequences: false);
            string text = new(chars, 0, written);
            if (status == OperationStatus.Done) return Parse(text, fileName);
            var source = new TomlSource(fileName ?? "", text);
            return TomlParseResult.Failed(new TomlDiagnostic(
                TomlErrorCode.InvalidUtf8, $"invalid UTF-8 (byte 0x{utf8[read]:X2} at byte offset {read})", new TomlSpan(source, written, 0)));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Reads and parses a file; I/O errors throw as <see cref="File.ReadAllBytes"/> does, TOML errors are diagnostics.</summary>
    public static TomlParseResult ParseFile(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>The document's text rebuilt from its statements: identical to <see cref="Text"/>.</summary>
    public string Render()
    {
        var builder = new StringBuilder(Text.Length);
        foreach (var statement in Statements)
        {
            builder.Append(Text, statement.LeadingTrivia.Offset, statement.LeadingTrivia.Length);
            builder.Append(Text, statement.Span.Offset, statement.Span.Length);
        }
        builder.Append(Text, TrailingTrivia.Offset, TrailingTrivia.Length);
        return builder.ToString();
    }

    /// <summary>The value at <paramref name="path"/>, if there is one.</summary>
    public bool TryGetValue(TomlPath path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TomlValue? value)
    {
        value = Root;
        foreach (var segment in path.Segments)
        {
            value = (value, segment.Key) switch
            {
                (TomlTable table, string key) => table.TryGetValue(key, out var child) ? child : null,
                (TomlArray array, null) when segment.Index < array.Count => array[segment.Index],
                _ => null,
            };
            if (value is null) return false;
        }
        return true;
    }

    public TomlEditor Edit() => new(this);
}
