using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;
using static Bgp.Wire.Tests.Support.CapturesTests.Packets;

namespace Bgp.Wire.Tests.Support.CapturesTests;

public class StreamSplitterTests
{
    private static readonly byte[] Open = BgpMessage(1, 10), Update = BgpMessage(2, 30), Notification = BgpMessage(3, 2);

    [Test]
    public void Several_messages_in_one_segment_each_come_out_whole()
    {
        var result = new Conversation().Client(1, [], TcpFlags.Syn).Client(2, Concat(Open, Keepalive(), Update)).BgpMessages();

        Assert.That(result.Warnings, Is.Empty);
        Assert.That(result.Items.Select(m => m.Bytes), Is.EqualTo(new[] { Open, Keepalive(), Update }));
        Assert.That(result.Items.Select(m => m.Type), Is.EqualTo(new byte[] { 1, 4, 2 }));
        Assert.That(result.Items.Select(m => m.StreamOffset), Is.EqualTo(new long[] { 0, Open.Length, Open.Length + 19 }));
        Assert.That(result.Items.Select(m => m.FrameNumber), Is.All.EqualTo(2));
    }

    [Test]
    public void A_message_spread_over_segments_belongs_to_the_frame_of_its_last_byte()
    {
        var result = new Conversation()
            .Client(1, [], TcpFlags.Syn)
            .Client(2, Update[..10]).Client(12, Update[10..25]).Client(27, Update[25..])
            .BgpMessages();

        var message = result.Items.Single();
        Assert.That(message.Bytes, Is.EqualTo(Update));
        Assert.That(message.FrameNumber, Is.EqualTo(4));
        Assert.That(message.Time, Is.EqualTo(PcapWriter.TimeOf(3)));
        Assert.That(message.Direction, Is.EqualTo(new Conversation().ClientToServer));
    }

    [Test]
    public void A_broken_marker_is_reported_and_splitting_resumes_at_the_next_confirmed_boundary_RFC4271_6_1()
    {
        var broken = (byte[])Open.Clone();
        broken[3] = 0x00;

        var result = new Conversation().Client(1, [], TcpFlags.Syn).Client(2, Concat(broken, Update, Keepalive())).BgpMessages();

        Assert.That(result.Items.Select(m => m.Bytes), Is.EqualTo(new[] { Update, Keepalive() }));
        Assert.That(result.Warnings.Select(w => w.Text), Has.Some.Contains("marker is not all ones"));
        Assert.That(result.Warnings.Select(w => w.Text), Has.Some.Contains($"skipped {Open.Length} bytes"));
    }

    [Test]
    public void A_length_below_the_header_is_reported_and_resynchronised_RFC4271_6_1()
    {
        var tooShort = Keepalive();
        tooShort[17] = 18;

        var result = new Conversation().Client(1, [], TcpFlags.Syn).Client(2, Concat(tooShort, Notification)).BgpMessages();

        Assert.That(result.Items.Select(m => m.Bytes), Is.EqualTo(new[] { Notification }));
        Assert.That(result.Warnings.Select(w => w.Text), Has.Some.Contains("length 18 is shorter"));
    }

    [Test]
    public void A_message_cut_short_by_the_end_of_the_capture_is_a_warning_not_a_message()
    {
        var result = new Conversation().Client(1, [], TcpFlags.Syn).Client(2, Concat(Open, Update[..^1])).BgpMessages();

        Assert.That(result.Items.Select(m => m.Bytes), Is.EqualTo(new[] { Open }));
        Assert.That(result.Warnings.Single().Text, Does.Contain($"truncated: {Update.Length - 1} of {Update.Length} bytes"));
    }

    [Test]
    public void A_capture_joined_mid_message_skips_to_the_first_boundary_a_second_header_confirms()
    {
        // The tail of an UPDATE whose body happens to hold 16 x 0xFF and a plausible length, then real messages.
        byte[] decoy = [.. Enumerable.Repeat((byte)0xFF, 16), 0x00, 0x13, 0x04, 0x01, 0x02];
        var result = new Conversation().Client(777, Concat(decoy, Open, Keepalive())).BgpMessages();

        Assert.That(result.Items.Select(m => m.Bytes), Is.EqualTo(new[] { Open, Keepalive() }));
        Assert.That(result.Warnings.Single().Text, Does.Contain($"skipped {decoy.Length} bytes").And.Contain("mid-flight"));
    }

    [Test]
    public void A_run_of_more_than_sixteen_ones_does_not_hide_the_marker()
    {
        byte[] lead = [0xFF, 0xFF, 0xFF];
        var result = new Conversation().Client(777, Concat(lead, Keepalive(), Keepalive())).BgpMessages();

        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Items[0].StreamOffset, Is.EqualTo(3));
    }

    [Test]
    public void Only_streams_on_the_given_ports_are_split_and_179_is_the_default()
    {
        var onAlternatePort = new Conversation(serverPort: 1179).Client(1, [], TcpFlags.Syn).Client(2, Keepalive()).Server(9, Keepalive());

        Assert.That(onAlternatePort.BgpMessages().Items, Is.Empty);
        Assert.That(onAlternatePort.BgpMessages(1179).Items, Has.Count.EqualTo(2));
        Assert.That(onAlternatePort.BgpMessages(CaptureFile.BgpPort, 1179).Items, Has.Count.EqualTo(2));
    }

    [Test]
    public void Messages_of_both_directions_come_out_in_capture_order()
    {
        var result = new Conversation()
            .Client(1, Open).Server(50, Open).Server(50 + (uint)Open.Length, Keepalive()).Client(1 + (uint)Open.Length, Keepalive())
            .BgpMessages();

        Assert.That(result.Items.Select(m => (m.FrameNumber, m.Type)), Is.EqualTo(new[] { (1, (byte)1), (2, (byte)1), (3, (byte)4), (4, (byte)4) }));
    }

    [Test]
    public void BMP_messages_split_on_the_common_header_RFC7854_4_1()
    {
        byte[] initiation = BmpMessage(4, 20), peerUp = BmpMessage(3, 100), monitoring = BmpMessage(0, 60);
        monitoring[0] = 4; // BMPv4 (draft-ietf-grow-bmp-tlv) keeps the same header

        var content = new Conversation(serverPort: 1790).Client(1, Concat(initiation, peerUp)).Client(1 + (uint)(initiation.Length + peerUp.Length), monitoring).ToPcap();
        var result = CaptureFile.ReadBmpMessages("bmp.pcap", content);

        Assert.That(result.Warnings, Is.Empty);
        Assert.That(result.Items.Select(m => m.Bytes), Is.EqualTo(new[] { initiation, peerUp, monitoring }));
        Assert.That(result.Items.Select(m => m.Type), Is.EqualTo(new byte[] { 4, 3, 0 }));
        Assert.That(CaptureFile.ReadBmpMessages("bmp.pcap", content, 10000).Items, Is.Empty);
    }

    [Test]
    public void A_BMP_header_of_another_version_is_reported_and_resynchronised()
    {
        byte[] good = BmpMessage(1, 30), bad = BmpMessage(1, 30);
        bad[0] = 2;

        var content = new Conversation(serverPort: 1790).Client(1, [], TcpFlags.Syn).Client(2, Concat(bad, good, good)).ToPcap();
        var result = CaptureFile.ReadBmpMessages("bmp.pcap", content, 1790);

        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Warnings.Select(w => w.Text), Has.Some.Contains("version 2"));
    }

    [Test]
    public void The_splitter_can_be_driven_on_a_stream_directly()
    {
        var stream = new Conversation().Client(1, Concat(Keepalive(), Notification)).Streams().Items.Single();
        var warnings = new List<CaptureWarning>();

        var messages = StreamSplitter.Split<BgpFraming>(stream, warnings);

        Assert.That(messages.Select(m => m.Type), Is.EqualTo(new byte[] { 4, 3 }));
        Assert.That(warnings, Is.Empty);
    }
}
