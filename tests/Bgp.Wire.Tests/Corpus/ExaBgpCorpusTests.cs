using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// ExaBGP's QA vectors: 21 messages in <c>decoding/</c> and 166 in <c>encoding/*.ci</c>, each decoded
/// under the session its <c>.conf</c> describes, and checked against ExaBGP's own JSON decoding.
/// </summary>
public class ExaBgpCorpusTests
{
    /// <summary>
    /// The vectors that are not clean, with the reaction the RFCs call for. Everything else must
    /// decode with no error at all.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (ErrorAction Action, string Why)> Expected =
        new Dictionary<string, (ErrorAction, string)>
        {
            // ExaBGP's JSON puts these on an iBGP session (AS 65533 both sides), where LOCAL_PREF is
            // mandatory (RFC 4271 §5.1.5); the BGP-LS captures carry none.
            ["exabgp/decoding/bgp-ls-2"] = (ErrorAction.TreatAsWithdraw, "no LOCAL_PREF on iBGP: RFC 7606 §3(d)"),
            ["exabgp/decoding/bgp-ls-3"] = (ErrorAction.TreatAsWithdraw, "no LOCAL_PREF on iBGP: RFC 7606 §3(d)"),
            ["exabgp/decoding/bgp-ls-8"] = (ErrorAction.TreatAsWithdraw, "no LOCAL_PREF on iBGP: RFC 7606 §3(d)"),
            ["exabgp/decoding/bgp-ls-9"] = (ErrorAction.TreatAsWithdraw, "no LOCAL_PREF on iBGP: RFC 7606 §3(d)"),
            // `attribute [0x99 0x60 ...]` and `[0x99 0x70 ...]`: type 153 without the Optional bit is an
            // unrecognised well-known attribute (RFC 4271 §6.3, subcode 2); RFC 7606 keeps the reset.
            ["exabgp/encoding/conf-generic-attribute.ci#2"] = (ErrorAction.SessionReset, "unrecognised well-known attribute 153"),
            ["exabgp/encoding/conf-generic-attribute.ci#3"] = (ErrorAction.SessionReset, "unrecognised well-known attribute 153"),
            // `nexthop { ipv6 unicast ipv4; }`: IPv6 NLRI with a 4-octet IPv4 next hop, which no RFC
            // defines (RFC 8950 is IPv4 NLRI over IPv6; RFC 4798 maps IPv4 into IPv6): RFC 7606 §7.11.
            ["exabgp/encoding/extended-nexthop.ci#2"] = (ErrorAction.AfiSafiDisable, "IPv6 NLRI with a 4-octet next hop"),
        };

    public static IEnumerable<TestCaseData> Messages() =>
        ExaBgpVectors.All.Select(m => new TestCaseData(m).SetArgDisplayNames(m.Source));

    public static IEnumerable<TestCaseData> WithJson() =>
        ExaBgpVectors.All
            .Where(m => m.Expected is { } j && ExaBgpJson.Update(j) is not null && !Expected.ContainsKey(m.Source))
            .Select(m => new TestCaseData(m).SetArgDisplayNames(m.Source));

    [Test]
    public void The_corpus_holds_every_exabgp_message_and_decoding()
    {
        Assert.That(ExaBgpVectors.Decoding, Has.Count.EqualTo(21), "22 decoding files, one of them a bare NLRI");
        Assert.That(ExaBgpVectors.Encoding, Has.Count.EqualTo(166), "168 raw lines, two commented out");
        Assert.That(ExaBgpVectors.All.Count(m => m.Expected is not null), Is.EqualTo(21 + 105), "102 json and 3 jsv6 lines");
    }

    [TestCaseSource(nameof(Messages))]
    public void Each_exabgp_message_decodes_cleanly_or_with_its_listed_RFC7606_reaction(CorpusMessage m)
    {
        var r = m.Decode();
        if (Expected.TryGetValue(m.Source, out var e))
        {
            Assert.That(r.Action, Is.EqualTo(e.Action), $"{e.Why}; got {r.Errors}");
            return;
        }
        Assert.That(r.IsClean, Is.True, r.Errors?.ToString());
        Assert.That(r.Message, Is.Not.Null);
        Assert.That(r.Message!.Type, Is.EqualTo(m.WireType));
    }

    [Test]
    public void The_listed_exceptions_say_exactly_what_the_codec_reports()
    {
        var byCode = ExaBgpVectors.All.ToDictionary(m => m.Source);
        var bgpLs = byCode["exabgp/decoding/bgp-ls-2"].Decode();
        Assert.That(bgpLs.Errors!.All.Single().Attribute, Is.EqualTo(AttrType.LocalPref));
        Assert.That(bgpLs.Errors!.All.Single().Subcode, Is.EqualTo((byte)UpdateErrorSubcode.MissingWellKnownAttribute));

        var generic = byCode["exabgp/encoding/conf-generic-attribute.ci#2"].Decode();
        Assert.That(generic.Notification, Is.EqualTo(new NotificationMessage(NotificationCode.UpdateMessageError,
            (byte)UpdateErrorSubcode.UnrecognizedWellKnownAttribute, new byte[] { 0x60, 0x99, 0x04, 0, 0, 0, 0x64 })),
            "RFC 4271 §6.3: the Data field is the unrecognised attribute");

        var nh = byCode["exabgp/encoding/extended-nexthop.ci#2"].Decode();
        Assert.That(nh.Errors!.Decisive!.Family, Is.EqualTo(AfiSafi.Ipv6Unicast));
        // The IPv4 side of the same session (RFC 8950: IPv4 NLRI, 16-octet IPv6 next hop) is fine.
        var v4 = (UpdateMessage)byCode["exabgp/encoding/extended-nexthop.ci#1"].Decode().Message!;
        Assert.That(v4.MpReach!.NextHop.Address, Is.EqualTo(IpAddr.Parse("bad:cafe:bad:cafe:bad:cafe:bad:cafe")));
    }

    [TestCaseSource(nameof(WithJson))]
    public void ExaBGPs_json_decoding_of_each_update_matches_ours(CorpusMessage m)
    {
        var u = (UpdateMessage)m.Decode().Message!;
        var diffs = ExaBgpJson.Compare(ExaBgpJson.Update(m.Expected!.Value)!.Value, u);
        Assert.That(diffs, Is.Empty, string.Join(Environment.NewLine, diffs));
    }

    [Test]
    public void Unicast_json_comparisons_cover_prefixes_next_hops_path_ids_and_every_typed_attribute_seen()
    {
        var updates = WithJson().Select(t => (CorpusMessage)t.Arguments[0]!).ToList();
        var unicast = updates.Where(m => ExaBgpJson.Families(ExaBgpJson.Update(m.Expected!.Value)!.Value)
            .Any(f => f.IsPrefixFamily)).ToList();
        var decoded = unicast.Select(m => (UpdateMessage)m.Decode().Message!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unicast, Has.Count.EqualTo(56), "IPv4/IPv6 unicast updates with ExaBGP JSON");
            Assert.That(decoded.Any(u => u.MpReach is { IsTyped: true, Family.Afi: Afi.Ipv6 }), "IPv6 unicast via MP_REACH");
            Assert.That(decoded.Any(u => u.Nlri.Any(n => n.PathId != 0)), "add-path identifiers (RFC 7911)");
            Assert.That(decoded.Any(u => !u.Withdrawn.IsEmpty), "withdrawals");
            foreach (var t in new[] { typeof(AsPathAttribute), typeof(MedAttribute), typeof(CommunitiesAttribute),
                typeof(LargeCommunitiesAttribute), typeof(ExtendedCommunitiesAttribute), typeof(OriginatorIdAttribute),
                typeof(ClusterListAttribute), typeof(AggregatorAttribute), typeof(AtomicAggregateAttribute) })
                Assert.That(updates.Select(m => (UpdateMessage)m.Decode().Message!).Any(u => u.Attributes.Any(a => a.GetType() == t)), t.Name);
        });
    }

    [Test]
    public void The_software_version_open_decodes_the_capabilities_exabgp_lists()
    {
        var m = ExaBgpVectors.Decoding.Single(x => x.Source.EndsWith("bgp-open-sofware-version", StringComparison.Ordinal));
        var open = (OpenMessage)m.Decode().Message!;
        var json = m.Expected!.Value.GetProperty("neighbor").GetProperty("open");
        Assert.Multiple(() =>
        {
            Assert.That(open.MyAs, Is.EqualTo(json.GetProperty("asn").GetUInt32()));
            Assert.That(open.HoldTime, Is.EqualTo(json.GetProperty("hold_time").GetUInt32()));
            Assert.That(open.BgpId.ToString(), Is.EqualTo(json.GetProperty("router_id").GetString()));
            var caps = json.GetProperty("capabilities");
            Assert.That(open.Find<MultiprotocolCapability>()!.Family, Is.EqualTo(AfiSafi.Ipv4Unicast));
            Assert.That(open.EffectiveAs, Is.EqualTo(caps.GetProperty("65").GetProperty("asn4").GetUInt32()));
            Assert.That(open.Find<SoftwareVersionCapability>()!.Version, Is.EqualTo(caps.GetProperty("75").GetProperty("software").GetString()));
        });
    }

    [Test]
    public void A_two_octet_session_reads_the_path_as_exabgp_sent_it_without_as4_path_RFC6793()
    {
        var m = ExaBgpVectors.Encoding.Single(x => x.Source.StartsWith("exabgp/encoding/conf-no-asn4.ci", StringComparison.Ordinal)
            && x.WireType == MessageType.Update && x.Bytes.Length > 23);
        Assert.That(m.Context.FourOctetAs, Is.False, "conf-no-asn4.conf says asn4 disable");
        var u = (UpdateMessage)m.Decode().Message!;
        Assert.That(u.AsPath!.ToString(), Is.EqualTo("100"), "as-path [ 100 ] in 2-octet encoding");
        Assert.That(MessageDecoder.Decode(m.Bytes, CodecContext.Default).IsClean, Is.False,
            "read as 4-octet, the same octets are a malformed AS_PATH");
    }
}
