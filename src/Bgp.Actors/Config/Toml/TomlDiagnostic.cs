namespace Bgp.Actors.Config.Toml;

/// <summary>Why a document (or an edit) was refused; <see cref="TomlDiagnostic.Reason"/> spells it in kebab case.</summary>
public enum TomlErrorCode
{
    InvalidUtf8,
    InvalidCharacter,
    ControlCharacter,
    BareCarriageReturn,
    ExpectedNewline,
    InvalidKey,
    ExpectedEquals,
    ExpectedValue,
    InvalidValue,
    UnterminatedString,
    InvalidEscape,
    InvalidInteger,
    IntegerOutOfRange,
    InvalidFloat,
    InvalidDateTime,
    UnterminatedArray,
    UnterminatedInlineTable,
    InvalidTableHeader,
    DuplicateKey,
    TableRedefined,
    ImmutableValue,
    NestingTooDeep,
    PathNotFound,
    PathConflict,
}

/// <summary>One problem found in a TOML file: what, where, and a short machine-readable reason.</summary>
public sealed record TomlDiagnostic(TomlErrorCode Code, string Message, TomlSpan Span)
{
    /// <summary>The code in kebab case, e.g. <c>duplicate-key</c>.</summary>
    public string Reason => ToKebab(Code.ToString());

    /// <summary><c>file:line:column: reason: message</c>, the form compilers use so editors can jump to it.</summary>
    public override string ToString() => $"{Span}: {Reason}: {Message}";

    private static string ToKebab(string name)
    {
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) chars.Append('-');
            chars.Append(char.ToLowerInvariant(name[i]));
        }
        return chars.ToString();
    }
}

/// <summary>Either a parsed document or the diagnostics explaining why there is none.</summary>
public sealed class TomlParseResult
{
    private TomlParseResult(TomlDocument? document, IReadOnlyList<TomlDiagnostic> diagnostics)
    {
        Document = document;
        Diagnostics = diagnostics;
    }

    public TomlDocument? Document { get; }

    public IReadOnlyList<TomlDiagnostic> Diagnostics { get; }

    public bool Success => Document is not null;

    public static TomlParseResult Ok(TomlDocument document) => new(document, []);

    public static TomlParseResult Failed(TomlDiagnostic diagnostic) => new(null, [diagnostic]);

    public bool TryGetDocument([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TomlDocument? document)
    {
        document = Document;
        return document is not null;
    }
}

/// <summary>Thrown inside the parser at the first error and caught at the API boundary; never escapes.</summary>
internal sealed class TomlSyntaxException(TomlDiagnostic diagnostic) : Exception(diagnostic.Message)
{
    public TomlDiagnostic Diagnostic { get; } = diagnostic;
}
