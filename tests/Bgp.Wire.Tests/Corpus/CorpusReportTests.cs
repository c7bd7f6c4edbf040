using System.Text;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// One table over the whole corpus: per source, how many messages were decoded, how many were clean,
/// how the others were classified, and how re-encoding went. Printed to the test output; the
/// assertions only tie the columns together, the other tests judge the rows.
/// </summary>
public class CorpusReportTests
{
    private sealed class Row(string source, int decoded, int clean, IReadOnlyDictionary<ErrorAction, int> classified,
        int identical, IReadOnlyDictionary<string, int> nonCanonical)
    {
        public string Source { get; } = source;
        public int Decoded { get; } = decoded;
        public int Clean { get; } = clean;
        public IReadOnlyDictionary<ErrorAction, int> Classified { get; } = classified;
        public int Identical { get; } = identical;
        public IReadOnlyDictionary<string, int> NonCanonical { get; } = nonCanonical;
    }

    private static Row Tally(string source, IReadOnlyList<CorpusMessage> messages)
    {
        var results = messages.Select(m => m.Decode()).ToList();
        var outcomes = ReencodeTests.Reencode(messages).ToList();
        return new Row(source, messages.Count, results.Count(r => r.IsClean),
            results.Where(r => !r.IsClean).GroupBy(r => r.Action).ToDictionary(g => g.Key, g => g.Count()),
            outcomes.Count(o => o.Identical),
            outcomes.Where(o => !o.Identical).SelectMany(o => o.Reasons).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count()));
    }

    private static IEnumerable<Row> Rows()
    {
        yield return Tally("exabgp/decoding", ExaBgpVectors.Decoding);
        yield return Tally("exabgp/encoding", ExaBgpVectors.Encoding);
        foreach (var dir in new[] { "tcpdump", "packetlife", "netgauze" })
        {
            var files = CaptureCorpus.Files().Where(f => f.Name.StartsWith(dir + "/", StringComparison.Ordinal)).ToList();
            yield return Tally($"pcap/{dir} (well-formed)", files.Where(f => !FuzzedCaptures.IsFuzzed(f.Name)).SelectMany(f => f.Messages).ToList());
            if (dir == "netgauze")
                yield return Tally("pcap/netgauze (inside BMP)", BmpCorpus.Files().SelectMany(f => f.Messages).SelectMany(m => m.Bgp).ToList());
            if (dir == "tcpdump")
                yield return Tally("pcap/tcpdump (malformed: candidates)", FuzzedCaptures.Names.SelectMany(FuzzedCaptures.Candidates).ToList());
        }
    }

    [Test]
    public void The_corpus_report_accounts_for_every_message()
    {
        var rows = Rows().ToList();
        var text = new StringBuilder();
        text.AppendLine("source | decoded | clean | classified | re-encoded identically | non-canonical (reason: count)");
        foreach (var r in rows)
        {
            text.AppendLine($"{r.Source} | {r.Decoded} | {r.Clean} | {Join(r.Classified.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}"))} | "
                + $"{r.Identical} | {Join(r.NonCanonical.Select(x => $"{x.Key}: {x.Value}"))}");
            Assert.That(r.Clean + r.Classified.Values.Sum(), Is.EqualTo(r.Decoded), r.Source);
            Assert.That(r.Identical, Is.LessThanOrEqualTo(r.Clean), r.Source);
        }
        text.AppendLine($"total | {rows.Sum(r => r.Decoded)} | {rows.Sum(r => r.Clean)} | {rows.Sum(r => r.Classified.Values.Sum())} | {rows.Sum(r => r.Identical)} |");
        TestContext.Out.WriteLine(text.ToString());
    }

    private static string Join(IEnumerable<string> items)
    {
        var s = string.Join(", ", items);
        return s.Length == 0 ? "-" : s;
    }
}
