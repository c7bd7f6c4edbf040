using Bgp.Actors.Policy;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>
/// The prefix trie against its model, a linear scan of <see cref="PrefixRange.Matches"/>. The
/// generators draw addresses from a few short roots with only a handful of varying bits, at every
/// length, so that ranges nest and overlap and the prefixes looked up fall inside them about as
/// often as outside.
/// </summary>
[TestFixture]
public sealed class PrefixTriePropertyTests
{
    private static readonly uint[] V4Roots = [0x0A000000, 0x0A800000, 0xC0A80000, 0x00000000, 0xFFFFFF00];

    // bits that vary: a few near the top, some around the octet boundaries, the very last one
    private static readonly Gen<uint> V4Addresses =
        from root in Gen.Elements(V4Roots)
        from a in Gen.Choose(0, 3)
        from b in Gen.Choose(0, 3)
        from c in Gen.Choose(0, 1)
        select root ^ ((uint)a << 22) ^ ((uint)b << 7) ^ (uint)c;

    // 2001:db8::/32 and fd00::/8, varying bits either side of the 64-bit boundary (where the trie switches words) and at the end
    private static readonly Gen<UInt128> V6Addresses =
        from root in Gen.Elements((UInt128)0x20010DB8UL << 96, (UInt128)0xFD00UL << 112)
        from a in Gen.Choose(0, 3)
        from b in Gen.Choose(0, 3)
        from c in Gen.Choose(0, 3)
        from d in Gen.Choose(0, 1)
        select root ^ ((UInt128)(uint)a << 80) ^ ((UInt128)(uint)b << 63) ^ ((UInt128)(uint)c << 30) ^ (uint)d;

    private static Gen<int> Lengths(int max) =>
        Gen.Frequency((3, Gen.Choose(0, max)), (1, Gen.Elements(0, 1, max - 1, max, max / 2, max / 2 + 1)));

    private static readonly Gen<Prefix> V4Prefixes =
        from address in V4Addresses
        from length in Lengths(32)
        select Prefix.V4(address, length);

    private static readonly Gen<Prefix> V6Prefixes =
        from address in V6Addresses
        from length in Lengths(128)
        select Prefix.V6(address, length);

    private static readonly Gen<Prefix> Prefixes = Gen.OneOf(V4Prefixes, V6Prefixes);

    /// <summary>A range on a random prefix: often exact or narrow, sometimes to the family's longest.</summary>
    private static readonly Gen<PrefixRange> Ranges =
        from prefix in Prefixes
        from ge in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Choose(0, 4)), (1, Gen.Choose(0, prefix.MaxLength)))
        from le in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Choose(0, 8)), (1, Gen.Constant(prefix.MaxLength)))
        let min = Math.Min(prefix.MaxLength, prefix.Length + ge)
        let max = Math.Min(prefix.MaxLength, min + le)
        select new PrefixRange(prefix, (byte)min, (byte)max);

    /// <summary>A prefix inside one of the ranges (a longer one sharing its leading bits), or any prefix.</summary>
    private static Gen<Prefix> Probes(PrefixRange[] ranges) =>
        ranges.Length == 0
            ? Prefixes
            : Gen.Frequency(
                (1, Prefixes),
                (1, from range in Gen.Elements(ranges)
                    from extra in Gen.Choose(0, 10)
                    from address in range.Prefix.IsV6 ? V6Addresses.Select(IpAddr.V6) : V4Addresses.Select(IpAddr.V4)
                    select Inside(range.Prefix, address, Math.Min(range.Prefix.MaxLength, range.Prefix.Length + extra))));

    /// <summary>The prefix of <paramref name="length"/> that starts with <paramref name="outer"/> and continues with <paramref name="address"/>'s bits.</summary>
    private static Prefix Inside(Prefix outer, IpAddr address, int length)
    {
        if (outer.IsV6)
        {
            UInt128 mask = outer.Length == 0 ? 0 : UInt128.MaxValue << (128 - outer.Length);
            return Prefix.V6((outer.Address.V6Value & mask) | (address.V6Value & ~mask), length);
        }
        uint m = outer.Length == 0 ? 0 : uint.MaxValue << (32 - outer.Length);
        return Prefix.V4((outer.Address.V4Value & m) | (address.V4Value & ~m), length);
    }

    private static readonly Gen<(PrefixRange[] Ranges, Prefix[] Probes)> Cases =
        from count in Gen.Frequency((1, Gen.Choose(0, 3)), (3, Gen.Choose(1, 25)))
        from ranges in Gen.ArrayOf(Ranges, count)
        from probes in Gen.ArrayOf(Probes(ranges), 40)
        select (ranges, probes);

    private static PrefixTrie Build(IEnumerable<PrefixRange> ranges, bool sealedWithTable = false)
    {
        var trie = new PrefixTrie();
        foreach (var r in ranges) trie.Add(r);
        if (sealedWithTable) trie.Seal(threshold: 0);
        return trie;
    }

    [Test]
    public void The_trie_agrees_with_a_linear_scan_for_any_ranges_and_prefixes()
    {
        int hits = 0, misses = 0, v6Hits = 0, deepV6Hits = 0;
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var trie = Build(c.Ranges);
            var table = Build(c.Ranges, sealedWithTable: true);
            if (trie.Count != c.Ranges.Length) throw new AssertionException($"Count {trie.Count}, added {c.Ranges.Length}");
            foreach (var probe in c.Probes)
            {
                bool expected = c.Ranges.Any(r => r.Matches(probe));
                bool actual = trie.Matches(probe), viaTable = table.Matches(probe);
                if (actual != expected || viaTable != expected)
                    throw new AssertionException($"{probe}: trie says {actual}, with the 16-bit table {viaTable}, the scan {expected}; ranges: {string.Join(", ", c.Ranges)}");
                if (!expected) { misses++; continue; }
                hits++;
                if (probe.IsV6) v6Hits++;
                if (probe.IsV6 && probe.Length > 64) deepV6Hits++;
            }
        }).Check(Seeded(600));

        // the generators are only worth something if both answers come up often, in both families, past the 64-bit word
        Assert.That(hits, Is.GreaterThan(2000), "matches");
        Assert.That(misses, Is.GreaterThan(2000), "non-matches");
        Assert.That(v6Hits, Is.GreaterThan(500), "IPv6 matches");
        Assert.That(deepV6Hits, Is.GreaterThan(100), "IPv6 matches longer than /64");
    }

    [Test]
    public void The_order_ranges_are_added_in_does_not_change_the_answers() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var forward = Build(c.Ranges);
            var backward = Build(c.Ranges.Reverse());
            foreach (var probe in c.Probes)
                if (forward.Matches(probe) != backward.Matches(probe)) throw new AssertionException($"{probe} differs by insertion order");
        }).Check(Seeded(200));

    [Test]
    public void An_empty_trie_matches_nothing()
    {
        var trie = new PrefixTrie();
        Assert.That(trie.Count, Is.Zero);
        Assert.That(trie.Matches(Prefix.Parse("0.0.0.0/0")) || trie.Matches(Prefix.Parse("::/0")) || trie.Matches(Prefix.Parse("10.0.0.0/8")), Is.False);
    }

    [Test]
    public void The_families_do_not_mix()
    {
        var trie = Build([Range("0.0.0.0/0 le 32")]);
        Assert.That(trie.Matches(Prefix.Parse("203.0.113.0/24")), Is.True);
        Assert.That(trie.Matches(Prefix.Parse("::/0")), Is.False);
        Assert.That(trie.Matches(Prefix.Parse("::ffff:203.0.113.0/120")), Is.False, "an IPv4-mapped IPv6 prefix is IPv6");
        Assert.That(trie.Matches(Prefix.Parse("2001:db8::/32")), Is.False);
    }

    [TestCase("::/128", true)]
    [TestCase("2001:db8::1/128", true)]
    [TestCase("::/0", false)]
    [TestCase("2001:db8::/127", false)]
    public void Only_host_routes_match_the_default_route_with_ge_128(string prefix, bool matches) =>
        Assert.That(Build([Range("::/0 ge 128")]).Matches(Prefix.Parse(prefix)), Is.EqualTo(matches));

    [TestCase("2001:db8::/63", false)]
    [TestCase("2001:db8::/64", true)]
    [TestCase("2001:db8::/65", true)]
    [TestCase("2001:db8::8000:0:0:0/65", true)]
    [TestCase("2001:db8::/127", true)]
    [TestCase("2001:db8::/128", true)]
    [TestCase("2001:db8:0:1::/64", false)]
    public void Lengths_on_both_sides_of_the_64_bit_boundary_are_told_apart(string prefix, bool matches) =>
        Assert.That(Build([Range("2001:db8::/64 le 65"), Range("2001:db8::/127 le 128")]).Matches(Prefix.Parse(prefix)), Is.EqualTo(matches));

    [Test]
    public void Ranges_on_the_same_prefix_add_up_their_lengths()
    {
        var trie = Build([Range("10.0.0.0/8 ge 16 le 16"), Range("10.0.0.0/8 ge 24 le 24")]);
        Assert.That(Enumerable.Range(8, 25).Where(len => trie.Matches(Prefix.V4(0x0A000000, len))), Is.EqualTo(new[] { 16, 24 }));
        Assert.That(trie.Count, Is.EqualTo(2));
    }

    [Test]
    public void Thousands_of_ranges_grow_the_trie_and_still_agree_with_the_scan()
    {
        var random = new Random(7);
        var ranges = Enumerable.Range(0, 3000).Select(_ =>
        {
            bool v6 = random.Next(2) == 0;
            int length = random.Next(v6 ? 129 : 33);
            var prefix = v6
                ? Prefix.V6(((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64(), length)
                : Prefix.V4((uint)random.NextInt64(), length);
            int min = random.Next(length, prefix.MaxLength + 1);
            return new PrefixRange(prefix, (byte)min, (byte)random.Next(min, prefix.MaxLength + 1));
        }).ToArray();
        var trie = Build(ranges);
        int hits = 0;
        foreach (var r in ranges)
        {
            // the range's own prefix and one a bit longer inside it
            foreach (var probe in new[] { r.Prefix, Prefix.Create(r.Prefix.Address, Math.Min(r.Prefix.MaxLength, r.Prefix.Length + 3)) })
            {
                bool expected = ranges.Any(x => x.Matches(probe));
                Assert.That(trie.Matches(probe), Is.EqualTo(expected), probe.ToString);
                if (expected) hits++;
            }
        }
        Assert.That(hits, Is.GreaterThan(1000));
    }

    private static PrefixRange Range(string text) =>
        PrefixRange.TryParse(text, out var r, out var error) ? r : throw new ArgumentException(error);
}
