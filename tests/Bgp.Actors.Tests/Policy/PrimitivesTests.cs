using Bgp.Actors.Policy;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>The text forms of value ranges and prefix ranges: what they admit, what they refuse, and that they print back.</summary>
[TestFixture]
public sealed class PrimitivesTests
{
    private const uint Limit = 65535;

    [TestCase("100", 100u, 100u)]
    [TestCase("100..200", 100u, 200u)]
    [TestCase("100..", 100u, Limit)]
    [TestCase("..200", 0u, 200u)]
    [TestCase("*", 0u, Limit)]
    [TestCase("  7..9 ", 7u, 9u)]
    [TestCase("0", 0u, 0u)]
    [TestCase("65535", Limit, Limit)]
    [TestCase("5..5", 5u, 5u)]
    public void A_value_range_parses_to_its_bounds(string text, uint min, uint max)
    {
        Assert.That(UIntRange.TryParse(text, Limit, out var range, out var error), Is.True, error);
        Assert.That(range, Is.EqualTo(new UIntRange(min, max)));
        Assert.That(error, Is.Null);
    }

    [TestCase("..", "at least one end")]
    [TestCase("200..100", "empty")]
    [TestCase("65536", "between 0 and 65535")]
    [TestCase("1..65536", "between 0 and 65535")]
    [TestCase("-1", "not a number")]
    [TestCase("+5", "not a number")]
    [TestCase("abc", "not a number")]
    [TestCase("1..2..3", "not a number")]
    [TestCase("", "not a number")]
    [TestCase("0x10", "not a number")]
    [TestCase("1 .. 2", "not a number")]
    public void A_bad_value_range_is_refused_with_a_reason(string text, string reason)
    {
        Assert.That(UIntRange.TryParse(text, Limit, out var range, out var error), Is.False);
        Assert.That(error, Does.Contain(reason));
        Assert.That(range, Is.EqualTo(default(UIntRange)));
    }

    [Test]
    public void The_full_32_bit_range_is_any()
    {
        Assert.That(UIntRange.TryParse("*", uint.MaxValue, out var range, out _), Is.True);
        Assert.That(range, Is.EqualTo(UIntRange.Any));
        Assert.That(UIntRange.TryParse("4294967295", uint.MaxValue, out var top, out _), Is.True);
        Assert.That(top.IsExact && top.Min == uint.MaxValue, Is.True);
        Assert.That(UIntRange.TryParse("4294967296", uint.MaxValue, out _, out _), Is.False);
    }

    [Test]
    public void Contains_includes_both_ends_only()
    {
        var range = new UIntRange(10, 20);
        Assert.That(new[] { 9u, 10u, 15u, 20u, 21u }.Select(range.Contains), Is.EqualTo(new[] { false, true, true, true, false }));
        Assert.That(UIntRange.Any.Contains(0) && UIntRange.Any.Contains(uint.MaxValue), Is.True);
        Assert.That((range.IsExact, new UIntRange(4, 4).IsExact), Is.EqualTo((false, true)));
    }

    [TestCase(100u, 100u, "100")]
    [TestCase(100u, 200u, "100..200")]
    [TestCase(100u, Limit, "100..")]
    [TestCase(0u, 200u, "..200")]
    [TestCase(0u, Limit, "*")]
    [TestCase(0u, 0u, "0")]
    public void A_value_range_prints_in_its_shortest_form(uint min, uint max, string text) =>
        Assert.That(new UIntRange(min, max).ToString(Limit), Is.EqualTo(text));

    [Test]
    public void Any_value_range_prints_and_parses_back_to_itself()
    {
        var limits = Gen.Elements(255u, 65535u, uint.MaxValue);
        var ranges =
            from limit in limits
            from a in Gen.OneOf(Gen.Elements(0u, 1u, limit - 1, limit), Gen.Choose(0, int.MaxValue).Select(v => (uint)v % limit))
            from b in Gen.OneOf(Gen.Elements(0u, 1u, limit - 1, limit), Gen.Choose(0, int.MaxValue).Select(v => (uint)v % limit))
            select (limit, new UIntRange(Math.Min(a, b), Math.Max(a, b)));
        Prop.ForAll(ranges.ToArbitrary(), t =>
        {
            var (limit, range) = t;
            string text = range.ToString(limit);
            return UIntRange.TryParse(text, limit, out var back, out _) && back == range;
        }).Check(Seeded(500));
    }

    [TestCase("10.0.0.0/8 le 24", "10.0.0.0/8", 8, 24)]
    [TestCase("10.0.0.0/8 ge 16", "10.0.0.0/8", 16, 32)]
    [TestCase("10.0.0.0/8 ge 16 le 24", "10.0.0.0/8", 16, 24)]
    [TestCase("192.0.2.0/24", "192.0.2.0/24", 24, 24)]
    [TestCase("0.0.0.0/0 le 32", "0.0.0.0/0", 0, 32)]
    [TestCase("2001:db8::/32 ge 48 le 64", "2001:db8::/32", 48, 64)]
    [TestCase("2001:db8::/32 ge 48", "2001:db8::/32", 48, 128)]
    [TestCase("2001:db8::/32 le 48", "2001:db8::/32", 32, 48)]
    [TestCase("2001:db8::1/128", "2001:db8::1/128", 128, 128)]
    [TestCase("10.0.0.0/8   GE 9  LE 10", "10.0.0.0/8", 9, 10)]
    [TestCase("10.0.0.0/8 ge 8 le 8", "10.0.0.0/8", 8, 8)]
    public void A_prefix_range_parses_with_ge_and_le(string text, string prefix, int min, int max)
    {
        Assert.That(PrefixRange.TryParse(text, out var range, out var error), Is.True, error);
        Assert.That(range, Is.EqualTo(new PrefixRange(Prefix.Parse(prefix), (byte)min, (byte)max)));
    }

    [TestCase("10.0.0.1/8", "host bits")]
    [TestCase("2001:db8::1/32", "host bits")]
    [TestCase("10.0.0.0/8 ge 4", "shorter than the prefix's own length")]
    [TestCase("10.0.0.0/8 le 4", "below the prefix's own length")]
    [TestCase("10.0.0.0/8 ge 20 le 16", "below `ge 20`")]
    [TestCase("10.0.0.0/8 le 24 ge 16", "write `ge` before `le`")]
    [TestCase("10.0.0.0/8 ge 33", "between 0 and 32")]
    [TestCase("2001:db8::/32 le 129", "between 0 and 128")]
    [TestCase("10.0.0.0/8 ge", "write a prefix")]
    [TestCase("10.0.0.0/8 ge 16 le", "write a prefix")]
    [TestCase("10.0.0.0/8 ge 16 ge 20", "each at most once")]
    [TestCase("10.0.0.0/8 eq 16", "expected `ge` or `le`")]
    [TestCase("10.0.0.0/8 ge -1", "not a prefix length")]
    [TestCase("10.0.0.0", "not a prefix")]
    [TestCase("10.0.0.0/33", "not a prefix")]
    [TestCase("example.net/24", "not a prefix")]
    [TestCase("167772160/8", "not a prefix")]
    [TestCase("0xA000000/8", "not a prefix")]
    [TestCase("10/8", "not a prefix")]
    [TestCase("10.1/16", "not a prefix")]
    [TestCase("2001:db8::%eth0/32", "not a prefix")]
    [TestCase("", "write a prefix")]
    public void A_bad_prefix_range_is_refused_with_a_reason(string text, string reason)
    {
        Assert.That(PrefixRange.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(reason));
    }

    [Test]
    public void A_prefix_with_host_bits_names_the_prefix_that_was_probably_meant()
    {
        Assert.That(PrefixRange.ParsePrefix("192.0.2.1/24", out _, out var error), Is.False);
        Assert.That(error, Does.Contain("the prefix is 192.0.2.0/24"));
        Assert.That(PrefixRange.ParsePrefix("192.0.2.0/24", out var prefix, out error), Is.True);
        Assert.That((prefix, error), Is.EqualTo((Prefix.Parse("192.0.2.0/24"), (string?)null)));
    }

    [TestCase("10.0.0.0/8 le 24", "10.0.0.0/8", true)]
    [TestCase("10.0.0.0/8 le 24", "10.255.0.0/16", true)]
    [TestCase("10.0.0.0/8 le 24", "10.1.2.0/24", true)]
    [TestCase("10.0.0.0/8 le 24", "10.1.2.0/25", false)]
    [TestCase("10.0.0.0/8 le 24", "11.0.0.0/16", false)]
    [TestCase("10.0.0.0/8 le 24", "0.0.0.0/0", false)]
    [TestCase("10.0.0.0/8 ge 16", "10.0.0.0/8", false)]
    [TestCase("10.0.0.0/8 ge 16", "10.9.9.9/32", true)]
    [TestCase("192.0.2.0/24", "192.0.2.0/24", true)]
    [TestCase("192.0.2.0/24", "192.0.2.0/25", false)]
    [TestCase("0.0.0.0/0", "0.0.0.0/0", true)]
    [TestCase("0.0.0.0/0", "::/0", false)]
    [TestCase("0.0.0.0/0 le 32", "::/0", false)]
    [TestCase("::/0 le 128", "10.0.0.0/8", false)]
    [TestCase("2001:db8::/32 ge 48 le 64", "2001:db8:1::/48", true)]
    [TestCase("2001:db8::/32 ge 48 le 64", "2001:db8:1:2::/64", true)]
    [TestCase("2001:db8::/32 ge 48 le 64", "2001:db8:1::/47", false)]
    [TestCase("2001:db8::/32 ge 48 le 64", "2001:db9:1::/48", false)]
    public void A_prefix_range_matches_prefixes_inside_it_of_an_admitted_length(string range, string prefix, bool matches)
    {
        Assert.That(PrefixRange.TryParse(range, out var r, out _), Is.True);
        Assert.That(r.Matches(Prefix.Parse(prefix)), Is.EqualTo(matches));
    }

    [TestCase("10.0.0.0/8 le 24", "10.0.0.0/8 le 24")]
    [TestCase("10.0.0.0/8 ge 16", "10.0.0.0/8 ge 16")]
    [TestCase("10.0.0.0/8 ge 16 le 32", "10.0.0.0/8 ge 16")]
    [TestCase("10.0.0.0/8 ge 16 le 24", "10.0.0.0/8 ge 16 le 24")]
    [TestCase("10.0.0.0/8 ge 8 le 8", "10.0.0.0/8")]
    [TestCase("10.0.0.0/8 ge 8 le 32", "10.0.0.0/8 le 32")]
    [TestCase("2001:db8::/32 ge 48", "2001:db8::/32 ge 48")]
    [TestCase("2001:db8::/32 ge 48 le 64", "2001:db8::/32 ge 48 le 64")]
    public void A_prefix_range_prints_in_its_shortest_form(string text, string printed)
    {
        Assert.That(PrefixRange.TryParse(text, out var range, out _), Is.True);
        Assert.That(range.ToString(), Is.EqualTo(printed));
    }

    private static readonly Gen<PrefixRange> ValidRanges =
        from v6 in Gen.Elements(false, true)
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        let max = v6 ? 128 : 32
        from length in Gen.Choose(0, max)
        from min in Gen.Choose(length, max)
        from top in Gen.Choose(min, max)
        let prefix = v6 ? Prefix.V6(((UInt128)(uint)high << 96) | ((UInt128)(uint)low << 40) | (uint)low, length) : Prefix.V4((uint)high, length)
        select new PrefixRange(prefix, (byte)min, (byte)top);

    [Test]
    public void Any_prefix_range_prints_and_parses_back_to_itself() =>
        Prop.ForAll(ValidRanges.ToArbitrary(), range =>
        {
            string text = range.ToString();
            if (!PrefixRange.TryParse(text, out var back, out var error) || back != range)
                throw new AssertionException($"{range.Prefix} {range.Min}..{range.Max} printed \"{text}\", read back as {back} ({error})");
        }).Check(Seeded(1000));
}
