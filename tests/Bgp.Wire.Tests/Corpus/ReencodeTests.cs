using NUnit.Framework;
using static Bgp.Wire.Tests.TestKit.Build;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// Re-encoding: every corpus message that decodes cleanly is encoded again with the same session
/// context (sending path identifiers where they were received). It must come back octet for octet
/// unless <see cref="NonCanonical"/> names an encoding choice the decoded form does not record;
/// those must differ in nothing else (<see cref="NonCanonical.Normalize"/>) and must still
/// round-trip to an equal decoded message.
/// </summary>
public class ReencodeTests
{
    public static IEnumerable<TestCaseData> Files() =>
        CorpusSources.Files().Select(f => new TestCaseData(f.Name, f.Messages).SetArgDisplayNames(f.Name));

    /// <summary>What re-encoding one message gave: identical, or different for the reasons named.</summary>
    public readonly struct Outcome(CorpusMessage message, bool identical, IReadOnlyList<string> reasons, byte[] encoded)
    {
        public CorpusMessage Message { get; } = message;
        public bool Identical { get; } = identical;
        public IReadOnlyList<string> Reasons { get; } = reasons;
        public byte[] Encoded { get; } = encoded;
    }

    public static IEnumerable<Outcome> Reencode(IEnumerable<CorpusMessage> messages)
    {
        foreach (var m in messages)
        {
            var r = m.Decode();
            if (!r.IsClean || r.Message is null) continue;
            var bytes = MessageEncoder.Encode(r.Message, m.Mirror);
            bool same = bytes.AsSpan().SequenceEqual(m.Bytes);
            yield return new Outcome(m, same, same ? [] : NonCanonical.Reasons(m.Bytes, m.Context), bytes);
        }
    }

    [TestCaseSource(nameof(Files))]
    public void Each_clean_message_re_encodes_to_its_own_bytes_unless_its_encoding_is_non_canonical(string file, IReadOnlyList<CorpusMessage> messages)
    {
        var outcomes = Reencode(messages).ToList();
        Assert.Multiple(() =>
        {
            foreach (var o in outcomes.Where(o => !o.Identical))
            {
                Assert.That(o.Reasons, Is.Not.Empty,
                    $"{o.Message.Source}: re-encoding differs with no non-canonical reason\n  wire {Convert.ToHexString(o.Message.Bytes)}\n  ours {Convert.ToHexString(o.Encoded)}");
                // The two encodings differ only in the choices named.
                Assert.That(NonCanonical.Normalize(o.Encoded, o.Message.Context, o.Reasons),
                    Is.EqualTo(NonCanonical.Normalize(o.Message.Bytes, o.Message.Context, o.Reasons)),
                    $"{o.Message.Source}: differs beyond [{string.Join("; ", o.Reasons)}]");
                var again = MessageDecoder.Decode(o.Encoded, o.Message.Context);
                Assert.That(again.IsClean, Is.True, $"{o.Message.Source}: our re-encoding decodes with {again.Errors}");
                Assert.That(again.Message, Is.EqualTo(o.Message.Decode().Message), $"{o.Message.Source}: semantic round trip");
            }
        });
        TestContext.Out.WriteLine($"{file}: {outcomes.Count(o => o.Identical)} identical, {outcomes.Count(o => !o.Identical)} non-canonical");
    }

    [Test]
    public void The_non_canonical_detector_names_the_choices_it_knows()
    {
        // 10.0.0.0/7 written as 0A (host bit set) and an MP_REACH with Reserved = 1.
        var hostBits = Update([], Concat(OriginIgp, AsPath65001, NextHop1), [7, 0x0B]);
        Assert.That(NonCanonical.Reasons(hostBits, CodecContext.Default), Is.EqualTo(new[] { NonCanonical.HostBits }));
        var reserved = Update([], Concat(OriginIgp, AsPath65001,
            Attr(0x80, 14, 0, 1, 1, 4, 192, 0, 2, 1, 1, 24, 10, 0, 0)), []);
        Assert.That(NonCanonical.Reasons(reserved, CodecContext.Default), Is.EqualTo(new[] { NonCanonical.MpReserved }));
        var ours = MessageEncoder.Encode(MessageDecoder.Decode(reserved, CodecContext.Default).Message!);
        Assert.That(ours, Is.Not.EqualTo(reserved));
        string[] why = [NonCanonical.MpReserved];
        Assert.That(NonCanonical.Normalize(ours, CodecContext.Default, why), Is.EqualTo(NonCanonical.Normalize(reserved, CodecContext.Default, why)));
        // Any other difference survives normalisation: here the next hop's last octet.
        var other = (byte[])ours.Clone();
        other[Array.LastIndexOf(other, (byte)1, other.Length - 6)] = 2;
        Assert.That(NonCanonical.Normalize(other, CodecContext.Default, why), Is.Not.EqualTo(NonCanonical.Normalize(reserved, CodecContext.Default, why)));
    }
}
