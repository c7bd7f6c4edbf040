using System.Text;
using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

public class CaptureReaderTests
{
    private static readonly byte[][] Frames = [[1, 2, 3], [4, 5, 6, 7, 8], [], [9]];

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void Classic_pcap_reads_alike_in_either_byte_order_with_micro_or_nanosecond_stamps(bool bigEndian, bool nanoseconds)
    {
        var file = PcapWriter.Classic(LinkType.LinuxSll, Frames, bigEndian, nanoseconds);

        var result = CaptureReader.Read("t.pcap", file);

        AssertFrames(result, LinkType.LinuxSll);
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void Pcapng_reads_alike_in_either_byte_order_and_honours_if_tsresol(bool bigEndian, bool nanoseconds)
    {
        var file = PcapWriter.Pcapng(LinkType.LinuxSll2, Frames, bigEndian, tsresolNanos: nanoseconds);

        var result = CaptureReader.Read("t.pcapng", file);

        AssertFrames(result, LinkType.LinuxSll2);
    }

    [Test]
    public void Pcapng_simple_packet_blocks_belong_to_interface_zero_and_carry_no_time()
    {
        var result = CaptureReader.Read("t.pcapng", PcapWriter.Pcapng(LinkType.Raw, Frames, simple: true));

        Assert.That(result.Warnings, Is.Empty);
        Assert.That(result.Items.Select(f => f.Data.ToArray()), Is.EqualTo(Frames));
        Assert.That(result.Items.Select(f => f.LinkType), Is.All.EqualTo(LinkType.Raw));
        Assert.That(result.Items.Select(f => f.Time), Is.All.EqualTo(DateTimeOffset.UnixEpoch));
    }

    [Test]
    public void A_new_pcapng_section_may_switch_byte_order_and_frame_numbers_run_on()
    {
        var file = PcapWriter.Pcapng(LinkType.Ethernet, Frames).Concat(PcapWriter.Pcapng(LinkType.Raw, Frames, bigEndian: true)).ToArray();

        var result = CaptureReader.Read("t.pcapng", file);

        Assert.That(result.Warnings, Is.Empty);
        Assert.That(result.Items.Select(f => f.Number), Is.EqualTo(Enumerable.Range(1, 2 * Frames.Length)));
        Assert.That(result.Items.Select(f => f.LinkType), Is.EqualTo(Enumerable.Repeat(LinkType.Ethernet, 4).Concat(Enumerable.Repeat(LinkType.Raw, 4))));
    }

    [TestCase("")]
    [TestCase("GET / HTTP/1.1")]
    [TestCase("\u00d4\u00c3")] // half a magic number
    public void A_file_that_is_neither_pcap_nor_pcapng_is_the_one_thing_that_throws(string content)
    {
        var bytes = Encoding.Latin1.GetBytes(content);

        Assert.That(() => CaptureReader.Read("t.txt", bytes), Throws.InstanceOf<InvalidDataException>());
        Assert.That(() => CaptureFile.ReadBgpMessages("t.txt", bytes), Throws.InstanceOf<InvalidDataException>());
    }

    [Test]
    public void A_classic_record_running_past_the_end_of_the_file_ends_the_read_with_a_warning()
    {
        var file = PcapWriter.Classic(LinkType.Ethernet, Frames);

        var result = CaptureReader.Read("t.pcap", file.AsMemory(0, file.Length - 1));

        Assert.That(result.Items, Has.Count.EqualTo(Frames.Length - 1));
        Assert.That(result.Warnings.Single().FrameNumber, Is.EqualTo(Frames.Length));
        Assert.That(result.Warnings.Single().Text, Does.Contain("remain in the file"));
    }

    [Test]
    public void A_classic_file_cut_inside_its_header_yields_nothing_and_a_warning()
    {
        var result = CaptureReader.Read("t.pcap", PcapWriter.Classic(LinkType.Ethernet, Frames).AsMemory(0, 10));

        Assert.That(result.Items, Is.Empty);
        Assert.That(result.Warnings, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_pcapng_block_with_an_impossible_length_ends_the_read_with_a_warning()
    {
        var file = PcapWriter.Pcapng(LinkType.Ethernet, Frames);
        var lastBlock = file.Length - (12 + 20 + 4); // the 1-byte frame is padded to 4
        BitConverter.GetBytes(7u).CopyTo(file, lastBlock + 4); // not a multiple of 4

        var result = CaptureReader.Read("t.pcapng", file);

        Assert.That(result.Items, Has.Count.EqualTo(Frames.Length - 1));
        Assert.That(result.Warnings.Single().Text, Does.Contain("has length 7"));
    }

    [Test]
    public void A_pcapng_packet_naming_an_undescribed_interface_is_skipped_but_counted()
    {
        var file = PcapWriter.Pcapng(LinkType.Ethernet, Frames);
        int firstEpb = 28 + 24 + 16; // SHB, IDB (no options but the end marker), unknown block
        file[firstEpb + 8] = 5; // interface 5

        var result = CaptureReader.Read("t.pcapng", file);

        Assert.That(result.Items.Select(f => f.Number), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(result.Warnings.Single().FrameNumber, Is.EqualTo(1));
    }

    private static void AssertFrames(CaptureResult<CapturedFrame> result, LinkType linkType)
    {
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(result.Items.Select(f => f.Number), Is.EqualTo(Enumerable.Range(1, Frames.Length)));
        Assert.That(result.Items.Select(f => f.Data.ToArray()), Is.EqualTo(Frames));
        Assert.That(result.Items.Select(f => f.OriginalLength), Is.EqualTo(Frames.Select(f => (long)f.Length)));
        Assert.That(result.Items.Select(f => f.LinkType), Is.All.EqualTo(linkType));
        Assert.That(result.Items.Select(f => f.Time), Is.EqualTo(Enumerable.Range(0, Frames.Length).Select(PcapWriter.TimeOf)));
    }
}
