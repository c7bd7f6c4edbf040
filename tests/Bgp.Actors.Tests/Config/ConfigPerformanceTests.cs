using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bgp.Actors.Config;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config;

/// <summary>
/// The issue's budget is 100 ms to parse and validate a 10,000-neighbor file, measured by
/// bench/Bgp.Benchmarks/ConfigBenchmarks.cs (docs/BENCHMARKS.md). This test checks the same file
/// binds cleanly and reports the time; its bound is loose because CI machines are shared.
/// </summary>
[TestFixture]
public sealed class ConfigPerformanceTests
{
    [Test]
    public void A_10000_neighbor_config_parses_and_validates_and_the_time_is_reported()
    {
        string text = ScaleConfig.Generate(10_000);
        var first = BgpConfig.Parse(text, "generated.toml");
        Assert.That(first.Diagnostics, Is.Empty, () => string.Join("\n", first.Diagnostics.Take(5)));
        Assert.That(first.Config!.Neighbors, Has.Count.EqualTo(10_000));

        var timings = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            var result = BgpConfig.Parse(text, "generated.toml");
            timings.Add(watch.Elapsed.TotalMilliseconds);
            Assert.That(result.Success, Is.True);
        }
        double best = timings.Min();
        var parseOnly = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            _ = Bgp.Actors.Config.Toml.TomlDocument.Parse(text, "generated.toml");
            parseOnly.Add(watch.Elapsed.TotalMilliseconds);
        }
        TestContext.Out.WriteLine($"TOML parse alone: best {parseOnly.Min():F1} ms");
        TestContext.Out.WriteLine($"10,000 neighbors ({text.Length / 1024} KiB): best {best:F1} ms, all [{string.Join(", ", timings.Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))}] ms");
        Assert.That(best, Is.LessThan(1000), "an order of magnitude above the 100 ms budget: something went quadratic");
    }
}
