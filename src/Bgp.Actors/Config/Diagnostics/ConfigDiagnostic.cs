using Bgp.Actors.Config.Toml;

namespace Bgp.Actors.Config.Diagnostics;

/// <summary>
/// One problem with a configuration file: <see cref="Message"/> says what is wrong (the
/// <c>error:</c> line), <see cref="Span"/> where, <see cref="Label"/> is printed beside the caret and
/// says why, <see cref="Help"/> optionally how to fix it. <see cref="Code"/> is a stable kebab-case
/// name for scripts (<c>unknown-key</c>, <c>out-of-range</c>, or the TOML parser's reason).
/// A diagnostic about a file that could not be read has no span, only <see cref="FileName"/>.
/// </summary>
public sealed record ConfigDiagnostic(string Code, string Message, TomlSpan Span, string Label, string? Help = null)
{
    private readonly string? _fileName;

    /// <summary>The file the diagnostic is about: the span's file, or the one given for span-less diagnostics.</summary>
    public string FileName
    {
        get => Span.IsEmpty ? _fileName ?? "" : Span.FileName;
        init => _fileName = value;
    }

    public int Line => Span.Line;

    public int Column => Span.Column;

    /// <summary>A TOML syntax error, rendered like every other diagnostic.</summary>
    public static ConfigDiagnostic FromToml(TomlDiagnostic diagnostic) =>
        new(diagnostic.Reason, diagnostic.Message, diagnostic.Span, "invalid TOML here");

    /// <summary>A problem with the file itself (missing, unreadable).</summary>
    public static ConfigDiagnostic ForFile(string fileName, string code, string message) =>
        new(code, message, TomlSpan.None, "") { FileName = fileName };

    /// <summary>One line, compiler style: <c>file:line:col: error: message (label)</c>.</summary>
    public override string ToString() => Span.IsEmpty
        ? $"{FileName}: error: {Message}"
        : $"{Span}: error: {Message} ({Label})";
}
