namespace Bgp.Actors.Config.Toml;

public enum TomlStatementKind
{
    /// <summary><c>key = value</c>, possibly with a dotted key.</summary>
    KeyValue,
    /// <summary><c>[a.b]</c>.</summary>
    Table,
    /// <summary><c>[[a.b]]</c>.</summary>
    ArrayTable,
}

/// <summary>
/// The concrete syntax of a document: its text is cut into statements, each owning the blank and
/// comment lines above it (<see cref="LeadingTrivia"/>) and its own whole lines, from the start of
/// its first line through the line ending after it, comment included (<see cref="Span"/>). The text
/// after the last statement is <see cref="TomlDocument.TrailingTrivia"/>. Concatenating the pieces in
/// order gives the file back byte for byte, which is what lets edits keep everything they do not touch.
/// A struct, so that a 100,000-line file's statements are one array for the GC rather than 100,000 objects.
/// </summary>
public readonly struct TomlStatement
{
    // Most keys have one segment: kept inline so that a key/value line costs no array of its own.
    private readonly TomlKey _firstKey;
    private readonly TomlKey[]? _dottedKey;

    internal TomlStatement(
        TomlStatementKind kind, TomlSpan leadingTrivia, TomlSpan span, TomlKey firstKey, TomlKey[]? dottedKey,
        TomlTable table, TomlValue? value, TomlTable section)
    {
        Kind = kind;
        LeadingTrivia = leadingTrivia;
        Span = span;
        _firstKey = firstKey;
        _dottedKey = dottedKey;
        Table = table;
        Value = value;
        Section = section;
    }

    public TomlStatementKind Kind { get; }

    public TomlSpan LeadingTrivia { get; }

    public TomlSpan Span { get; }

    /// <summary>The key as written: relative to the section for a key/value pair, from the root for a header.</summary>
    public IReadOnlyList<TomlKey> Key => _dottedKey ?? [_firstKey];

    /// <summary>For a header, the table it opens; for a key/value pair, the table that receives its last key.</summary>
    public TomlTable Table { get; }

    /// <summary>The value of a key/value pair; null for headers.</summary>
    public TomlValue? Value { get; }

    /// <summary>The table of the section the statement sits in (the root before any header); for a header, the table it opens.</summary>
    public TomlTable Section { get; }

    public bool IsHeader => Kind != TomlStatementKind.KeyValue;
}
