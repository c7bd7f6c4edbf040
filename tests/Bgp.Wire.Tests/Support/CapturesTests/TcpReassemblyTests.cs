using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

public class TcpReassemblyTests
{
    private const uint Isn = 5000;
    private static readonly byte[] Abc = "abc"u8.ToArray(), Def = "def"u8.ToArray(), Ghi = "ghi"u8.ToArray();

    [Test]
    public void Data_after_a_SYN_starts_at_the_initial_sequence_number_plus_one_RFC9293_3_4()
    {
        var result = new Conversation()
            .Client(Isn, [], TcpFlags.Syn)
            .Server(9000, [], TcpFlags.Syn | TcpFlags.Ack)
            .Client(Isn + 1, Abc).Client(Isn + 4, Def)
            .Streams();

        var stream = result.Items.Single();
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(stream.Data.ToArray(), Is.EqualTo("abcdef"u8.ToArray()));
        Assert.That(stream.StartsAtSyn, Is.True);
        Assert.That(stream.Chunks.Select(c => (c.Offset, c.FrameNumber)), Is.EqualTo(new[] { (0L, 3), (3L, 4) }));
    }

    [Test]
    public void Segments_captured_out_of_order_are_put_in_sequence_order()
    {
        var stream = new Conversation()
            .Client(Isn, [], TcpFlags.Syn)
            .Client(Isn + 7, Ghi).Client(Isn + 1, Abc).Client(Isn + 4, Def)
            .Streams().Items.Single();

        Assert.That(stream.Data.ToArray(), Is.EqualTo("abcdefghi"u8.ToArray()));
    }

    [Test]
    public void Retransmissions_overlaps_and_keepalive_probes_are_delivered_once()
    {
        var result = new Conversation()
            .Client(Isn, [], TcpFlags.Syn)
            .Client(Isn + 1, Abc)
            .Client(Isn + 1, Abc)                  // retransmission
            .Client(Isn + 2, "bcdef"u8.ToArray())  // overlaps what was delivered
            .Client(Isn + 5, "f"u8.ToArray())      // keep-alive probe style: one old byte
            .Client(Isn + 7, Ghi)
            .Streams();

        Assert.That(result.Items.Single().Data.ToArray(), Is.EqualTo("abcdefghi"u8.ToArray()));
        Assert.That(result.Warnings, Is.Empty);
    }

    [Test]
    public void A_missing_segment_stops_the_stream_and_the_rest_becomes_a_stream_after_the_gap()
    {
        var result = new Conversation()
            .Client(Isn, [], TcpFlags.Syn)
            .Client(Isn + 1, Abc).Client(Isn + 7, Ghi) // "def" was never captured
            .Streams();

        Assert.That(result.Items.Select(s => s.Data.ToArray()), Is.EqualTo(new[] { Abc, Ghi }));
        Assert.That(result.Items.Select(s => (s.StartsAtSyn, s.EndsAtGap, s.StartsAfterGap)),
            Is.EqualTo(new[] { (true, true, false), (false, false, true) }));
        Assert.That(result.Warnings.Single().Text, Does.Contain("3 bytes missing at connection offset 3"));
        Assert.That(result.Warnings.Single().FrameNumber, Is.EqualTo(3));
    }

    [Test]
    public void Without_a_SYN_the_stream_starts_at_the_first_segment_captured()
    {
        var stream = new Conversation()
            .Client(Isn + 4, Def)
            .Client(Isn + 1, Abc) // a retransmission of bytes sent before the capture began
            .Client(Isn + 7, Ghi)
            .Streams().Items.Single();

        Assert.That(stream.Data.ToArray(), Is.EqualTo("defghi"u8.ToArray()));
        Assert.That(stream.StartsAtSyn, Is.False);
    }

    [Test]
    public void Sequence_numbers_wrapping_past_2_to_the_32_keep_their_order()
    {
        uint nearTop = uint.MaxValue - 3; // data starts at 2^32 - 3
        var stream = new Conversation()
            .Client(nearTop, [], TcpFlags.Syn)
            .Client(unchecked(nearTop + 4), Def) // wrapped: 0
            .Client(unchecked(nearTop + 1), Abc)
            .Client(unchecked(nearTop + 7), Ghi)
            .Streams().Items.Single();

        Assert.That(stream.Data.ToArray(), Is.EqualTo("abcdefghi"u8.ToArray()));
    }

    [Test]
    public void Each_direction_is_its_own_stream_and_streams_follow_capture_order()
    {
        var result = new Conversation()
            .Server(700, Def)
            .Client(100, Abc)
            .Streams();

        var c = new Conversation();
        Assert.That(result.Items.Select(s => s.Direction), Is.EqualTo(new[] { c.ClientToServer.Reverse, c.ClientToServer }));
        Assert.That(result.Items.Select(s => s.Data.ToArray()), Is.EqualTo(new[] { Def, Abc }));
    }

    [Test]
    public void A_SYN_with_a_new_initial_sequence_number_starts_a_new_connection()
    {
        var result = new Conversation()
            .Client(Isn, [], TcpFlags.Syn).Client(Isn + 1, Abc)
            .Client(Isn, [], TcpFlags.Syn) // retransmitted SYN: same connection
            .Client(70000, [], TcpFlags.Syn).Client(70001, Def)
            .Streams();

        Assert.That(result.Items.Select(s => s.Data.ToArray()), Is.EqualTo(new[] { Abc, Def }));
        Assert.That(result.Items.Select(s => s.StartsAtSyn), Is.All.True);
    }

    [Test]
    public void Data_carried_by_a_SYN_follows_the_SYN_sequence_number()
    {
        var stream = new Conversation()
            .Client(Isn, Abc, TcpFlags.Syn)
            .Client(Isn + 4, Def)
            .Streams().Items.Single();

        Assert.That(stream.Data.ToArray(), Is.EqualTo("abcdef"u8.ToArray()));
    }

    [Test]
    public void Synthesized_traffic_whose_SYN_data_takes_no_extra_sequence_number_still_lines_up()
    {
        // pmacct's test captures: SYN seq=1 with 19 bytes, next segment seq=20.
        var stream = new Conversation()
            .Client(1, Abc, TcpFlags.Syn)
            .Client(4, Def)
            .Streams().Items.Single();

        Assert.That(stream.Data.ToArray(), Is.EqualTo("abcdef"u8.ToArray()));
    }

    [Test]
    public void IPv6_conversations_reassemble_like_IPv4_ones()
    {
        var result = new Conversation(ipv6: true).Client(Isn, [], TcpFlags.Syn).Client(Isn + 1, Abc).Client(Isn + 4, Def).Streams();

        Assert.That(result.Items.Single().Data.ToArray(), Is.EqualTo("abcdef"u8.ToArray()));
        Assert.That(result.Items.Single().Direction.ToString(), Is.EqualTo("[2001:db8::1]:40000 -> [2001:db8::2]:179"));
    }

    [Test]
    public void Frames_that_are_not_TCP_are_passed_over()
    {
        var result = new Conversation()
            .Raw([.. new byte[12], 0x08, 0x06, .. new byte[28]]) // ARP
            .Client(Isn + 1, Abc)
            .Streams();

        Assert.That(result.Items.Single().Data.ToArray(), Is.EqualTo(Abc));
        Assert.That(result.Warnings, Is.Empty);
    }

    [Test]
    public void Diagnostic_text_on_a_RST_is_not_stream_data_RFC9293_3_5_3()
    {
        var stream = new Conversation()
            .Client(Isn, [], TcpFlags.Syn)
            .Client(Isn + 1, Abc)
            .Client(Isn + 4, "reset: no route"u8.ToArray(), TcpFlags.Rst | TcpFlags.Ack)
            .Streams().Items.Single();

        Assert.That(stream.Data.ToArray(), Is.EqualTo(Abc));
    }
}
