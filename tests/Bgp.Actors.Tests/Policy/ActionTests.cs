using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using Bgp.Actors.Rib;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>What a statement's <c>set</c> does to a route: each action on its own, through <see cref="RouteDraft"/> and its build.</summary>
[TestFixture]
public sealed class ActionTests
{
    private static (RouteAttributes Result, ExportOverrides Overrides) Apply(RouteAttributes source, SetConfig set, PolicyContext? context = null, AfiSafi? family = null)
    {
        var draft = new RouteDraft(source);
        new Modifications(set).Apply(draft, family ?? AfiSafi.Ipv4Unicast, context ?? Import);
        return (draft.Build(), draft.Overrides);
    }

    private static CommunityEdit Edit(string[]? replace = null, string[]? remove = null, string[]? add = null) =>
        new(replace is null ? null : new([.. replace.Select(Pattern)]), new([.. (remove ?? []).Select(Pattern)]), new([.. (add ?? []).Select(Pattern)]));

    private static ValueChange Set(uint v) => new(ValueOp.Set, v);
    private static ValueChange Plus(uint v) => new(ValueOp.Add, v);
    private static ValueChange Minus(uint v) => new(ValueOp.Subtract, v);

    [TestCase(300u, 200u, 200u)]
    [TestCase(null, 200u, 200u)]
    public void Local_pref_is_set(uint? before, uint value, uint after) =>
        Assert.That(Apply(Attrs(localPref: before), new SetConfig { LocalPref = Set(value) }).Result.LocalPref, Is.EqualTo(after));

    [Test]
    public void Local_pref_is_added_to_and_subtracted_from_with_an_absent_one_counting_as_100()
    {
        Assert.That(Apply(Attrs(localPref: 150), new SetConfig { LocalPref = Plus(10) }).Result.LocalPref, Is.EqualTo(160u));
        Assert.That(Apply(Attrs(), new SetConfig { LocalPref = Plus(10) }).Result.LocalPref, Is.EqualTo(110u));
        Assert.That(Apply(Attrs(), new SetConfig { LocalPref = Minus(30) }).Result.LocalPref, Is.EqualTo(70u));
        Assert.That(Apply(Attrs(localPref: 20), new SetConfig { LocalPref = Minus(30) }).Result.LocalPref, Is.EqualTo(0u), "never below 0");
        Assert.That(Apply(Attrs(localPref: uint.MaxValue - 5), new SetConfig { LocalPref = Plus(10) }).Result.LocalPref, Is.EqualTo(uint.MaxValue), "never above 2^32-1");
    }

    [Test]
    public void Med_is_set_added_and_subtracted_with_an_absent_one_counting_as_0_and_marked_for_export()
    {
        var (result, overrides) = Apply(Attrs(med: 5), new SetConfig { Med = Set(50) });
        Assert.That((result.Med, overrides), Is.EqualTo(((uint?)50, ExportOverrides.MedSet)));
        Assert.That(Apply(Attrs(), new SetConfig { Med = Plus(7) }).Result.Med, Is.EqualTo(7u));
        Assert.That(Apply(Attrs(), new SetConfig { Med = Minus(7) }).Result.Med, Is.EqualTo(0u));
        Assert.That(Apply(Attrs(med: 10), new SetConfig { Med = Minus(3) }).Result.Med, Is.EqualTo(7u));
        Assert.That(Apply(Attrs(med: uint.MaxValue), new SetConfig { Med = Plus(1) }).Result.Med, Is.EqualTo(uint.MaxValue));
    }

    [Test]
    public void Add_and_subtract_saturate_for_any_values() =>
        Prop.ForAll((from current in Gen.Choose(int.MinValue, int.MaxValue) from amount in Gen.Choose(int.MinValue, int.MaxValue)
                     from absent in Gen.Elements(true, false) select ((uint)current, (uint)amount, absent)).ToArbitrary(), t =>
        {
            var (current, amount, absent) = t;
            uint? value = absent ? null : current;
            long basis = absent ? 100 : current;
            Assert.That(Plus(amount).Apply(value, 100), Is.EqualTo((uint)Math.Min(basis + amount, uint.MaxValue)));
            Assert.That(Minus(amount).Apply(value, 100), Is.EqualTo((uint)Math.Max(basis - amount, 0)));
            Assert.That(Set(amount).Apply(value, 100), Is.EqualTo(amount));
        }).Check(Seeded(300));

    [Test]
    public void The_changed_attribute_replaces_the_old_one_in_type_code_order()
    {
        var source = Attrs(Path(65001u), med: 5, localPref: 300, communities: [C("65000:1")]);
        var result = Apply(source, new SetConfig { LocalPref = Set(200), Med = Set(6) }).Result;
        Assert.That(result.Attributes.Select(a => a.Type), Is.EqualTo(source.Attributes.Select(a => a.Type)));
        Assert.That(result.Attributes.Count(a => a.Type == AttrType.LocalPref), Is.EqualTo(1));
        Assert.That((result.LocalPref, result.Med, result.NextHop), Is.EqualTo(((uint?)200, (uint?)6, source.NextHop)));
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:1") }));
    }

    [Test]
    public void A_change_that_changes_nothing_gives_back_the_same_attribute_set()
    {
        var source = Attrs(Path(65001u), localPref: 200, communities: [C("65000:1")]);
        Assert.That(Apply(source, new SetConfig { LocalPref = Set(200) }).Result, Is.SameAs(source));
        Assert.That(Apply(source, new SetConfig { Communities = Edit(add: ["65000:1"], remove: ["65001:*"]) }).Result, Is.SameAs(source));
        Assert.That(Apply(source, SetConfig.Nothing).Result, Is.SameAs(source));
        Assert.That(Apply(source, new SetConfig { LocalPref = Set(201) }).Result, Is.Not.SameAs(source));
    }

    [Test]
    public void Next_hop_self_on_import_takes_our_address_of_the_same_family_only()
    {
        var self = new SetConfig { NextHop = new NextHopSetting(NextHopMode.Self) };
        var (result, overrides) = Apply(Attrs(), self);
        Assert.That((result.NextHop.Address, overrides), Is.EqualTo((IpAddr.Parse("198.51.100.254"), ExportOverrides.None)));
        Assert.That(Apply(Attrs(nextHop: "2001:db8::9"), self, family: AfiSafi.Ipv6Unicast).Result.NextHop.Address, Is.EqualTo(IpAddr.Parse("2001:db8::9")),
            "an IPv4 session address cannot be an IPv6 route's next hop");
        Assert.That(Apply(Attrs(), self, Import with { LocalAddress = null }).Result.NextHop.Address, Is.EqualTo(IpAddr.Parse("192.0.2.99")));
    }

    [Test]
    public void Next_hop_self_and_unchanged_on_export_are_left_to_the_export_rules()
    {
        var (result, overrides) = Apply(Attrs(), new SetConfig { NextHop = new NextHopSetting(NextHopMode.Self) }, Export);
        Assert.That((result.NextHop.Address, overrides), Is.EqualTo((IpAddr.Parse("192.0.2.99"), ExportOverrides.NextHopSelf)));
        (result, overrides) = Apply(Attrs(), new SetConfig { NextHop = new NextHopSetting(NextHopMode.Unchanged) }, Export);
        Assert.That((result.NextHop.Address, overrides), Is.EqualTo((IpAddr.Parse("192.0.2.99"), ExportOverrides.NextHopKept)));
        Assert.That(Apply(Attrs(), new SetConfig { NextHop = new NextHopSetting(NextHopMode.Unchanged) }).Overrides, Is.EqualTo(ExportOverrides.None),
            "unchanged means nothing on import");
    }

    [Test]
    public void The_last_next_hop_instruction_wins()
    {
        var draft = new RouteDraft(Attrs());
        new Modifications(new SetConfig { NextHop = new NextHopSetting(NextHopMode.Self) }).Apply(draft, AfiSafi.Ipv4Unicast, Export);
        new Modifications(new SetConfig { NextHop = new NextHopSetting(NextHopMode.Unchanged) }).Apply(draft, AfiSafi.Ipv4Unicast, Export);
        Assert.That(draft.Overrides, Is.EqualTo(ExportOverrides.NextHopKept));
        new Modifications(new SetConfig { NextHop = new NextHopSetting(NextHopMode.Self) }).Apply(draft, AfiSafi.Ipv4Unicast, Export);
        Assert.That(draft.Overrides, Is.EqualTo(ExportOverrides.NextHopSelf));
    }

    [Test]
    public void A_next_hop_address_is_set_when_it_is_of_the_route_family_and_left_alone_otherwise()
    {
        var v4 = new SetConfig { NextHop = new NextHopSetting(NextHopMode.Address, Ip("203.0.113.7")) };
        var v6 = new SetConfig { NextHop = new NextHopSetting(NextHopMode.Address, Ip("2001:db8::7")) };
        Assert.That(Apply(Attrs(), v4).Result.NextHop.Address, Is.EqualTo(IpAddr.Parse("203.0.113.7")));
        var (exported, overrides) = Apply(Attrs(), v4, Export);
        Assert.That((exported.NextHop.Address, overrides), Is.EqualTo((IpAddr.Parse("203.0.113.7"), ExportOverrides.NextHopKept)));

        var source = Attrs(nextHop: "2001:db8::9");
        var (mismatched, none) = Apply(source, v4, Export, AfiSafi.Ipv6Unicast);
        Assert.That((mismatched, none), Is.EqualTo((source, ExportOverrides.None)));
        Assert.That(Apply(Attrs(), v6).Result, Is.EqualTo(Attrs()), "an IPv6 address on an IPv4 route is ignored");
        Assert.That(Apply(source, v6, family: AfiSafi.Ipv6Unicast).Result.NextHop.Address, Is.EqualTo(IpAddr.Parse("2001:db8::7")));
    }

    [Test]
    public void Standard_communities_are_added_once_and_removed_by_pattern()
    {
        var source = Attrs(communities: [C("65000:1"), C("65000:2"), C("65001:1"), C("no-export")]);
        var result = Apply(source, new SetConfig { Communities = Edit(remove: ["65000:*"], add: ["65001:1", "65002:9", "blackhole"]) }).Result;
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65001:1"), C("no-export"), C("65002:9"), C("blackhole") }));
        Assert.That(result.NoExport, Is.True);

        result = Apply(source, new SetConfig { Communities = Edit(remove: ["*:1", "no-export"]) }).Result;
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:2") }));
        Assert.That(result.NoExport, Is.False);
    }

    [Test]
    public void Replace_comes_first_then_remove_then_add()
    {
        var source = Attrs(communities: [C("65000:1"), C("65000:2")]);
        var edit = Edit(replace: ["65010:1", "65010:2", "65010:1"], remove: ["65010:2", "65000:*"], add: ["65010:2", "65020:3"]);
        var result = Apply(source, new SetConfig { Communities = edit }).Result;
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65010:1"), C("65010:2"), C("65020:3") }));
    }

    [Test]
    public void Removing_every_community_drops_the_attribute()
    {
        var source = Attrs(communities: [C("65000:1")], large: [L("65000:1:1")]);
        var result = Apply(source, new SetConfig { Communities = Edit(remove: ["*:*"]), LargeCommunities = Edit(replace: []) }).Result;
        Assert.That(result.Has(AttrType.Communities) || result.Has(AttrType.LargeCommunities), Is.False);
        Assert.That(result.Communities.IsEmpty && result.LargeCommunities.IsEmpty, Is.True);
        Assert.That(result.Has(AttrType.AsPath) && result.Has(AttrType.Origin), Is.True);
    }

    [Test]
    public void Adding_to_a_route_without_communities_creates_the_attribute()
    {
        var result = Apply(Attrs(), new SetConfig { Communities = Edit(add: ["65000:1"]) }).Result;
        Assert.That(result.Get<CommunitiesAttribute>()!.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:1") }));
    }

    [Test]
    public void Extended_and_large_communities_are_edited_on_their_own_lists()
    {
        var source = Attrs(communities: [C("65000:1")], extended: [X("rt:65000:1"), X("rt:65001:1"), X("soo:65000:1")],
            large: [L("65000:1:5"), L("65000:2:5"), L("65000:2:6")]);
        var result = Apply(source, new SetConfig
        {
            ExtCommunities = Edit(remove: ["rt:65000:*"], add: ["rt:4200000000:5", "soo:192.0.2.1:7"]),
            LargeCommunities = Edit(remove: ["65000:*:5"], add: ["4200000000:1:1"]),
        }).Result;
        Assert.That(result.ExtendedCommunities.AsSpan().ToArray(),
            Is.EqualTo(new[] { X("rt:65001:1"), X("soo:65000:1"), X("rt:4200000000:5"), X("soo:192.0.2.1:7") }));
        Assert.That(result.LargeCommunities.AsSpan().ToArray(), Is.EqualTo(new[] { L("65000:2:6"), L("4200000000:1:1") }));
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:1") }), "standard ones untouched");

        result = Apply(source, new SetConfig { ExtCommunities = Edit(replace: ["rt:1:1"]) }).Result;
        Assert.That(result.ExtendedCommunities.AsSpan().ToArray(), Is.EqualTo(new[] { X("rt:1:1") }));
        Assert.That(result.LargeCommunities, Is.EqualTo(source.LargeCommunities));
    }

    [TestCase(PrependSource.Own, 0u, 3, "64500 64500 64500 65001 65002")]
    [TestCase(PrependSource.Last, 0u, 2, "65001 65001 65001 65002")]
    [TestCase(PrependSource.Asn, 65099u, 1, "65099 65001 65002")]
    public void Prepend_puts_an_as_in_front_the_given_number_of_times(PrependSource source, uint asn, int times, string path)
    {
        var set = new SetConfig { AsPathPrepend = new PrependSetting(source, asn, times) };
        var result = Apply(Attrs(Path(65001u, 65002u)), set).Result;
        Assert.That(result.AsPath.ToString(), Is.EqualTo(path));
        Assert.That(result.AsPathLength, Is.EqualTo(2 + times));
    }

    [Test]
    public void Prepend_of_the_last_as_does_nothing_to_an_empty_path_or_one_starting_with_a_set()
    {
        var last = new SetConfig { AsPathPrepend = new PrependSetting(PrependSource.Last, 0, 3) };
        var empty = Attrs();
        Assert.That(Apply(empty, last).Result, Is.SameAs(empty));
        var aggregate = Attrs(Path(AsPathSegment.Set(1, 2)));
        Assert.That(Apply(aggregate, last).Result, Is.SameAs(aggregate));
        var own = new SetConfig { AsPathPrepend = new PrependSetting(PrependSource.Own, 0, 2) };
        Assert.That(Apply(aggregate, own).Result.AsPath.ToString(), Is.EqualTo("64500 64500 {1,2}"));
        Assert.That(Apply(empty, own).Result.AsPath.ToString(), Is.EqualTo("64500 64500"));
    }

    [TestCase(64511u, false)]
    [TestCase(64512u, true)]
    [TestCase(65000u, true)]
    [TestCase(65534u, true)]
    [TestCase(65535u, false)]
    [TestCase(4199999999u, false)]
    [TestCase(4200000000u, true)]
    [TestCase(4294967294u, true)]
    [TestCase(4294967295u, false)]
    [TestCase(23456u, false)]
    public void Private_as_numbers_are_those_of_RFC_6996(uint asn, bool isPrivate) =>
        Assert.That(Modifications.IsPrivate(asn), Is.EqualTo(isPrivate));

    [TestCase(RemovePrivateMode.Remove, "64512 3356 4200000000", "64512 3356 4200000000")]
    [TestCase(RemovePrivateMode.Remove, "64512 65534 4200000000", "")]
    [TestCase(RemovePrivateMode.Remove, "3356 174", "3356 174")]
    [TestCase(RemovePrivateMode.All, "64512 3356 65534 174 4294967294 4294967295", "3356 174 4294967295")]
    [TestCase(RemovePrivateMode.All, "64511 65535 4199999999", "64511 65535 4199999999")]
    [TestCase(RemovePrivateMode.Replace, "64512 3356 4200000000", "64500 3356 64500")]
    [TestCase(RemovePrivateMode.Replace, "3356", "3356")]
    public void Private_as_removal_follows_its_mode(RemovePrivateMode mode, string before, string after)
    {
        uint[] asns = before.Split(' ').Select(uint.Parse).ToArray();
        var source = Attrs(Path(asns));
        var result = Apply(source, new SetConfig { RemovePrivateAs = mode }).Result;
        Assert.That(result.AsPath.ToString(), Is.EqualTo(after));
        if (before == after) Assert.That(result, Is.SameAs(source));
    }

    [Test]
    public void Private_as_removal_drops_segments_it_empties_and_keeps_the_kind_of_the_others()
    {
        var path = Path(AsPathSegment.Sequence(65001, 3356), AsPathSegment.Set(64512, 64513), AsPathSegment.Set(174, 64514));
        var result = Apply(Attrs(path), new SetConfig { RemovePrivateAs = RemovePrivateMode.All }).Result;
        Assert.That(result.AsPath, Is.EqualTo(Path(AsPathSegment.Sequence(3356), AsPathSegment.Set(174))));
        Assert.That(result.AsPathLength, Is.EqualTo(2));
    }

    [Test]
    public void Private_ases_are_removed_before_the_prepend_so_a_private_local_as_survives()
    {
        var set = new SetConfig { RemovePrivateAs = RemovePrivateMode.All, AsPathPrepend = new PrependSetting(PrependSource.Own, 0, 1) };
        var result = Apply(Attrs(Path(64512u, 3356u)), set, Import with { LocalAs = 65100 }).Result;
        Assert.That(result.AsPath.ToString(), Is.EqualTo("65100 3356"));
    }

    [Test]
    public void Several_actions_of_one_statement_all_apply()
    {
        var set = new SetConfig
        {
            LocalPref = Set(250),
            Med = Plus(5),
            Communities = Edit(add: ["65000:100"]),
            AsPathPrepend = new PrependSetting(PrependSource.Own, 0, 1),
            NextHop = new NextHopSetting(NextHopMode.Address, Ip("203.0.113.1")),
        };
        var (result, overrides) = Apply(Attrs(Path(65001u), med: 10), set);
        Assert.That((result.LocalPref, result.Med, result.AsPath.ToString(), result.NextHop.Address),
            Is.EqualTo(((uint?)250, (uint?)15, "64500 65001", IpAddr.Parse("203.0.113.1"))));
        Assert.That(result.Communities.AsSpan().ToArray(), Is.EqualTo(new[] { C("65000:100") }));
        Assert.That(overrides, Is.EqualTo(ExportOverrides.MedSet));
    }
}
