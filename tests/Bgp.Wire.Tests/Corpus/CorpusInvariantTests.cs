using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// What must hold for every corpus message, well-formed or fuzzed, under every session context a
/// receiver could have: the decoder never throws, and its verdict can be carried out.
/// </summary>
public class CorpusInvariantTests
{
    private static IEnumerable<CorpusMessage> Everything() =>
        CorpusSources.All.Concat(FuzzedCaptures.Names.SelectMany(FuzzedCaptures.Candidates));

    private static IEnumerable<CodecContext> ContextsFor(CorpusMessage m) => [m.Context, .. FuzzedCaptures.OtherContexts];

    [Test]
    public void Every_verdict_can_be_carried_out_RFC7606_2()
    {
        int decodes = 0;
        Assert.Multiple(() =>
        {
            foreach (var m in Everything())
                foreach (var ctx in ContextsFor(m))
                {
                    decodes++;
                    var r = MessageDecoder.Decode(m.Bytes, ctx);
                    string where = $"{m.Source} under {Describe(ctx)}: {r.Errors}";
                    if (r.Action == ErrorAction.SessionReset)
                    {
                        Assert.That(r.Notification, Is.Not.Null, $"a session reset sends a NOTIFICATION: {where}");
                        continue;
                    }
                    // Treat-as-withdraw and attribute discard act on the decoded routes and attributes.
                    Assert.That(r.Message, Is.Not.Null, $"below a reset the message is there to act on: {where}");
                    // RFC 4760 §7: AFI/SAFI disable stops one family, so the error must say which.
                    foreach (var e in r.Errors?.All ?? [])
                        if (e.Action == ErrorAction.AfiSafiDisable)
                            Assert.That(e.Family, Is.Not.Null, $"AFI/SAFI disable names its family: {where}");
                    if (r.Action == ErrorAction.TreatAsWithdraw && r.Message is UpdateMessage u)
                        Assert.DoesNotThrow(() => MessageEncoder.Encode(u.AsTreatAsWithdraw(), ctx), where);
                }
        });
        TestContext.Out.WriteLine($"{decodes} decodes");
    }

    [Test]
    public void An_mp_reach_with_conflicting_flags_disables_the_family_it_carries_RFC7606_3c_RFC4760_7()
    {
        // tcpdump's bgp-addpath has MP_REACH_NLRI flagged well-known (0x40), but also repeats it, so the
        // reset hides the verdict. Take the corpus's clean IPv6 unicast updates and give each that flag.
        var v6 = CorpusSources.All.Where(m => m.WireType == MessageType.Update && m.Decode() is { IsClean: true, Message: UpdateMessage u }
            && u.MpReach?.Family == AfiSafi.Ipv6Unicast).ToList();
        Assert.That(v6, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var m in v6)
            {
                var bytes = (byte[])m.Bytes.Clone();
                var at = WireWalk.Attributes(bytes).Single(a => a.Code == (byte)AttrType.MpReachNlri);
                bytes[at.HeaderOffset] = (byte)((bytes[at.HeaderOffset] & ~(byte)AttrFlags.Optional) | (byte)AttrFlags.Transitive);
                var r = MessageDecoder.Decode(bytes, m.Context);
                Assert.That(r.Action, Is.EqualTo(ErrorAction.AfiSafiDisable), $"{m.Source}: {r.Errors}");
                Assert.That(r.Errors!.Decisive!.Family, Is.EqualTo(AfiSafi.Ipv6Unicast), $"{m.Source}: {r.Errors}");
                Assert.That(r.Errors!.Decisive!.Subcode, Is.EqualTo((byte)UpdateErrorSubcode.AttributeFlagsError), m.Source);
            }
        });
    }

    private static string Describe(CodecContext c) =>
        $"{(c.FourOctetAs ? "4" : "2")}-octet AS{(c.ReceiveAddPath.IsEmpty ? "" : ", add-path " + c.ReceiveAddPath)}"
        + $"{(c.ExtendedMessages ? ", extended messages" : "")}{(c.PeerKind == PeerKind.Unknown ? "" : ", " + c.PeerKind)}";
}
