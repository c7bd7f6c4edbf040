using System.Security.Cryptography;
using Bgp.Wire.Tests.Properties;
using Bgp.TestKit;
using Bgp.Wire.Tests.Support.Captures;
using Bgp.Wire.Tests.TestKit;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Fuzz;

/// <summary>
/// Bounded mutation fuzzing: at least 1,000,000 mutated messages (BGP_FUZZ_CASES overrides) are
/// decoded under several session contexts with zero exceptions. A crasher is saved to Fuzz/corpus
/// in the source tree and is replayed by <see cref="Every_saved_corpus_file_decodes_without_exception"/> forever.
/// </summary>
public class MutationFuzzTests
{
    private static readonly CodecContext[] Contexts =
    [
        CodecContext.Default,
        CodecContext.TwoOctetAs,
        CodecContext.Default with
        {
            ReceiveAddPath = new FamilySet(AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast),
            SendAddPath = new FamilySet(AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast),
        },
        CodecContext.Default with { ExtendedMessages = true, PeerKind = PeerKind.External },
        CodecContext.TwoOctetAs with { PeerKind = PeerKind.Internal, ReceiveAddPath = new FamilySet(AfiSafi.Ipv4Unicast) },
    ];

    private static string CorpusDir => Path.Combine(TestData.RepositoryRoot, "tests", "Bgp.Wire.Tests", "Fuzz", "corpus");

    /// <summary>
    /// Seeds: every BGP message in the test captures (real routers' UPDATEs, OPENs, NOTIFICATIONs
    /// and tcpdump's fuzzed cases), generated well-formed messages, hand-written edge cases and saved crashers.
    /// </summary>
    private static List<byte[]> Seeds()
    {
        var seeds = new List<byte[]>();
        var pcapRoot = TestData.Path("pcap");
        foreach (var file in Directory.EnumerateFiles(pcapRoot, "*", SearchOption.AllDirectories).Order())
        {
            if (file.EndsWith(".json", StringComparison.Ordinal) || file.EndsWith(".out", StringComparison.Ordinal)
                || file.EndsWith(".txt", StringComparison.Ordinal) || file.EndsWith(".md", StringComparison.Ordinal)
                || file.Contains("bmp", StringComparison.Ordinal) || file.Contains("BMP", StringComparison.Ordinal)) continue;
            try
            {
                foreach (var m in CaptureFile.ReadBgpMessages(file, 179, 1179).Items) seeds.Add(m.Bytes);
            }
            catch (InvalidDataException) { } // not a capture
        }
        foreach (var ctx in Contexts.Take(3))
            foreach (var m in Generators.Message(ctx).Sample(60, 300))
            {
                try { seeds.Add(MessageEncoder.Encode(m, ctx)); }
                catch (InvalidOperationException) { } // larger than the session allows: not a seed
            }
        foreach (var f in Directory.Exists(CorpusDir) ? Directory.GetFiles(CorpusDir) : [])
            seeds.Add(File.ReadAllBytes(f));
        return seeds;
    }

    /// <summary>Decodes under every context; on a clean UPDATE also checks re-encoding is stable.</summary>
    private static void Exercise(byte[] input)
    {
        foreach (var ctx in Contexts)
        {
            var r = MessageDecoder.Decode(input, ctx);
            if (r.Message is null || !r.IsClean) continue;
            // Send what we received: the mirror context writes path identifiers where they were read.
            var mirror = ctx with { SendAddPath = ctx.ReceiveAddPath };
            byte[] again;
            try { again = MessageEncoder.Encode(r.Message, mirror); }
            catch (InvalidOperationException) { continue; } // re-encoding may pass the size limit (e.g. AS4_PATH added)
            var r2 = MessageDecoder.Decode(again, ctx);
            if (!Equals(r2.Message, r.Message))
                throw new InvalidDataException($"re-encoded {r.Message.Type} does not decode to the same message: {r2.Errors}");
        }
    }

    [Test]
    public void A_million_mutated_messages_decode_without_a_single_exception()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("BGP_FUZZ_CASES"), out var n) ? n : 1_000_000;
        var seeds = Seeds();
        var mutator = new Mutator(20261121);
        var rng = new Random(7);
        var crashers = new List<string>();
        for (int i = 0; i < cases; i++)
        {
            var input = mutator.Mutate(seeds[rng.Next(seeds.Count)], seeds);
            try
            {
                Exercise(input);
            }
            catch (Exception e)
            {
                crashers.Add(Save(input) + ": " + e.GetType().Name + " " + e.Message);
                if (crashers.Count >= 20) break;
            }
        }
        TestContext.Out.WriteLine($"{cases} mutated cases from {seeds.Count} seeds");
        Assert.That(seeds.Count, Is.GreaterThan(1000), "the capture corpus should seed the fuzzer");
        Assert.That(crashers, Is.Empty, "crashers saved to " + CorpusDir);
    }

    [Test]
    public void Every_saved_corpus_file_decodes_without_exception()
    {
        var files = Directory.GetFiles(CorpusDir);
        Assert.That(files, Is.Not.Empty);
        foreach (var f in files)
            Assert.DoesNotThrow(() => Exercise(File.ReadAllBytes(f)), Path.GetFileName(f));
    }

    [Test]
    public void Random_bytes_of_every_length_up_to_a_kilobyte_never_throw()
    {
        var rng = new Random(1);
        for (int len = 0; len <= 1024; len++)
            for (int k = 0; k < 20; k++)
            {
                var b = new byte[len];
                rng.NextBytes(b);
                if (len >= 19 && k % 2 == 0)
                {
                    b.AsSpan(0, 16).Fill(0xFF);
                    b[16] = (byte)(len >> 8); b[17] = (byte)len;
                    b[18] = (byte)(1 + k % 5);
                }
                Assert.DoesNotThrow(() => Exercise(b));
            }
    }

    private static string Save(byte[] input)
    {
        Directory.CreateDirectory(CorpusDir);
        var name = "crash-" + Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant() + ".bin";
        File.WriteAllBytes(Path.Combine(CorpusDir, name), input);
        return name;
    }
}
