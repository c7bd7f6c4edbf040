using Bgp.TestKit;
using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// The captures under testdata/pcap (tcpdump's tests, PacketLife, NetGauze/pmacct): every BGP
/// message, decoded per TCP direction with the context its connection's OPENs negotiated.
/// </summary>
public class CaptureCorpusTests
{
    /// <summary>
    /// Messages of well-formed captures that are not clean, by message number (1-based, capture
    /// order), with the reaction the RFCs give and why. Every other message must be clean.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (int[] Messages, ErrorAction Action, string Why)> Exceptions =
        new Dictionary<string, (int[], ErrorAction, string)>
        {
            // Both OPENs carry the BGPsec capability (code 7): on such a session a BGPsec speaker sends
            // BGPsec_PATH (type 33) instead of AS_PATH (RFC 8205 §3). We do not implement BGPsec, so to us
            // the route lacks the mandatory AS_PATH: RFC 7606 §3(d), treat-as-withdraw.
            ["tcpdump/bgp-bgpsec.pcap"] = ([.. Enumerable.Range(6, 10), .. Enumerable.Range(22, 10)], ErrorAction.TreatAsWithdraw,
                "BGPsec_PATH instead of AS_PATH (RFC 8205 §3); no AS_PATH: RFC 7606 §3(d)"),
        };

    public static IEnumerable<TestCaseData> WellFormed() =>
        CaptureCorpus.Files().Where(f => !FuzzedCaptures.IsFuzzed(f.Name))
            .Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));

    public static IEnumerable<TestCaseData> Fuzzed() =>
        FuzzedCaptures.Names.Select(n => new TestCaseData(n).SetArgDisplayNames(n));

    [Test]
    public void The_corpus_reads_every_bgp_capture()
    {
        var files = CaptureCorpus.Files();
        Assert.Multiple(() =>
        {
            Assert.That(files.Count(f => f.Name.StartsWith("tcpdump/", StringComparison.Ordinal)), Is.EqualTo(36), "37 captures less the RPKI-RTR one");
            Assert.That(files.Count(f => f.Name.StartsWith("packetlife/", StringComparison.Ordinal)), Is.EqualTo(21));
            Assert.That(files.Count(f => f.Name.StartsWith("netgauze/", StringComparison.Ordinal)), Is.EqualTo(7), "the captures with an X-bgp.json");
            // Three fuzzed captures join their (snap-length cut) streams mid-flight with no believable message
            // boundary, so the reader frames nothing; FuzzedCaptures reads them instead.
            Assert.That(files.Where(f => f.Messages.Count == 0).Select(f => f.Name), Is.EquivalentTo(new[]
            {
                "tcpdump/bgp_mp_reach_nlri-oobr.pcap", "tcpdump/bgp_mvpn_6_and_7_oobr.pcap", "tcpdump/bgp_vpn_rt-oobr.pcap",
            }));
        });
    }

    [TestCaseSource(nameof(WellFormed))]
    public void Each_well_formed_capture_decodes_every_message_cleanly_unless_listed(CaptureCorpus.CaptureSource file)
    {
        Exceptions.TryGetValue(file.Name, out var listed);
        Assert.That(file.Messages, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < file.Messages.Count; i++)
            {
                var m = file.Messages[i];
                var r = m.Decode();
                if (listed.Messages?.Contains(i + 1) == true)
                {
                    Assert.That(r.Action, Is.EqualTo(listed.Action), $"{m.Source}: {listed.Why}; got {r.Errors}");
                    continue;
                }
                Assert.That(r.IsClean, Is.True, $"{m.Source}: {r.Errors}");
                Assert.That(r.Message?.Type, Is.EqualTo(m.WireType), m.Source);
            }
        });
    }

    [TestCaseSource(nameof(Fuzzed))]
    public void Each_fuzzed_capture_decodes_without_exceptions_and_classifies_its_malformed_messages(string name)
    {
        var candidates = FuzzedCaptures.Candidates(name);
        var expected = FuzzedExpectations.Actions[name];
        Assert.That(candidates.Select(c => c.Decode().Action), Is.EqualTo(expected.Actions), expected.Why);
        foreach (var c in candidates)
            foreach (var ctx in FuzzedCaptures.OtherContexts)
                Assert.DoesNotThrow(() => MessageDecoder.Decode(c.Bytes, ctx), c.Source);
        // The framed messages the capture reader does find are among the candidates.
        foreach (var m in CaptureCorpus.Files().Single(f => f.Name == name).Messages)
            Assert.That(candidates.Any(c => c.Bytes.AsSpan().SequenceEqual(m.Bytes)), m.Source);
    }

    [Test]
    public void Sessions_take_4_octet_as_add_path_and_extended_messages_from_both_opens()
    {
        static CodecContext Last(string file) => CaptureCorpus.File(file).Messages[^1].Context;
        Assert.Multiple(() =>
        {
            Assert.That(Last("packetlife/16-bit-asn.cap").FourOctetAs, Is.False, "neither OPEN has capability 65");
            Assert.That(Last("packetlife/4-byte_AS_numbers_Full_Support.cap").FourOctetAs, Is.True);
            Assert.That(Last("packetlife/bgp-add-path.cap").ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast), Is.True, "both sides say Send/Receive (RFC 7911 §4)");
            Assert.That(Last("tcpdump/bgp-bgpsec.pcap").ExtendedMessages, Is.True, "both sides send capability 6 (RFC 8654)");
            // One-sided replay: the collector is taken to mirror the router's OPEN, which sits in a companion capture.
            Assert.That(Last("netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-update-keepalive.pcap"),
                Is.Not.SameAs(CodecContext.Default), "negotiated, not the fallback for a capture without OPENs");
        });
    }

    [Test]
    public void Each_notification_of_the_shutdown_variations_capture_decodes_its_communication_RFC9003()
    {
        // Three SYN segments of one 4-tuple, each with sequence 0 and its own NOTIFICATION: TCP reassembly keeps
        // only the first, so the segments are read one by one here.
        var path = TestData.Path("pcap", "tcpdump", "bgp-shutdown-msg-variations.pcap");
        var notes = new List<NotificationMessage>();
        foreach (var frame in CaptureFile.ReadFrames(path).Items)
        {
            Assert.That(PacketDecoder.Decode(frame.LinkType, frame.Data.Span, out var packet, out _), Is.EqualTo(PacketDecoder.DecodeStatus.Tcp));
            var r = MessageDecoder.Decode(frame.Data.Span.Slice(packet.PayloadOffset, packet.PayloadLength), CodecContext.Default);
            Assert.That(r.IsClean, r.Errors?.ToString());
            notes.Add((NotificationMessage)r.Message!);
        }
        Assert.That(notes.Select(n => n.IsAdministrativeShutdownOrReset), Is.All.True);
        // "0123456789" followed by 9 octets of data; an empty communication; a length (0x40) that overruns.
        Assert.That(notes.Select(n => n.ShutdownCommunication), Is.EqualTo(new[] { "0123456789", null, null }));
        Assert.That(notes[1].Data.AsSpan().ToArray(), Is.EqualTo(new byte[] { 0 }));
    }
}
