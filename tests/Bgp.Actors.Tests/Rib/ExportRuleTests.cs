using System.Net;
using Bgp.Actors.Rib;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>
/// The export rules through the whole RIB: a route announced by one peer, what another peer is
/// sent (its attributes as they leave), and the verdict explain gives when it is not sent.
/// </summary>
[TestFixture]
public sealed class ExportRuleTests
{
    private const string Prefix4 = "203.0.113.0/24";
    private static readonly IpAddr NextHop = IpAddr.Parse("198.18.0.1");

    private static ExportVerdict Verdict(RibHarness h, string prefix, string peer) =>
        h.Rib.ExplainAdvertised(AfiSafi.Ipv4Unicast, Prefix.Parse(prefix), IPAddress.Parse(peer))!.Verdict;

    [Test]
    public void To_an_external_peer_our_as_is_prepended_the_next_hop_is_ours_and_local_pref_and_a_foreign_med_are_removed()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External, local: "192.0.2.10");
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001, 65100), new MedAttribute(50), new LocalPrefAttribute(300),
            new CommunitiesAttribute(new EquatableArray<Community>([new Community(65001, 7)])));
        var sent = h.Holds("10.0.0.2", Prefix4)!;
        Assert.That(sent.AsPath.ToString(), Is.EqualTo("65000 65001 65100"));
        Assert.That(sent.NextHop.Address, Is.EqualTo(IpAddr.Parse("192.0.2.10")));
        Assert.That(sent.LocalPref, Is.Null);
        Assert.That(sent.Med, Is.Null, "RFC 4271 §5.1.4: a MED from AS65001 does not go to AS65002");
        Assert.That(sent.Get<CommunitiesAttribute>()!.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { new Community(65001, 7) }));
    }

    [Test]
    public void Next_hop_unchanged_keeps_the_received_next_hop_towards_an_external_peer()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External, nextHopUnchanged: true);
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001));
        Assert.That(h.Holds("10.0.0.2", Prefix4)!.NextHop.Address, Is.EqualTo(NextHop));
    }

    [Test]
    public void To_an_internal_peer_local_pref_is_set_and_next_hop_as_path_and_med_are_kept()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.3", RibHarness.LocalAs, PeerRole.Internal);
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001), new MedAttribute(50), new LocalPrefAttribute(300));
        var sent = h.Holds("10.0.0.3", Prefix4)!;
        Assert.That(sent.LocalPref, Is.EqualTo(100u), "LOCAL_PREF from an external peer is ignored (RFC 4271 §5.1.5); the default goes out");
        Assert.That(sent.NextHop.Address, Is.EqualTo(NextHop));
        Assert.That(sent.AsPath.ToString(), Is.EqualTo("65001"));
        Assert.That(sent.Med, Is.EqualTo(50u));
    }

    [Test]
    public void Routes_from_one_internal_peer_are_not_sent_to_another_without_reflection()
    {
        var h = new RibHarness();
        h.Up("10.0.0.3", RibHarness.LocalAs, PeerRole.Internal);
        h.Up("10.0.0.4", RibHarness.LocalAs, PeerRole.Internal);
        h.Up("10.0.0.2", 65002, PeerRole.External);
        h.Announce("10.0.0.3", Prefix4, "198.18.0.1", RibHarness.Path(65010), new LocalPrefAttribute(120));
        Assert.That(h.Holds("10.0.0.4", Prefix4), Is.Null);
        Assert.That(Verdict(h, Prefix4, "10.0.0.4"), Is.EqualTo(ExportVerdict.InternalToInternal));
        Assert.That(h.Holds("10.0.0.2", Prefix4), Is.Not.Null, "external peers get it");
    }

    [Test]
    public void A_reflector_passes_a_clients_route_to_everyone_with_originator_id_and_cluster_list()
    {
        var h = new RibHarness();
        h.Up("10.0.0.5", RibHarness.LocalAs, PeerRole.ReflectorClient, routerId: "5.5.5.5");
        h.Up("10.0.0.6", RibHarness.LocalAs, PeerRole.ReflectorClient);
        h.Up("10.0.0.3", RibHarness.LocalAs, PeerRole.Internal);
        h.Announce("10.0.0.5", Prefix4, "198.18.0.5", RibHarness.Path(65010), new LocalPrefAttribute(120));
        foreach (var to in new[] { "10.0.0.6", "10.0.0.3" })
        {
            var sent = h.Holds(to, Prefix4)!;
            Assert.That(sent.OriginatorId, Is.EqualTo(IpAddr.Parse("5.5.5.5")), to);
            Assert.That(sent.ClusterList.AsSpan().ToArray(), Is.EqualTo(new[] { RibHarness.Id("192.0.2.99") }), to);
            Assert.That(sent.LocalPref, Is.EqualTo(120u), to);
            Assert.That(sent.NextHop.Address, Is.EqualTo(IpAddr.Parse("198.18.0.5")), to);
        }
    }

    [Test]
    public void A_reflector_passes_a_non_clients_route_to_clients_only_and_prepends_its_cluster_id()
    {
        var h = new RibHarness();
        h.Up("10.0.0.3", RibHarness.LocalAs, PeerRole.Internal, routerId: "3.3.3.3");
        h.Up("10.0.0.4", RibHarness.LocalAs, PeerRole.Internal);
        h.Up("10.0.0.5", RibHarness.LocalAs, PeerRole.ReflectorClient);
        h.Announce("10.0.0.3", Prefix4, "198.18.0.3", RibHarness.Path(65010),
            new OriginatorIdAttribute(IpAddr.Parse("7.7.7.7")), new ClusterListAttribute(new EquatableArray<uint>([42u])));
        var toClient = h.Holds("10.0.0.5", Prefix4)!;
        Assert.That(toClient.OriginatorId, Is.EqualTo(IpAddr.Parse("7.7.7.7")), "an existing ORIGINATOR_ID is kept");
        Assert.That(toClient.ClusterList.AsSpan().ToArray(), Is.EqualTo(new[] { RibHarness.Id("192.0.2.99"), 42u }));
        Assert.That(h.Holds("10.0.0.4", Prefix4), Is.Null);
        Assert.That(Verdict(h, Prefix4, "10.0.0.4"), Is.EqualTo(ExportVerdict.InternalToInternal));
    }

    [Test]
    public void Reflected_routes_that_carry_our_router_id_or_cluster_id_are_ignored()
    {
        var h = new RibHarness();
        h.Up("10.0.0.3", RibHarness.LocalAs, PeerRole.Internal);
        h.Announce("10.0.0.3", "203.0.113.0/24", "198.18.0.3", RibHarness.Path(65010), new OriginatorIdAttribute(IpAddr.Parse("192.0.2.1")));
        h.Announce("10.0.0.3", "203.0.114.0/24", "198.18.0.3", RibHarness.Path(65010),
            new ClusterListAttribute(new EquatableArray<uint>([1u, RibHarness.Id("192.0.2.99")])));
        var received = h.Rib.Received(IPAddress.Parse("10.0.0.3")).ToDictionary(r => r.Nlri.Prefix.ToString(), r => r.Ineligible);
        Assert.That(received["203.0.113.0/24"], Is.EqualTo(Ineligible.OriginatorIsUs));
        Assert.That(received["203.0.114.0/24"], Is.EqualTo(Ineligible.ClusterLoop));
        Assert.That(h.Rib.Best(), Is.Empty);
    }

    [Test]
    public void A_route_server_client_gets_the_route_transparently()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Up("10.0.0.2", 65002, PeerRole.RouteServerClient);
        var communities = new CommunitiesAttribute(new EquatableArray<Community>([new Community(65001, 100)]));
        var large = new LargeCommunitiesAttribute(new EquatableArray<LargeCommunity>([new LargeCommunity(65001, 1, 2)]));
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001, 65100), new MedAttribute(50), communities, large);
        var sent = h.Holds("10.0.0.2", Prefix4)!;
        Assert.That(sent.AsPath.ToString(), Is.EqualTo("65001 65100"), "RFC 7947 §2.2.2: no route server AS in the path");
        Assert.That(sent.NextHop.Address, Is.EqualTo(NextHop), "next hop untouched");
        Assert.That(sent.Med, Is.EqualTo(50u), "MED untouched");
        Assert.That(sent.Get<CommunitiesAttribute>(), Is.EqualTo(communities));
        Assert.That(sent.Get<LargeCommunitiesAttribute>(), Is.EqualTo(large));
        Assert.That(sent.LocalPref, Is.Null);
    }

    [Test]
    public void No_advertise_goes_nowhere_and_no_export_stays_inside_the_as()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External);
        h.Up("10.0.0.3", RibHarness.LocalAs, PeerRole.Internal);
        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65001),
            new CommunitiesAttribute(new EquatableArray<Community>([Community.NoAdvertise])));
        h.Announce("10.0.0.1", "203.0.114.0/24", "198.18.0.1", RibHarness.Path(65001),
            new CommunitiesAttribute(new EquatableArray<Community>([Community.NoExport])));
        h.Announce("10.0.0.1", "203.0.115.0/24", "198.18.0.1", RibHarness.Path(65001),
            new CommunitiesAttribute(new EquatableArray<Community>([Community.NoExportSubconfed])));
        Assert.That(h.Holds("10.0.0.2", "203.0.113.0/24"), Is.Null);
        Assert.That(h.Holds("10.0.0.3", "203.0.113.0/24"), Is.Null);
        Assert.That(Verdict(h, "203.0.113.0/24", "10.0.0.3"), Is.EqualTo(ExportVerdict.NoAdvertise));
        Assert.That(h.Holds("10.0.0.2", "203.0.114.0/24"), Is.Null);
        Assert.That(Verdict(h, "203.0.114.0/24", "10.0.0.2"), Is.EqualTo(ExportVerdict.NoExport));
        Assert.That(h.Holds("10.0.0.3", "203.0.114.0/24"), Is.Not.Null);
        Assert.That(h.Holds("10.0.0.2", "203.0.115.0/24"), Is.Null);
        Assert.That(h.Holds("10.0.0.3", "203.0.115.0/24"), Is.Not.Null);
    }

    [Test]
    public void Our_own_as_in_the_path_makes_a_route_ineligible_and_a_peers_as_in_the_path_keeps_it_from_that_peer()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External);
        h.Up("10.0.0.7", 65007, PeerRole.External);
        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65001, RibHarness.LocalAs, 65100));
        h.Announce("10.0.0.1", "203.0.114.0/24", "198.18.0.1", RibHarness.Path(65001, 65002, 65100));
        Assert.That(h.Rib.Received(IPAddress.Parse("10.0.0.1")).Single(r => r.Nlri.Prefix.ToString() == "203.0.113.0/24").Ineligible,
            Is.EqualTo(Ineligible.AsPathLoop));
        Assert.That(h.Holds("10.0.0.7", "203.0.113.0/24"), Is.Null);
        Assert.That(h.Holds("10.0.0.2", "203.0.114.0/24"), Is.Null);
        Assert.That(Verdict(h, "203.0.114.0/24", "10.0.0.2"), Is.EqualTo(ExportVerdict.PeerAsInPath));
        Assert.That(h.Holds("10.0.0.7", "203.0.114.0/24"), Is.Not.Null);
    }

    [Test]
    public void A_route_is_never_sent_back_to_the_peer_it_came_from()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001));
        Assert.That(h.Holds("10.0.0.1", Prefix4), Is.Null);
        Assert.That(Verdict(h, Prefix4, "10.0.0.1"), Is.EqualTo(ExportVerdict.FromSamePeer));
    }

    [Test]
    public void Only_negotiated_families_are_sent_and_each_gets_end_of_rib_after_its_initial_table()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.1", "2001:db8:1::/48", "2001:db8::1:1", RibHarness.Path(65001));
        h.Up("10.0.0.2", 65002, PeerRole.RouteServerClient, families: AfiSafi.Ipv4Unicast);
        h.Up("10.0.0.3", 65003, PeerRole.RouteServerClient);
        var v4Only = h.Drain("10.0.0.2");
        Assert.That(v4Only.Holds.Keys.Select(k => k.Item2.ToString()), Is.EquivalentTo(new[] { "203.0.113.0/24" }));
        Assert.That(v4Only.EndOfRib, Is.EqualTo(new[] { AfiSafi.Ipv4Unicast }));
        var both = h.Drain("10.0.0.3");
        Assert.That(both.Holds.Keys.Select(k => k.Item2.ToString()), Is.EquivalentTo(new[] { "203.0.113.0/24", "2001:db8:1::/48" }));
        Assert.That(both.Holds[(AfiSafi.Ipv6Unicast, Prefix.Parse("2001:db8:1::/48"))].NextHop.Address, Is.EqualTo(IpAddr.Parse("2001:db8::1:1")));
        Assert.That(both.EndOfRib, Is.EquivalentTo(new[] { AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast }));
        Assert.That(h.Rib.ExplainAdvertised(AfiSafi.Ipv6Unicast, Prefix.Parse("2001:db8:1::/48"), IPAddress.Parse("10.0.0.2"))!.Verdict,
            Is.EqualTo(ExportVerdict.FamilyNotNegotiated));
    }

    [Test]
    public void Export_none_sends_nothing_but_end_of_rib()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External, exportNone: true, families: AfiSafi.Ipv4Unicast);
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001));
        var view = h.Drain("10.0.0.2");
        Assert.That(view.Holds, Is.Empty);
        Assert.That(view.EndOfRib, Is.EqualTo(new[] { AfiSafi.Ipv4Unicast }));
    }

    [Test]
    public void Import_none_keeps_routes_in_adj_rib_in_without_using_them()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External, importNone: true);
        h.Up("10.0.0.2", 65002, PeerRole.External);
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001));
        Assert.That(h.Rib.Received(IPAddress.Parse("10.0.0.1")).Single().Ineligible, Is.EqualTo(Ineligible.ImportNone));
        Assert.That(h.Holds("10.0.0.2", Prefix4), Is.Null);
    }

    [Test]
    public void An_unrecognised_optional_transitive_attribute_goes_on_with_the_partial_bit_and_a_non_transitive_one_does_not()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External);
        var transitive = new RawAttribute(200, new EquatableArray<byte>([1, 2])) { Flags = AttrFlags.Optional | AttrFlags.Transitive };
        var nonTransitive = new RawAttribute(201, new EquatableArray<byte>([3])) { Flags = AttrFlags.Optional };
        h.Announce("10.0.0.1", Prefix4, "198.18.0.1", RibHarness.Path(65001), transitive, nonTransitive);
        var sent = h.Holds("10.0.0.2", Prefix4)!;
        var raws = sent.Attributes.AsSpan().ToArray().OfType<RawAttribute>().ToList();
        Assert.That(raws.Select(r => r.TypeCode), Is.EqualTo(new byte[] { 200 }));
        Assert.That(raws[0].Flags & AttrFlags.Partial, Is.EqualTo(AttrFlags.Partial));
    }

    [Test]
    public void An_injected_route_keeps_its_next_hop_and_med_towards_external_peers_and_gets_ours_without_one()
    {
        var h = new RibHarness();
        h.Up("10.0.0.2", 65002, PeerRole.External, local: "192.0.2.10");
        h.Rib.Inject(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"), new NextHop(IpAddr.Parse("198.18.7.7")), [new MedAttribute(5)]);
        h.Rib.Inject(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.114.0/24"), default, []);
        var first = h.Holds("10.0.0.2", "203.0.113.0/24")!;
        Assert.That(first.NextHop.Address, Is.EqualTo(IpAddr.Parse("198.18.7.7")));
        Assert.That(first.Med, Is.EqualTo(5u), "our own MED may go to a neighbouring AS");
        Assert.That(first.AsPath.ToString(), Is.EqualTo("65000"));
        Assert.That(first.Origin, Is.EqualTo(Origin.Igp));
        Assert.That(h.Holds("10.0.0.2", "203.0.114.0/24")!.NextHop.Address, Is.EqualTo(IpAddr.Parse("192.0.2.10")));
        Assert.That(h.Rib.RemoveInjected(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24")), Is.True);
        Assert.That(h.Holds("10.0.0.2", "203.0.113.0/24"), Is.Null);
        Assert.That(h.Rib.RemoveInjected(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24")), Is.False);
    }

    [Test]
    public void Next_hop_self_without_an_address_of_the_family_is_not_sent_and_says_why()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External, local: "192.0.2.10");   // IPv4 session, IPv6 family negotiated
        h.Announce("10.0.0.1", "2001:db8:1::/48", "2001:db8::1:1", RibHarness.Path(65001));
        Assert.That(h.Holds("10.0.0.2", "2001:db8:1::/48"), Is.Null);
        Assert.That(h.Rib.ExplainAdvertised(AfiSafi.Ipv6Unicast, Prefix.Parse("2001:db8:1::/48"), IPAddress.Parse("10.0.0.2"))!.Verdict,
            Is.EqualTo(ExportVerdict.NoNextHop));
    }
}
