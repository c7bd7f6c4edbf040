using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Toml;

namespace Bgp.Benchmarks;

/// <summary>
/// Loading a route-server-sized configuration: 10,000 [[neighbors]] of seven keys each, in one peer
/// group, parsed as TOML and validated against the schema. The budget is 100 ms for
/// <see cref="ParseAndValidate"/>; <see cref="Validate"/> isolates the schema binder.
/// </summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private const int Neighbors = 10_000;
    private string _text = "";
    private TomlDocument _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = Generate(Neighbors);
        _document = TomlDocument.Parse(_text, "generated.toml").Document
            ?? throw new InvalidOperationException("generated config does not parse");
        var check = BgpConfig.Bind(_document);
        if (!check.Success) throw new InvalidOperationException("generated config is invalid: " + check.Diagnostics[0]);
    }

    [Benchmark]
    public BgpConfig? ParseAndValidate() => BgpConfig.Parse(_text, "generated.toml").Config;

    [Benchmark]
    public BgpConfig? Validate() => BgpConfig.Bind(_document).Config;

    public static string Generate(int neighbors)
    {
        var text = new StringBuilder(neighbors * 256);
        text.Append("# generated route-server configuration\n[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n\n")
            .Append("[peer_groups.members]\nroute_server_client = true\nhold_time = 180\nfamilies = [\"ipv4-unicast\", \"ipv6-unicast\"]\n");
        for (int i = 0; i < neighbors; i++)
        {
            string n = i.ToString(CultureInfo.InvariantCulture);
            text.Append("\n# member ").Append(n).Append('\n')
                .Append("[[neighbors]]\n")
                .Append("address = \"2001:db8::").Append(i.ToString("x", CultureInfo.InvariantCulture)).Append("\"\n")
                .Append("remote_asn = ").Append(65536 + i).Append('\n')
                .Append("description = 'IXP member ").Append(n).Append("'\n")
                .Append("peer_group = \"members\"\n")
                .Append("passive = ").Append(i % 2 == 0 ? "true" : "false").Append('\n')
                .Append("max_prefixes = { ipv4-unicast = 1_000, ipv6-unicast = 500 }\n")
                .Append("md5_password = \"secret-").Append(n).Append("\"\n");
        }
        return text.ToString();
    }
}
