using System.Diagnostics;
using Bgp.Actors.Policy;
using Bgp.Wire;
using NUnit.Framework;
using static Bgp.Actors.Tests.Policy.PolicyFixtures;

namespace Bgp.Actors.Tests.Policy;

/// <summary>AS path expressions: the text a path is matched as, Cisco's <c>_</c>, and what is refused.</summary>
[TestFixture]
public sealed class AsPathRegexTests
{
    private static AsPathRegex Regex(string pattern)
    {
        Assert.That(AsPathRegex.TryCreate(pattern, out var regex, out var error), Is.True, error);
        Assert.That(error, Is.Null);
        return regex!;
    }

    private static AsPathSegment Segment(AsPathSegmentType type, params uint[] asns) => new(type, new EquatableArray<uint>(asns));

    [Test]
    public void A_path_is_written_as_routers_print_it()
    {
        Assert.That(AsPathRegex.Text(AsPath.Empty), Is.EqualTo(""));
        Assert.That(AsPathRegex.Text(Path(65001u, 65002u, 4200000000u)), Is.EqualTo("65001 65002 4200000000"));
        var mixed = Path(
            Segment(AsPathSegmentType.ConfedSequence, 64512, 64513),
            Segment(AsPathSegmentType.ConfedSet, 64514, 64515),
            AsPathSegment.Sequence(65001, 65002),
            AsPathSegment.Set(3, 4, 5));
        Assert.That(AsPathRegex.Text(mixed), Is.EqualTo("(64512 64513) [64514,64515] 65001 65002 {3,4,5}"));
    }

    [TestCase("_65001_", "1 65001 2", true)]
    [TestCase("_65001_", "65001", true)]
    [TestCase("_65001_", "65001 2", true)]
    [TestCase("_65001_", "1 65001", true)]
    [TestCase("_65001_", "1 165001", false)]
    [TestCase("_65001_", "650011 2", false)]
    [TestCase("_65001_", "1 650010 2", false)]
    [TestCase("_65001_", "", false)]
    [TestCase("^65001_", "65001 2 3", true)]
    [TestCase("^65001_", "65001", true)]
    [TestCase("^65001_", "1 65001", false)]
    [TestCase("^65001_", "650012", false)]
    [TestCase("_65001$", "1 2 65001", true)]
    [TestCase("_65001$", "65001", true)]
    [TestCase("_65001$", "65001 2", false)]
    [TestCase("_65001$", "1 165001", false)]
    [TestCase("^$", "", true)]
    [TestCase("^$", "1", false)]
    [TestCase("_1_2_", "1 2", true)]
    [TestCase("_1_2_", "11 2", false)]
    [TestCase("^[0-9]+$", "65001", true)]
    [TestCase("^[0-9]+$", "65001 65002", false)]
    [TestCase("^65001(_[0-9]+)*$", "65001 1 2 3", true)]
    [TestCase("^65001(_[0-9]+)*$", "65002 1 2 3", false)]
    [TestCase("1[_]2", "1 2", false)]
    [TestCase("1[_ ]2", "1 2", true)]
    public void Underscore_matches_a_boundary_and_nothing_else(string pattern, string path, bool matches) =>
        Assert.That(Regex(pattern).IsMatch(path), Is.EqualTo(matches));

    [TestCase("_65001_", true)]
    [TestCase("_64512_", true)]
    [TestCase("_64513_", true)]
    [TestCase("_64514_", true)]
    [TestCase("_3_", true)]
    [TestCase("_4_", true)]
    [TestCase("_6451_", false)]
    [TestCase(@"\{3,4\}", true)]
    [TestCase(@"\(64512 64513\)", true)]
    [TestCase(@"\[64514\]", true)]
    [TestCase("_4$", false)]
    [TestCase(@"_4\}$", true)]
    [TestCase("^64512_", false)]
    [TestCase(@"^\(64512_", true)]
    public void Sets_and_confederation_segments_have_boundaries_of_their_own(string pattern, bool matches)
    {
        var path = Path(
            Segment(AsPathSegmentType.ConfedSequence, 64512, 64513),
            Segment(AsPathSegmentType.ConfedSet, 64514),
            AsPathSegment.Sequence(65001),
            AsPathSegment.Set(3, 4));
        Assert.That(Regex(pattern).IsMatch(path), Is.EqualTo(matches), AsPathRegex.Text(path));
    }

    [Test]
    public void Matching_a_path_is_matching_its_text()
    {
        var regex = Regex("^65001_65002$");
        Assert.That(regex.IsMatch(Path(65001u, 65002u)), Is.True);
        Assert.That(regex.IsMatch(Path(65001u, 65002u, 65003u)), Is.False);
        Assert.That(regex.IsMatch(Path(AsPathSegment.Sequence(65001), AsPathSegment.Sequence(65002))), Is.True, "two sequences print as one");
        Assert.That(Regex("^$").IsMatch(AsPath.Empty), Is.True);
        Assert.That(Regex("^$").IsMatch(Path(1u)), Is.False);
    }

    [Test]
    public void Route_attributes_answer_the_same_expression_the_same_way_each_time()
    {
        var attributes = Attrs(Path(65001u, 65002u));
        var yes = Regex("_65002$");
        var no = Regex("_65003$");
        for (int i = 0; i < 3; i++)
        {
            Assert.That(attributes.MatchesAsPath(yes), Is.True);
            Assert.That(attributes.MatchesAsPath(no), Is.False);
        }
    }

    [Test]
    public void The_expression_keeps_its_text()
    {
        var regex = Regex("_65001_");
        Assert.That((regex.Pattern, regex.ToString()), Is.EqualTo(("_65001_", "_65001_")));
    }

    [TestCase("(")]
    [TestCase("[0-9")]
    [TestCase("*1")]
    [TestCase("1{3,2}")]
    [TestCase(@"\")]
    [TestCase("(?<x")]
    public void An_invalid_expression_gives_an_error_not_an_exception(string pattern)
    {
        Assert.That(AsPathRegex.TryCreate(pattern, out var regex, out var error), Is.False);
        Assert.That(regex, Is.Null);
        Assert.That(error, Is.Not.Null.And.Not.Empty);
    }

    [TestCase(@"(?<a>1)_\k<a>")]
    [TestCase(@"(?<a>1)\1")]
    [TestCase(@"(1)\1")]
    [TestCase("(?=1)1")]
    [TestCase("(?<!1)2")]
    [TestCase("(?>1)2")]
    public void Back_references_and_look_arounds_are_refused(string pattern)
    {
        Assert.That(AsPathRegex.TryCreate(pattern, out var regex, out var error), Is.False);
        Assert.That(regex, Is.Null);
        Assert.That(error, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void Named_back_references_are_refused_with_an_explanation()
    {
        Assert.That(AsPathRegex.TryCreate(@"(?<a>1)_\k<a>", out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("back-references, look-arounds and atomic groups are not supported"));
    }

    [Test]
    public void An_empty_or_overlong_expression_is_refused()
    {
        Assert.That(AsPathRegex.TryCreate("", out _, out var error), Is.False);
        Assert.That(error, Does.Contain("1 to 1024"));
        Assert.That(AsPathRegex.TryCreate(new string('1', 1025), out _, out error), Is.False);
        Assert.That(error, Does.Contain("1 to 1024"));
        Assert.That(AsPathRegex.TryCreate(new string('1', 1024), out _, out _), Is.True);
    }

    [Test]
    public void A_hostile_path_against_a_catastrophic_expression_takes_linear_time()
    {
        // on a backtracking engine this is exponential in the number of ASes
        var regex = Regex("^(_?[0-9]+_?)+$x");
        string path = string.Join(' ', Enumerable.Repeat("65001", 255));
        var stopwatch = Stopwatch.StartNew();
        bool match = regex.IsMatch(path);
        Assert.That(match, Is.False);
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }
}
