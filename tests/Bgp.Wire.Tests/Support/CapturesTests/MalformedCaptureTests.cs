using System.Buffers.Binary;
using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

/// <summary>Malformed input never throws: it shows up as warnings. Only a file that is not a capture at all throws.</summary>
public class MalformedCaptureTests
{
    private const int Seed = 20241121;
    private const int MutationsPerFile = 200;
    private const int MaxFuzzedFileLength = 64 * 1024;

    private static IEnumerable<string> AllCaptures() =>
        Directory.EnumerateFiles(TestData.Path("pcap"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal) || f.EndsWith(".cap", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(TestData.Path("pcap"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> FuzzerMadeCaptures() => AllCaptures().Where(f => f.Contains("oobr", StringComparison.Ordinal));

    [TestCaseSource(nameof(FuzzerMadeCaptures))]
    public void Fuzzer_made_oobr_captures_are_read_without_throwing_and_with_warnings(string file)
    {
        var bytes = File.ReadAllBytes(CaptureCountTests.Pcap(file));
        CaptureResult<CapturedMessage>? bgp = null;

        Assert.DoesNotThrow(() =>
        {
            CaptureReader.Read(file, bytes);
            CaptureFile.ReadTcpStreams(file, bytes);
            bgp = CaptureFile.ReadMessages<BgpFraming>(file, bytes, []); // every stream, whatever its port
            CaptureFile.ReadBmpMessages(file, bytes);
        });
        Assert.That(bgp!.Warnings, Is.Not.Empty);
    }

    [TestCaseSource(nameof(AllCaptures))]
    public void Randomly_damaged_captures_are_read_without_throwing(string file)
    {
        var original = File.ReadAllBytes(CaptureCountTests.Pcap(file));
        if (original.Length > MaxFuzzedFileLength) original = original[..MaxFuzzedFileLength]; // the cut is damage of its own
        var random = new Random(Seed ^ file.Length);

        for (int i = 0; i < MutationsPerFile; i++)
        {
            var damaged = Mutate(original, random);
            Assert.DoesNotThrow(() =>
            {
                var bgp = CaptureFile.ReadMessages<BgpFraming>(file, damaged, []);
                var bmp = CaptureFile.ReadBmpMessages(file, damaged);
                AssertWellFramed(bgp.Items, bmp.Items);
            }, $"mutation {i} of {file}");
        }
    }

    [TestCaseSource(nameof(AllCaptures))]
    public void Every_message_is_whole_and_messages_are_in_capture_order(string file)
    {
        var bgp = CaptureFile.ReadBgpMessages(CaptureCountTests.Pcap(file), CaptureFile.BgpPort, 1179);
        var bmp = CaptureFile.ReadBmpMessages(CaptureCountTests.Pcap(file), 1790, 10000);

        AssertWellFramed(bgp.Items, bmp.Items);
        Assert.That(bgp.Items.Select(m => m.FrameNumber), Is.Ordered);
        Assert.That(bmp.Items.Select(m => m.FrameNumber), Is.Ordered);
    }

    [Test]
    public void Warnings_are_bounded_however_broken_the_capture()
    {
        var frames = Enumerable.Repeat(new byte[] { 1, 2, 3 }, 5000).ToList(); // each too short for Ethernet

        var result = CaptureFile.ReadTcpStreams("broken.pcap", PcapWriter.Classic(LinkType.Ethernet, frames));

        Assert.That(result.Warnings, Has.Count.EqualTo(1001));
        Assert.That(result.Warnings[^1].Text, Is.EqualTo("4000 further warnings suppressed"));
    }

    [Test]
    public void An_unsupported_link_type_is_reported_once()
    {
        var frames = Enumerable.Repeat(new byte[] { 1, 2, 3 }, 10).ToList();

        var result = CaptureFile.ReadTcpStreams("usb.pcap", PcapWriter.Classic((LinkType)189, frames));

        Assert.That(result.Warnings.Single().Text, Does.Contain("link type 189 is not supported"));
    }

    private static void AssertWellFramed(IReadOnlyList<CapturedMessage> bgp, IReadOnlyList<CapturedMessage> bmp)
    {
        foreach (var m in bgp)
        {
            if (m.Bytes.Length < 19 || m.Bytes.AsSpan(0, 16).ContainsAnyExcept((byte)0xFF) || BinaryPrimitives.ReadUInt16BigEndian(m.Bytes.AsSpan(16)) != m.Bytes.Length || m.Bytes[18] != m.Type)
                Assert.Fail($"ill-framed BGP message: {m}");
        }
        foreach (var m in bmp)
        {
            if (m.Bytes.Length < 6 || m.Bytes[0] is not (3 or 4) || BinaryPrimitives.ReadUInt32BigEndian(m.Bytes.AsSpan(1)) != m.Bytes.Length || m.Bytes[5] != m.Type)
                Assert.Fail($"ill-framed BMP message: {m}");
        }
    }

    /// <summary>One of: flip a few bytes, cut the file short, repeat a slice, or zero a run. The 4-byte magic is kept.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var b = (byte[])original.Clone();
        int At() => random.Next(4, b.Length);
        switch (random.Next(4))
        {
            case 0:
                for (int n = random.Next(1, 9); n > 0; n--) b[At()] = (byte)random.Next(256);
                return b;
            case 1:
                return b[..At()];
            case 2:
            {
                int from = At(), length = random.Next(1, Math.Min(200, b.Length - from) + 1), to = At();
                return [.. b[..to], .. b.AsSpan(from, length), .. b[to..]];
            }
            default:
            {
                int from = At();
                b.AsSpan(from, random.Next(0, Math.Min(64, b.Length - from) + 1)).Clear();
                return b;
            }
        }
    }
}
