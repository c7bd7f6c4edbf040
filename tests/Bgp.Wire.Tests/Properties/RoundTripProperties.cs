using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Properties;

/// <summary>decode(encode(m)) == m for every message type, on 2- and 4-octet sessions, with and without add-path.</summary>
public class RoundTripProperties
{
    private const int Cases = 1500;

    public static IEnumerable<TestCaseData> Contexts()
    {
        yield return new TestCaseData(CodecContext.Default).SetArgDisplayNames("4-octet AS");
        yield return new TestCaseData(CodecContext.TwoOctetAs).SetArgDisplayNames("2-octet AS");
        var both = new FamilySet(AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast);
        yield return new TestCaseData(CodecContext.Default with { ReceiveAddPath = both, SendAddPath = both, ExtendedMessages = true })
            .SetArgDisplayNames("add-path both families, extended messages");
    }

    [TestCaseSource(nameof(Contexts))]
    public void Every_message_type_survives_encode_then_decode(CodecContext ctx)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithReplay(new Replay(new Rnd(20261121UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));
        Prop.ForAll(Generators.Message(ctx).Where(m => Transportable(m, ctx)).ToArbitrary(), m =>
        {
            var wire = MessageEncoder.Encode(m, ctx);
            var r = MessageDecoder.Decode(wire, ctx);
            if (!r.IsClean) throw new AssertionException($"{m}: {r.Errors}");
            if (!Equals(r.Message, m)) throw new AssertionException($"round trip changed {m.Type}: {Diff(m, r.Message!)}");
            // Encoding is deterministic: the decoded copy re-encodes to the same bytes.
            if (!MessageEncoder.Encode(r.Message!, ctx).AsSpan().SequenceEqual(wire)) throw new AssertionException("re-encoding differs");
        }).Check(config);
    }

    /// <summary>
    /// RFC 6793 §4.2.3: a receiver ignores AS4_PATH when AGGREGATOR holds a real 2-octet AS, so an
    /// aggregate whose path needs AS4_PATH cannot cross a 2-octet session unless its aggregator is 4-octet.
    /// </summary>
    private static bool Transportable(BgpMessage m, CodecContext ctx) =>
        ctx.FourOctetAs || m is not UpdateMessage u
        || !(u.AsPath is { HasFourOctetAsn: true } && u.Get<AggregatorAttribute>() is { Asn: <= ushort.MaxValue });

    private static string Diff(BgpMessage a, BgpMessage b)
    {
        if (a is UpdateMessage ua && b is UpdateMessage ub)
        {
            if (ua.Withdrawn != ub.Withdrawn) return "withdrawn";
            if (ua.Nlri != ub.Nlri) return "nlri";
            if (ua.Attributes.Count != ub.Attributes.Count) return $"attribute count {ua.Attributes.Count} vs {ub.Attributes.Count}";
            for (int i = 0; i < ua.Attributes.Count; i++)
                if (!Equals(ua.Attributes[i], ub.Attributes[i])) return $"{ua.Attributes[i]} vs {ub.Attributes[i]}";
        }
        return $"{a} vs {b}";
    }

    [Test]
    public void Prefixes_print_and_parse_back()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases);
        Prop.ForAll(Gen.OneOf(Generators.PrefixV4, Generators.PrefixV6).ToArbitrary(), p => Prefix.Parse(p.ToString()) == p).Check(config);
    }
}
