using Bgp.Actors.Policy;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>
/// The native answer for the common AS path expression shapes against the regex they stand for.
/// Paths mix every segment type (and empty segments, which go to the regex) over a few AS numbers
/// that are prefixes or suffixes of one another in decimal (65001, 165001, 6500), so a boundary
/// mistake shows; expressions are the native shapes plus near misses the parser must leave alone.
/// </summary>
[TestFixture]
public sealed class AsPathShapePropertyTests
{
    private static readonly uint[] Asns = [1, 6500, 65001, 165001, 650010, 4294967295];

    private static readonly Gen<AsPathSegment> Segments =
        from type in Gen.Elements(AsPathSegmentType.AsSequence, AsPathSegmentType.AsSequence, AsPathSegmentType.AsSet,
            AsPathSegmentType.ConfedSequence, AsPathSegmentType.ConfedSet)
        from length in Gen.Frequency((1, Gen.Constant(0)), (8, Gen.Choose(1, 4)))
        from asns in Gen.ArrayOf(Gen.Elements(Asns), length)
        select new AsPathSegment(type, new EquatableArray<uint>(asns));

    private static readonly Gen<AsPath> Paths =
        from count in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 3)))
        from segments in Gen.ArrayOf(Segments, count)
        select Path(segments);

    private static readonly Gen<string> Atoms = Gen.OneOf(
        Gen.Elements(Asns).Select(a => a.ToString()),
        from n in Gen.Choose(2, 3)
        from asns in Gen.ArrayOf(Gen.Elements(Asns), n)
        from opening in Gen.Elements("(", "(?:")
        select opening + string.Join('|', asns) + ")");

    private static readonly Gen<string> Expressions = Gen.Frequency(
        (10, from start in Gen.Elements("^", "_") from atom in Atoms from end in Gen.Elements("$", "_") select start + atom + end),
        (1, Gen.Elements("^$", "65001", "_065001_", "^65001", "_65001_65001_", "^(65001|)_", "_6500[1]_", "^.*$", "(_65001_)", "^65001 $")));

    [Test]
    public void The_native_answer_is_the_regex_answer_for_any_path()
    {
        int native = 0, matches = 0, misses = 0;
        Prop.ForAll((from e in Expressions from ps in Gen.ArrayOf(Paths, 20) select (e, ps)).ToArbitrary(), c =>
        {
            Assert.That(AsPathRegex.TryCreate(c.e, out var regex, out var error), Is.True, error);
            if (regex!.IsNative) native++;
            foreach (var path in c.ps)
            {
                bool expected = regex.RegexIsMatch(path), actual = regex.IsMatch(path);
                if (actual != expected)
                    throw new AssertionException($"`{c.e}` on \"{path}\" ({path.Segments.Count} segments): native {actual}, regex {expected}");
                if (expected) matches++;
                else misses++;
            }
        }).Check(Seeded(1500));

        Assert.That(native, Is.GreaterThan(1000), "expressions answered natively");
        Assert.That(matches, Is.GreaterThan(3000), "matches");
        Assert.That(misses, Is.GreaterThan(3000), "non-matches");
        TestContext.Out.WriteLine($"{native} native expressions, {matches} matches, {misses} non-matches");
    }

    [Test]
    public void A_set_of_expressions_matches_when_any_regex_does_with_the_anywhere_ones_scanned_together()
    {
        int matched = 0, total = 0;
        var cases = from n in Gen.Choose(1, 5)
                    from expressions in Gen.ArrayOf(Expressions, n)
                    from negated in Gen.Elements(false, true)
                    from paths in Gen.ArrayOf(Paths, 10)
                    select (expressions, negated, paths);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var regexes = c.expressions.Select(e => AsPathRegex.TryCreate(e, out var r, out _) ? r! : throw new AssertionException(e)).ToArray();
            var condition = new AsPathCondition(regexes, c.negated);
            foreach (var path in c.paths)
            {
                bool expected = regexes.Any(r => r.RegexIsMatch(path)) != c.negated;
                bool actual = condition.Matches(Input("192.0.2.0/24", Attrs(path: path)));
                if (actual != expected)
                    throw new AssertionException($"[{string.Join(", ", c.expressions)}]{(c.negated ? " negated" : "")} on \"{path}\": {actual}, the regexes {expected}");
                total++;
                if (expected) matched++;
            }
        }).Check(Seeded(800));
        Assert.That(matched, Is.InRange(total / 5, total * 4 / 5), "both answers come up");
    }

    [TestCase("_65001_", true)]
    [TestCase("^65001_", true)]
    [TestCase("_65001$", true)]
    [TestCase("^65001$", true)]
    [TestCase("^(2914|3257)_", true)]
    [TestCase("_(?:174|3356)_", true)]
    [TestCase("^$", true)]
    [TestCase("65001", false)]
    [TestCase("_065001_", false)]
    [TestCase("^65001_.*", false)]
    [TestCase("_65001_65002_", false)]
    [TestCase("_4294967296_", false)]
    [TestCase("^(65001|)_", false)]
    public void Which_expressions_are_answered_natively(string expression, bool native)
    {
        Assert.That(AsPathRegex.TryCreate(expression, out var regex, out _), Is.True);
        Assert.That(regex!.IsNative, Is.EqualTo(native));
    }
}
