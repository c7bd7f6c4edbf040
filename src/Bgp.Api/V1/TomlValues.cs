using Bgp.Actors.Config.Toml;
using Grpc.Core;

namespace Bgp.Api.V1;

/// <summary>Request fields as the TOML values written to the configuration file (NeighborService, PeerGroupService, PolicyService).</summary>
internal static class TomlValues
{
    public static TomlArray Strings(IEnumerable<string> values) => new(values.Select(v => (TomlValue)new TomlString(v)));

    /// <summary>Family names ("ipv4-unicast"); INVALID_ARGUMENT for a family the daemon does not know.</summary>
    public static TomlArray Families(IEnumerable<Family> families) => Strings(families.Select(f =>
        (ProtoMapping.ToAfiSafi(f) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown family {f}"))).ToString()));

    /// <summary>A plain number becomes a TOML integer (the file's form for exact values and for setting one); anything else stays text.</summary>
    public static TomlValue NumberOrString(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n)
            ? new TomlInteger(n) : new TomlString(text);

    /// <summary><c>max_prefixes</c> as a table of family = limit, in name order.</summary>
    public static TomlTable PrefixLimits(IEnumerable<KeyValuePair<string, uint>> limits) =>
        new(limits.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create<string, TomlValue>(kv.Key, new TomlInteger(kv.Value))));
}
