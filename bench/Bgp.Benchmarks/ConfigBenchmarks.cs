using BenchmarkDotNet.Attributes;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Toml;
using Bgp.TestKit;

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
        _text = ScaleConfig.Generate(Neighbors);
        _document = TomlDocument.Parse(_text, "generated.toml").Document
            ?? throw new InvalidOperationException("generated config does not parse");
        var check = BgpConfig.Bind(_document);
        if (!check.Success) throw new InvalidOperationException("generated config is invalid: " + check.Diagnostics[0]);
    }

    [Benchmark]
    public BgpConfig? ParseAndValidate() => BgpConfig.Parse(_text, "generated.toml").Config;

    [Benchmark]
    public BgpConfig? Validate() => BgpConfig.Bind(_document).Config;
}
