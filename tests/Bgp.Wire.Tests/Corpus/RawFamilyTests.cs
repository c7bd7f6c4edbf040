using Bgp.Wire.Tests.TestKit;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// Families we do not type yet. Their MP_REACH_NLRI next hop and NLRI, and their MP_UNREACH_NLRI
/// withdrawn routes, stay raw, octet for octet as on the wire (RFC 4760 §3, §4), so the routes can
/// be passed on or typed later without loss.
/// </summary>
public class RawFamilyTests
{
    /// <summary>Every family of the corpus that is kept raw, with what it is.</summary>
    public static readonly IReadOnlyDictionary<AfiSafi, string> Untyped = new Dictionary<AfiSafi, string>
    {
        [new(Afi.Ipv4, Safi.MplsLabel)] = "IPv4 labeled unicast (RFC 8277)",
        [new(Afi.Ipv6, Safi.MplsLabel)] = "IPv6 labeled unicast (RFC 8277)",
        [new(Afi.Ipv4, Safi.Mvpn)] = "IPv4 MCAST-VPN (RFC 6514)",
        [new(Afi.Ipv6, Safi.Mvpn)] = "IPv6 MCAST-VPN (RFC 6514)",
        [new(Afi.L2vpn, Safi.Vpls)] = "L2VPN VPLS (RFC 4761)",
        [new(Afi.L2vpn, Safi.Evpn)] = "L2VPN EVPN (RFC 7432)",
        [new(Afi.BgpLs, Safi.BgpLs)] = "BGP-LS (RFC 9552)",
        [new(Afi.Ipv4, Safi.SrPolicy)] = "IPv4 SR Policy (RFC 9830)",
        [new(Afi.Ipv6, Safi.SrPolicy)] = "IPv6 SR Policy (RFC 9830)",
        [new(Afi.Ipv4, Safi.Mup)] = "IPv4 SRv6 MUP (draft-mpmz-bess-mup-safi)",
        [new(Afi.Ipv6, Safi.Mup)] = "IPv6 SRv6 MUP (draft-mpmz-bess-mup-safi)",
        [new(Afi.Ipv4, Safi.MplsVpn)] = "VPNv4 (RFC 4364)",
        [new(Afi.Ipv6, Safi.MplsVpn)] = "VPNv6 (RFC 4659)",
        [new(Afi.Ipv4, Safi.RouteTarget)] = "Route Target constraint (RFC 4684)",
        [new(Afi.Ipv4, Safi.FlowSpec)] = "IPv4 FlowSpec (RFC 8955)",
        [new(Afi.Ipv6, Safi.FlowSpec)] = "IPv6 FlowSpec (RFC 8956)",
        [new(Afi.Ipv4, Safi.FlowSpecVpn)] = "IPv4 FlowSpec VPN (RFC 8955)",
    };

    /// <summary>Clean messages of the corpus whose MP_REACH_NLRI or MP_UNREACH_NLRI is of an untyped family.</summary>
    public static IEnumerable<(CorpusMessage Message, UpdateMessage Update)> RawFamilyMessages() =>
        CorpusSources.All
            .Select(m => (Message: m, Result: m.Decode()))
            .Where(x => x.Result.IsClean && x.Result.Message is UpdateMessage)
            .Select(x => (x.Message, Update: (UpdateMessage)x.Result.Message!))
            .Where(x => x.Update.MpReach is { IsTyped: false } || x.Update.MpUnreach is { IsTyped: false });

    [Test]
    public void Labeled_unicast_mvpn_vpls_evpn_bgp_ls_sr_policy_mup_vpn_rtc_and_flowspec_keep_next_hop_and_nlri_raw_byte_for_byte()
    {
        var seen = new HashSet<AfiSafi>();
        int reach = 0, unreach = 0;
        Assert.Multiple(() =>
        {
            foreach (var (m, u) in RawFamilyMessages())
            {
                if (u.MpReach is { IsTyped: false } r)
                {
                    var wire = WireWalk.MpReach(m.Bytes)!.Value;
                    Assert.That(r.Family, Is.EqualTo(wire.Family), m.Source);
                    Assert.That(r.RawNextHop.AsSpan().ToArray(), Is.EqualTo(wire.NextHop), $"{m.Source}: next hop");
                    Assert.That(r.RawNlri.AsSpan().ToArray(), Is.EqualTo(wire.Nlri), $"{m.Source}: NLRI");
                    Assert.That(r.Nlri, Is.Empty, $"{m.Source}: no typed routes");
                    seen.Add(r.Family);
                    reach++;
                }
                if (u.MpUnreach is { IsTyped: false } w)
                {
                    var wire = WireWalk.MpUnreach(m.Bytes)!.Value;
                    Assert.That(w.Family, Is.EqualTo(wire.Family), m.Source);
                    Assert.That(w.RawNlri.AsSpan().ToArray(), Is.EqualTo(wire.Withdrawn), $"{m.Source}: withdrawn routes");
                    Assert.That(w.Nlri, Is.Empty, $"{m.Source}: no typed routes");
                    seen.Add(w.Family);
                    unreach++;
                }
            }
        });
        Assert.That(seen, Is.EquivalentTo(Untyped.Keys), "the families kept raw: " + string.Join(", ", seen));
        TestContext.Out.WriteLine($"{reach} MP_REACH_NLRI and {unreach} MP_UNREACH_NLRI kept raw in {seen.Count} families: "
            + string.Join("; ", seen.Select(f => Untyped[f])));
    }

    [Test]
    public void Raw_families_are_announced_as_exabgp_lists_them_but_give_no_typed_routes()
    {
        var withJson = ExaBgpVectors.All.Where(m => m.Expected is { } j && ExaBgpJson.Update(j) is { } u
            && ExaBgpJson.Families(u).Any(f => !f.IsPrefixFamily) && !ExaBgpCorpusTests.Expected.ContainsKey(m.Source)).ToList();
        Assert.That(withJson, Has.Count.GreaterThan(40));
        foreach (var m in withJson)
        {
            var u = (UpdateMessage)m.Decode().Message!;
            Assert.That(u.Announced().Concat(u.WithdrawnRoutes()).Where(x => !x.Family.IsPrefixFamily), Is.Empty, m.Source);
        }
    }

    [Test]
    public void The_bare_bgp_ls_nlri_vector_stays_raw_inside_an_mp_reach_RFC9552()
    {
        var v = ExaBgpVectors.NlriOnly().Single();
        Assert.That(v.Family, Is.EqualTo(new AfiSafi(Afi.BgpLs, Safi.BgpLs)));
        Assert.That(v.Expected.GetProperty("ls-nlri-type").GetString(), Is.EqualTo("bgpls-link"));
        // AFI 16388, SAFI 71, a 4-octet next hop, Reserved, then the vector's NLRI.
        byte[] value = [0x40, 0x04, 71, 4, 192, 0, 2, 1, 0, .. v.Nlri];
        var update = Build.Update([], Build.Concat(Build.OriginIgp, Build.AsPath65001, Build.Attr(0x90, 14, [.. value])), []);
        var r = MessageDecoder.Decode(update, CodecContext.Default);
        Assert.That(r.IsClean, r.Errors?.ToString());
        var mp = ((UpdateMessage)r.Message!).MpReach!;
        Assert.That(mp.IsTyped, Is.False);
        Assert.That(mp.RawNlri.AsSpan().ToArray(), Is.EqualTo(v.Nlri));
        Assert.That(MessageEncoder.Encode(r.Message!), Is.EqualTo(update), "re-encoded octet for octet");
    }
}
