using Bgp.Actors.Config.Diagnostics;
using Bgp.Actors.Config.Toml;

namespace Bgp.Actors.Config;

/// <summary>Either a validated configuration (with the document it came from) or every problem found.</summary>
public sealed class ConfigLoadResult
{
    internal ConfigLoadResult(BgpConfig? config, TomlDocument? document, IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        Config = config;
        Document = document;
        Diagnostics = diagnostics;
    }

    public BgpConfig? Config { get; }

    /// <summary>The parsed file, present whenever the TOML itself was valid (even if the schema was not).</summary>
    public TomlDocument? Document { get; }

    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    public bool Success => Config is not null;
}
