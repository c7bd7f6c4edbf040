using System.Buffers.Binary;
using Bgp.Wire.Mrt;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Mrt;

/// <summary>
/// Malformed MRT input never throws: a record that does not parse becomes a
/// <see cref="MalformedMrtRecord"/> and reading goes on at the next boundary the header's length
/// gives; a truncated file ends with a fatal one.
/// </summary>
public class MrtMalformedInputTests
{
    private static readonly byte[] Quagga = MrtTestData.Load("mrtparse/quagga_bgp");

    [Test]
    public void A_file_cut_at_any_octet_yields_the_whole_records_then_a_fatal_truncation()
    {
        var whole = MrtReader.ReadAll(Quagga);
        var boundaries = new HashSet<int> { 0 };
        foreach (var (_, bytes) in MrtTestData.RecordsWithBytes(Quagga))
            boundaries.Add(boundaries.Max() + bytes.Length);

        for (int cut = 0; cut < Quagga.Length; cut++)
        {
            var records = MrtReader.ReadAll(Quagga.AsSpan(0, cut));
            int complete = boundaries.Count(b => b > 0 && b <= cut);
            Assert.That(records.Take(complete), Is.EqualTo(whole.Take(complete)), $"cut at {cut}");
            if (boundaries.Contains(cut))
                Assert.That(records, Has.Count.EqualTo(complete), $"cut at {cut} is a record boundary");
            else
                Assert.That(records[^1], Is.InstanceOf<MalformedMrtRecord>().With.Property("IsFatal").True, $"cut at {cut}");
        }
    }

    [Test]
    public void A_body_that_does_not_parse_is_reported_and_reading_continues_at_the_next_record()
    {
        // A STATE_CHANGE whose length says 6: too short for its AS, interface and AFI fields.
        var bad = new byte[MrtHeader.Size + 6];
        new MrtHeader(1, MrtType.Bgp4Mp, (ushort)Bgp4MpSubtype.StateChange, 6).WriteTo(bad);
        var records = MrtReader.ReadAll([.. bad, .. Quagga]);

        Assert.That(records[0], Is.InstanceOf<MalformedMrtRecord>());
        var m = (MalformedMrtRecord)records[0];
        Assert.That((m.IsFatal, m.Offset, m.Body.Count), Is.EqualTo((false, 0L, 6)));
        Assert.That(records.Skip(1), Is.EqualTo(MrtReader.ReadAll(Quagga)));
    }

    [Test]
    public void A_length_past_the_limit_stops_reading_without_allocating_it()
    {
        var head = new byte[MrtHeader.Size + 4];
        new MrtHeader(1, MrtType.TableDumpV2, 2, 0xFFFFFFF0).WriteTo(head);
        var records = MrtReader.ReadAll(head);
        Assert.That(records, Has.Count.EqualTo(1));
        Assert.That(((MalformedMrtRecord)records[0]).Reason, Does.Contain("exceeds"));
    }

    [Test]
    public void A_length_that_lies_short_or_long_never_throws()
    {
        foreach (int delta in new[] { -30, -5, -1, 1, 7, 100 })
        {
            var copy = (byte[])Quagga.Clone();
            uint len = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(8));
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), (uint)Math.Max(0, len + delta));
            Assert.DoesNotThrow(() => MrtReader.ReadAll(copy), $"length {len} changed by {delta}");
        }
    }

    [Test]
    public void A_rib_entry_whose_attributes_overrun_the_record_makes_the_record_malformed()
    {
        // RIB_IPV4_UNICAST 10.0.0.0/8, one entry claiming 200 octets of attributes but holding 3.
        byte[] body = [0, 0, 0, 1, 8, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 200, 0x40, 1, 1];
        var record = MrtDecoder.Decode(new MrtHeader(5, MrtType.TableDumpV2, 2, (uint)body.Length), body);
        Assert.That(record, Is.InstanceOf<MalformedMrtRecord>());
        Assert.That(((MalformedMrtRecord)record).Reason, Does.Contain("attribute length 200"));
    }

    [Test]
    public void An_unreadable_bgp_message_is_kept_raw_with_its_errors()
    {
        // BGP4MP_MESSAGE_AS4 whose BGP message stops inside its header (RFC 4271 §6.1).
        byte[] msg = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] body = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 10, 0, 0, 1, 10, 0, 0, 2, .. msg];
        var record = (Bgp4MpMessageRecord)MrtDecoder.Decode(new MrtHeader(5, MrtType.Bgp4Mp, 4, (uint)body.Length), body);
        Assert.That(record.Message, Is.Null);
        Assert.That(record.RawMessage.ToArray(), Is.EqualTo(msg));
        Assert.That(record.Errors[0].Action, Is.EqualTo(ErrorAction.SessionReset));
        Assert.That(MrtEncoder.Encode(record).AsSpan(MrtHeader.Size).ToArray(), Is.EqualTo(body));
    }

    [Test]
    public void An_update_whose_nlri_overrun_still_shows_the_prefixes_before_the_damage()
    {
        // testdata updates.nlri_mask_trailing_bits: 11.13.0.0/13 then a dangling /11.
        var record = (Bgp4MpMessageRecord)MrtReader.ReadAll(MrtTestData.Load("ripe-bgpdump/test_data/updates.nlri_mask_trailing_bits.gz"))[0];
        var update = (UpdateMessage)record.Message!;
        Assert.That(update.Nlri.Select(n => n.Prefix.ToString()), Is.EqualTo(new[] { "11.8.0.0/13" }));
        Assert.That(record.Errors, Is.Not.Empty);
        Assert.That(record.RawMessage, Is.Not.Empty);
    }

    [TestCase("mrtparse/quagga_bgp", 1)]
    [TestCase("mrtparse/bird-mrtdump_rib", 2)]
    [TestCase("mrtparse/openbgpd_rib_table", 3)]
    [TestCase("mrtparse/openbgpd_bgp", 4)]
    [TestCase("ripe-bgpdump/test_data/bview.ipv6_unicast_add_path.gz", 5)]
    [TestCase("bgpkit-parser/rrc00.updates.20000102.2014.gz", 6)]
    public void Mutated_files_never_throw_and_what_is_read_writes_and_reads_back_equal(string file, int seed)
    {
        var original = MrtTestData.Load(file);
        if (original.Length > 64 * 1024) original = original[..(64 * 1024)];
        var random = new Random(seed);
        for (int round = 0; round < 300; round++)
        {
            var data = (byte[])original.Clone();
            int flips = 1 + random.Next(8);
            for (int k = 0; k < flips; k++) data[random.Next(data.Length)] = (byte)random.Next(256);

            List<MrtRecord> records = null!;
            Assert.DoesNotThrow(() => records = MrtReader.ReadAll(data), $"round {round}");
            foreach (var r in records)
            {
                if (r is MalformedMrtRecord) continue;
                byte[] written = null!;
                Assert.DoesNotThrow(() => written = MrtEncoder.Encode(r), $"round {round}: writing {r.GetType().Name}");
                var back = MrtReader.ReadAll(written);
                Assert.That(back, Has.Count.EqualTo(1).And.Exactly(1).EqualTo(r), $"round {round}: {r.GetType().Name} read back");
            }
        }
    }
}
