using Bgp.Actors.Policy;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>Community patterns of the three kinds: parsing, matching, and that exact ones are the communities Bgp.Wire reads from the same text.</summary>
[TestFixture]
public sealed class CommunityPatternTests
{
    [Test]
    public void A_standard_community_is_exact_and_matches_only_itself()
    {
        var p = Pattern("65000:100");
        Assert.That((p.Kind, p.IsExact, p.Text), Is.EqualTo((CommunityKind.Standard, true, "65000:100")));
        Assert.That(p.Standard, Is.EqualTo(new Community(65000, 100)));
        Assert.That(p.Matches(new Community(65000, 100)), Is.True);
        Assert.That(p.Matches(new Community(65000, 101)) || p.Matches(new Community(65001, 100)), Is.False);
        Assert.That(p.Matches(new LargeCommunity(65000, 100, 0)) || p.Matches(X("rt:65000:100")), Is.False, "other kinds never match");
    }

    [TestCase("no-export", 0xFFFFFF01u)]
    [TestCase("no-advertise", 0xFFFFFF02u)]
    [TestCase("no-export-subconfed", 0xFFFFFF03u)]
    [TestCase("graceful-shutdown", 0xFFFF0000u)]
    [TestCase("llgr-stale", 0xFFFF0006u)]
    [TestCase("no-llgr", 0xFFFF0007u)]
    [TestCase("blackhole", 0xFFFF029Au)]
    [TestCase("NO-EXPORT", 0xFFFFFF01u)]
    [TestCase(" Blackhole ", 0xFFFF029Au)]
    public void A_well_known_name_is_its_community(string name, uint value)
    {
        var p = Pattern(name);
        Assert.That((p.Kind, p.IsExact, p.Standard), Is.EqualTo((CommunityKind.Standard, true, new Community(value))));
        Assert.That(p.Matches(new Community(value)), Is.True);
        Assert.That(p.Matches(new Community(value + 1)), Is.False);
    }

    [TestCase("65000:*", "65000:0", true)]
    [TestCase("65000:*", "65000:65535", true)]
    [TestCase("65000:*", "65001:1", false)]
    [TestCase("*:666", "1:666", true)]
    [TestCase("*:666", "blackhole", true)]
    [TestCase("*:666", "1:667", false)]
    [TestCase("*:*", "0:0", true)]
    [TestCase("65000:100..199", "65000:100", true)]
    [TestCase("65000:100..199", "65000:199", true)]
    [TestCase("65000:100..199", "65000:99", false)]
    [TestCase("65000:100..199", "65000:200", false)]
    [TestCase("65000:..10", "65000:0", true)]
    [TestCase("65000:..10", "65000:11", false)]
    [TestCase("65000:65000..", "65000:65535", true)]
    [TestCase("65000:65000..", "65000:64999", false)]
    [TestCase("64512..65534:1", "64512:1", true)]
    [TestCase("64512..65534:1", "65535:1", false)]
    public void A_standard_pattern_matches_by_part(string pattern, string community, bool matches)
    {
        var p = Pattern(pattern);
        Assert.That((p.Kind, p.IsExact), Is.EqualTo((CommunityKind.Standard, false)));
        Assert.That(p.Matches(C(community)), Is.EqualTo(matches));
    }

    [TestCase("65000:*:5", "65000:1:5", true)]
    [TestCase("65000:*:5", "65000:4294967295:5", true)]
    [TestCase("65000:*:5", "65000:1:6", false)]
    [TestCase("65000:*:5", "65001:1:5", false)]
    [TestCase("65000:1..10:*", "65000:10:77", true)]
    [TestCase("65000:1..10:*", "65000:11:77", false)]
    [TestCase("4200000000..:*:*", "4200000000:0:0", true)]
    [TestCase("4200000000..:*:*", "4199999999:0:0", false)]
    public void A_large_pattern_matches_by_part(string pattern, string community, bool matches)
    {
        var p = Pattern(pattern);
        Assert.That((p.Kind, p.IsExact), Is.EqualTo((CommunityKind.Large, false)));
        Assert.That(p.Matches(L(community)), Is.EqualTo(matches));
        Assert.That(p.Matches(new Community(65000, 5)), Is.False);
    }

    [Test]
    public void A_large_community_is_exact_with_full_32_bit_parts()
    {
        var p = Pattern("4294967295:0:4200000000");
        Assert.That((p.Kind, p.IsExact, p.Large), Is.EqualTo((CommunityKind.Large, true, new LargeCommunity(uint.MaxValue, 0, 4200000000))));
        Assert.That(p.Matches(p.Large), Is.True);
    }

    [TestCase("rt:65000:100", "rt:65000:100", true)]
    [TestCase("rt:65000:100", "soo:65000:100", false)]
    [TestCase("rt:65000:100", "rt:65000:101", false)]
    [TestCase("rt:65000:*", "rt:65000:4294967295", true)]
    [TestCase("rt:65000:*", "rt:65001:5", false)]
    [TestCase("rt:65000:*", "soo:65000:5", false)]
    [TestCase("rt:65000:*", "rt:0.0.253.232:5", false)]
    [TestCase("rt:65000:*", "rt:4200000000:5", false)]
    [TestCase("rt:4200000000:5", "rt:4200000000:5", true)]
    [TestCase("rt:4200000000:5", "rt:4200000000:6", false)]
    [TestCase("rt:4200000000..:*", "rt:4200000001:1", true)]
    [TestCase("rt:4200000000..:*", "rt:65000:1", false)]
    [TestCase("rt:64512..65534:*", "rt:65000:1", true)]
    [TestCase("rt:64512..65534:*", "rt:65535:1", false)]
    [TestCase("rt:64512..65534:*", "rt:0.0.253.232:1", false)]
    [TestCase("soo:192.0.2.1:7", "soo:192.0.2.1:7", true)]
    [TestCase("soo:192.0.2.1:7", "soo:192.0.2.2:7", false)]
    [TestCase("soo:192.0.2.1:7", "rt:192.0.2.1:7", false)]
    [TestCase("soo:192.0.2.1:*", "soo:192.0.2.1:65535", true)]
    [TestCase("rt:*:*", "rt:65000:1", true)]
    [TestCase("rt:*:*", "rt:192.0.2.1:1", true)]
    [TestCase("rt:*:*", "rt:4200000000:1", true)]
    [TestCase("rt:*:*", "soo:65000:1", false)]
    [TestCase("RT:65000:*", "rt:65000:1", true)]
    public void An_extended_pattern_matches_by_subtype_and_part(string pattern, string community, bool matches)
    {
        var p = Pattern(pattern);
        Assert.That(p.Kind, Is.EqualTo(CommunityKind.Extended));
        Assert.That(p.Matches(X(community)), Is.EqualTo(matches));
    }

    [Test]
    public void Extended_exact_patterns_pick_the_type_as_the_wire_does()
    {
        var twoOctet = Pattern("rt:65000:100");
        Assert.That((twoOctet.IsExact, twoOctet.Extended), Is.EqualTo((true, ExtendedCommunity.RouteTarget(65000, 100))));
        Assert.That(twoOctet.Extended.TypeHigh, Is.EqualTo(0x00));

        var fourOctet = Pattern("rt:4200000000:5");
        Assert.That((fourOctet.Extended.TypeHigh, fourOctet.Extended.SubType), Is.EqualTo((0x02, 0x02)));
        Assert.That(fourOctet.Extended.ToString(), Is.EqualTo("rt:4200000000:5"));

        var ipv4 = Pattern("soo:192.0.2.1:7");
        Assert.That((ipv4.Extended.TypeHigh, ipv4.Extended.SubType), Is.EqualTo((0x01, 0x03)));
        Assert.That(ipv4.Extended.ToString(), Is.EqualTo("soo:192.0.2.1:7"));

        var bigValue = Pattern("rt:1:4294967295");
        Assert.That(bigValue.Extended, Is.EqualTo(ExtendedCommunity.RouteTarget(1, uint.MaxValue)));
    }

    [TestCase("65536:1", "between 0 and 65535")]
    [TestCase("1:65536", "between 0 and 65535")]
    [TestCase("65000:200..100", "empty")]
    [TestCase("1:2:3:4", "is not a community")]
    [TestCase("no-such-name", "is not a community")]
    [TestCase("", "is not a community")]
    [TestCase("4294967296:1:1", "between 0 and 4294967295")]
    [TestCase("rt:1", "followed by ASN:VALUE")]
    [TestCase("rt:1:2:3", "followed by ASN:VALUE")]
    [TestCase("rt:4200000000:70000", "at most 65535")]
    [TestCase("soo:300.0.0.1:1", "not an IPv4 address")]
    [TestCase("soo:2001:db8::1:1", "followed by ASN:VALUE")]
    [TestCase("soo:192.0.2.1:70000", "between 0 and 65535")]
    [TestCase("soo:192.0.2.1:x", "not a number")]
    [TestCase("65000:abc", "not a number")]
    public void A_bad_community_is_refused_with_a_reason(string text, string reason)
    {
        Assert.That(CommunityPattern.TryParse(text, out var pattern, out var error), Is.False);
        Assert.That(pattern, Is.Null);
        Assert.That(error, Does.Contain(reason));
    }

    [TestCase("65000:*")]
    [TestCase("65000:1..2")]
    [TestCase("65000:*:5")]
    [TestCase("rt:65000:*")]
    [TestCase("soo:192.0.2.1:*")]
    [TestCase("*:666")]
    public void A_pattern_with_a_wildcard_or_range_is_not_exact(string text) =>
        Assert.That(Pattern(text).IsExact, Is.False);

    [Test]
    public void Patterns_are_equal_by_their_text()
    {
        Assert.That(Pattern("65000:1"), Is.EqualTo(Pattern(" 65000:1 ")));
        Assert.That(Pattern("65000:1").GetHashCode(), Is.EqualTo(Pattern("65000:1").GetHashCode()));
        Assert.That(Pattern("65000:1"), Is.Not.EqualTo(Pattern("65000:2")));
        Assert.That(Pattern("65000:*").ToString(), Is.EqualTo("65000:*"));
    }

    private static readonly Gen<uint> Any32 = Gen.OneOf(
        Gen.Elements(0u, 1u, 65535u, 65536u, 4199999999u, 4200000000u, uint.MaxValue),
        Gen.Choose(int.MinValue, int.MaxValue).Select(v => (uint)v));

    private static readonly Gen<uint> Any16 = Gen.OneOf(Gen.Elements(0u, 1u, 65535u), Gen.Choose(0, 65535).Select(v => (uint)v));

    /// <summary>Exact community texts of every kind and form, in the syntax Bgp.Wire reads.</summary>
    private static readonly Gen<(CommunityKind Kind, string Text)> ExactTexts = Gen.OneOf(
        from a in Any16 from b in Any16 select (CommunityKind.Standard, $"{a}:{b}"),
        from a in Any32 from b in Any32 from c in Any32 select (CommunityKind.Large, $"{a}:{b}:{c}"),
        from kind in Gen.Elements("rt", "soo") from asn in Any16 from value in Any32 select (CommunityKind.Extended, $"{kind}:{asn}:{value}"),
        from kind in Gen.Elements("rt", "soo") from asn in Any32 from value in Any16 select (CommunityKind.Extended, $"{kind}:{asn}:{value}"),
        from kind in Gen.Elements("rt", "soo") from ip in Any32 from value in Any16
        select (CommunityKind.Extended, $"{kind}:{IpAddr.V4(ip)}:{value}"));

    [Test]
    public void An_exact_pattern_is_the_community_bgp_wire_reads_from_the_same_text() =>
        Prop.ForAll(ExactTexts.ToArbitrary(), t =>
        {
            var p = Pattern(t.Text);
            if (p.Kind != t.Kind || !p.IsExact) throw new AssertionException($"{t.Text}: {p.Kind}, exact {p.IsExact}");
            switch (t.Kind)
            {
                case CommunityKind.Standard:
                    Assert.That(Community.TryParse(t.Text, names: false, out var c), Is.True, t.Text);
                    Assert.That(p.Standard, Is.EqualTo(c), t.Text);
                    Assert.That(p.Matches(c), Is.True, t.Text);
                    break;
                case CommunityKind.Large:
                    Assert.That(LargeCommunity.TryParse(t.Text, out var l), Is.True, t.Text);
                    Assert.That(p.Large, Is.EqualTo(l), t.Text);
                    Assert.That(p.Matches(l), Is.True, t.Text);
                    break;
                default:
                    Assert.That(ExtendedCommunity.TryParse(t.Text, out var x), Is.True, t.Text);
                    Assert.That(p.Extended, Is.EqualTo(x), t.Text);
                    Assert.That(p.Matches(x), Is.True, t.Text);
                    Assert.That(x.ToString(), Is.EqualTo(t.Text), "the text is the wire type's own form");
                    break;
            }
        }).Check(Seeded(1000));

    [Test]
    public void A_pattern_matches_exactly_the_communities_each_part_admits() =>
        Prop.ForAll((from lo in Any16 from hi in Any16 from asn in Any16 from value in Any16 select (lo, hi, asn, value)).ToArbitrary(), t =>
        {
            var (lo, hi, asn, value) = t;
            var (min, max) = (Math.Min(lo, hi), Math.Max(lo, hi));
            var p = Pattern($"{asn}:{min}..{max}");
            var c = new Community((ushort)asn, (ushort)value);
            Assert.That(p.Matches(c), Is.EqualTo(value >= min && value <= max), $"{p} / {c}");
            Assert.That(Pattern($"*:{value}").Matches(c) && Pattern($"{asn}:*").Matches(c), Is.True);
        }).Check(Seeded(500));
}
