using System.Net;
using System.Text;
using Bgp.Actors.Config.Diagnostics;
using Bgp.Actors.Config.Toml;

namespace Bgp.Actors.Config.Persistence;

/// <summary>Knobs for tests; production code passes none.</summary>
public sealed class ConfigStoreOptions
{
    /// <summary>Runs between writing the temporary file and renaming it; a test throws here to simulate a crash.</summary>
    public Action<string>? BeforeRename { get; init; }
}

/// <summary>
/// Puts a validated configuration into force in the running daemon (the peer manager applies it): null when every part
/// of it was applied, else why it was not, with nothing of it applied. A store commits a change only after this succeeded.
/// </summary>
public delegate Task<string?> ConfigApplier(BgpConfig candidate);

/// <summary>The outcome of a mutation: the configuration now in force, what changed, or why nothing did.</summary>
public sealed record ConfigMutationResult(bool Success, BgpConfig Config, ConfigDiff? Diff, string? Error, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    internal static ConfigMutationResult Failed(BgpConfig config, string error, IReadOnlyList<ConfigDiagnostic>? diagnostics = null) =>
        new(false, config, null, error, diagnostics ?? []);
}

/// <summary>
/// The single writer of the configuration file. It owns the parsed document and the validated
/// configuration; every mutation runs under one lock and is all-or-nothing:
/// edit the document (<see cref="TomlEditor"/>, so comments and untouched sections survive) →
/// validate the new text against the schema → write it with <see cref="AtomicFile"/> → only then
/// swap the in-memory state. Any failure (edit refused, schema error, I/O error, the file changed on
/// disk behind our back) leaves the file and <see cref="Current"/> exactly as they were.
/// </summary>
public sealed class ConfigStore : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConfigStoreOptions _options;
    private TomlDocument _document;
    private BgpConfig _config;
    private byte[] _onDisk;

    private ConfigStore(string path, TomlDocument document, BgpConfig config, byte[] onDisk, ConfigStoreOptions options)
    {
        Path = path;
        _document = document;
        _config = config;
        _onDisk = onDisk;
        _options = options;
    }

    public string Path { get; }

    /// <summary>The configuration in force: the last one successfully written.</summary>
    public BgpConfig Current => Volatile.Read(ref _config);

    /// <summary>The file's text as last written or read.</summary>
    public string Text => Volatile.Read(ref _document).Text;

    /// <summary>The document as last read or written (parsed, with positions).</summary>
    public Toml.TomlDocument Document => Volatile.Read(ref _document);

    /// <summary>
    /// Loads and validates <paramref name="path"/>, first deleting temporary files an interrupted
    /// write left beside it (the target itself is always whole: old or new).
    /// </summary>
    public static (ConfigStore? Store, IReadOnlyList<ConfigDiagnostic> Diagnostics) Open(string path, ConfigStoreOptions? options = null)
    {
        AtomicFile.CleanLeftovers(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, [ConfigDiagnostic.ForFile(path, "unreadable-file", $"cannot read `{path}`: {e.Message}")]);
        }
        var parsed = TomlDocument.Parse(bytes, path);
        if (parsed.Document is null) return (null, [.. parsed.Diagnostics.Select(ConfigDiagnostic.FromToml)]);
        var load = ConfigBinder.Bind(parsed.Document);
        if (load.Config is null) return (null, load.Diagnostics);
        return (new ConfigStore(path, parsed.Document, load.Config, bytes, options ?? new ConfigStoreOptions()), []);
    }

    /// <summary>Applies <paramref name="edit"/> (one or more editor calls; return the last result) and persists it.</summary>
    /// <param name="apply">
    /// Puts the edited configuration into force once the file is written; when it fails the previous bytes are written
    /// back and nothing changes. Null: the caller applies it itself (tests of the file alone).
    /// </param>
    public async Task<ConfigMutationResult> MutateAsync(Func<TomlEditor, TomlEditResult> edit, ConfigApplier? apply = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await MutateAsync(edit, apply).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Re-reads the file after someone edited it (SIGHUP). When it is valid and <paramref name="apply"/> put it into
    /// force, it becomes the document later API changes edit, and the result carries the difference to the
    /// configuration before; when it is not valid, or could not be applied, nothing changes (the running configuration
    /// and the last good document stay; API changes are refused until the file is fixed and reloaded) and the result
    /// says why.
    /// </summary>
    public async Task<ConfigMutationResult> ReloadAsync(ConfigApplier? apply = null, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var config = _config;
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var unreadable = ConfigDiagnostic.ForFile(Path, "unreadable-file", $"cannot read `{Path}`: {e.Message}");
                return ConfigMutationResult.Failed(config, unreadable.Message, [unreadable]);
            }
            var parsed = TomlDocument.Parse(bytes, Path);
            if (parsed.Document is null)
            {
                var syntax = parsed.Diagnostics.Select(ConfigDiagnostic.FromToml).ToList();
                return ConfigMutationResult.Failed(config, DiagnosticRenderer.Render(syntax), syntax);
            }
            var load = ConfigBinder.Bind(parsed.Document);
            if (load.Config is null) return ConfigMutationResult.Failed(config, DiagnosticRenderer.Render(load.Diagnostics), load.Diagnostics);
            if (await ApplyAsync(apply, load.Config).ConfigureAwait(false) is { } why)
                return ConfigMutationResult.Failed(config, $"`{Path}` is valid but could not be applied: {why}; the running configuration is unchanged");
            var diff = ConfigDiff.Compute(config, load.Config);
            _onDisk = bytes;
            Volatile.Write(ref _document, parsed.Document);
            Volatile.Write(ref _config, load.Config);
            return new ConfigMutationResult(true, load.Config, diff, null, []);
        }
        finally
        {
            _writer.Release();
        }
    }

    public Task<ConfigMutationResult> SetAsync(TomlPath path, TomlValue value, ConfigApplier? apply = null, CancellationToken cancellationToken = default) =>
        MutateAsync(editor => editor.Set(path, value), apply, cancellationToken);

    public Task<ConfigMutationResult> RemoveAsync(TomlPath path, ConfigApplier? apply = null, CancellationToken cancellationToken = default) =>
        MutateAsync(editor => editor.Remove(path), apply, cancellationToken);

    /// <summary>Appends a <c>[[neighbors]]</c> table with the given keys (at least <c>address</c> and usually <c>remote_asn</c>).</summary>
    public Task<ConfigMutationResult> AddNeighborAsync(IEnumerable<KeyValuePair<string, TomlValue>> entries, ConfigApplier? apply = null,
        CancellationToken cancellationToken = default) =>
        MutateAsync(editor => editor.AppendArrayTable(TomlPath.Root.Key("neighbors"), entries), apply, cancellationToken);

    /// <summary>Removes the neighbor with this address, with its comments.</summary>
    public Task<ConfigMutationResult> RemoveNeighborAsync(IPAddress address, ConfigApplier? apply = null, CancellationToken cancellationToken = default) =>
        MutateAsync(editor => NeighborIndex(editor.Document, address) is int index
            ? editor.RemoveArrayTable(TomlPath.Root.Key("neighbors"), index)
            : TomlEditResult.Failed(new TomlDiagnostic(TomlErrorCode.PathNotFound, $"there is no neighbor {address}",
                new TomlSpan(editor.Document.Source, 0, 0))), apply, cancellationToken);

    /// <summary>The position of a neighbor in the file's <c>[[neighbors]]</c> array.</summary>
    public static int? NeighborIndex(TomlDocument document, IPAddress address)
    {
        if (!document.Root.TryGetValue("neighbors", out var value) || value is not TomlArray array) return null;
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is TomlTable table && table.TryGetValue("address", out var text) && text is TomlString s
                && ConfigBinder.TryParseAddress(s.Value, out var parsed) && parsed.Equals(address))
            {
                return i;
            }
        }
        return null;
    }

    private async Task<ConfigMutationResult> MutateAsync(Func<TomlEditor, TomlEditResult> edit, ConfigApplier? apply)
    {
        var config = _config;
        byte[] disk;
        try
        {
            disk = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ConfigMutationResult.Failed(config, $"cannot read `{Path}` before changing it: {e.Message}");
        }
        // Single writer: somebody else editing the file would be overwritten, so refuse instead.
        if (!disk.AsSpan().SequenceEqual(_onDisk))
        {
            return ConfigMutationResult.Failed(config, $"`{Path}` was changed on disk since the daemon read it; reload it before changing it through the API");
        }

        var editor = _document.Edit();
        var edited = edit(editor);
        if (!edited.Success)
        {
            return ConfigMutationResult.Failed(config, $"edit refused: {edited.Error!.Message}", [ConfigDiagnostic.FromToml(edited.Error)]);
        }
        var candidate = editor.Document;
        var load = ConfigBinder.Bind(candidate);
        if (load.Config is null)
        {
            return ConfigMutationResult.Failed(config,
                "the change would make the configuration invalid:\n" + DiagnosticRenderer.Render(load.Diagnostics), load.Diagnostics);
        }

        byte[] bytes = new UTF8Encoding(false).GetBytes(candidate.Text);
        try
        {
            AtomicFile.Write(Path, bytes, _options.BeforeRename);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ConfigMutationResult.Failed(config, $"cannot write `{Path}`: {e.Message}; the file is unchanged");
        }

        if (await ApplyAsync(apply, load.Config).ConfigureAwait(false) is { } why)
        {
            // The running daemon could not take it: the file goes back to what it was, so file and daemon agree.
            try
            {
                AtomicFile.Write(Path, disk);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ConfigMutationResult.Failed(config,
                    $"the change could not be applied ({why}) and `{Path}` could not be restored ({e.Message}): the file holds the change, the daemon runs without it; fix the file and reload");
            }
            return ConfigMutationResult.Failed(config, $"the change could not be applied: {why}; `{Path}` and the running configuration are unchanged");
        }

        var diff = ConfigDiff.Compute(config, load.Config);
        _onDisk = bytes;
        Volatile.Write(ref _document, candidate);
        Volatile.Write(ref _config, load.Config);
        return new ConfigMutationResult(true, load.Config, diff, null, []);
    }

    /// <summary>Null when <paramref name="apply"/> (if any) put the configuration into force, else why not.</summary>
    private static async Task<string?> ApplyAsync(ConfigApplier? apply, BgpConfig candidate)
    {
        if (apply is null) return null;
        try
        {
            return await apply(candidate).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e.Message;
        }
    }

    public void Dispose() => _writer.Dispose();
}
