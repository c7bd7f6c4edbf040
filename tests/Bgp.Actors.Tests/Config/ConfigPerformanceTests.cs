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
    internal static string GenerateConfig(int neighbors)
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

    [Test]
    public void A_10000_neighbor_config_parses_and_validates_and_the_time_is_reported()
    {
        string text = GenerateConfig(10_000);
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
