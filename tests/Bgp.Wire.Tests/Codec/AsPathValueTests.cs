using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Codec;

/// <summary>
/// <see cref="AsPath"/> holds a lone AS_SEQUENCE as its ASN array and anything else as segments: the
/// two representations must be indistinguishable through equality, hashing, indexing and enumeration.
/// </summary>
public class AsPathValueTests
{
    private static AsPath Of(params AsPathSegment[] segments) => new(new EquatableArray<AsPathSegment>(segments));

    [Test]
    public void A_lone_sequence_built_from_segments_equals_one_built_from_asns()
    {
        var fromSegments = Of(AsPathSegment.Sequence(65001, 174, 3356));
        var fromAsns = AsPath.FromSequence(65001, 174, 3356);
        Assert.That(fromSegments, Is.EqualTo(fromAsns));
        Assert.That(fromSegments == fromAsns, Is.True);
        Assert.That(fromSegments.GetHashCode(), Is.EqualTo(fromAsns.GetHashCode()));
        Assert.That(fromSegments.Segments.Count, Is.EqualTo(1));
        Assert.That(fromSegments.Segments[0], Is.EqualTo(AsPathSegment.Sequence(65001, 174, 3356)));
        Assert.That(fromSegments.ToString(), Is.EqualTo("65001 174 3356"));
    }

    [Test]
    public void A_lone_set_is_not_the_sequence_of_the_same_asns()
    {
        var set = Of(AsPathSegment.Set(65001, 174));
        var sequence = AsPath.FromSequence(65001, 174);
        Assert.That(set, Is.Not.EqualTo(sequence));
        Assert.That(set.Segments[0].SegmentType, Is.EqualTo(AsPathSegmentType.AsSet));
        Assert.That(set.Length, Is.EqualTo(1));
        Assert.That(sequence.Length, Is.EqualTo(2));
        Assert.That(set.ToString(), Is.EqualTo("{65001,174}"));
    }

    [Test]
    public void Empty_default_and_no_segments_are_one_path()
    {
        Assert.That(default(AsPath), Is.EqualTo(AsPath.Empty));
        Assert.That(Of(), Is.EqualTo(AsPath.Empty));
        Assert.That(AsPath.FromSequence(), Is.EqualTo(AsPath.Empty));
        Assert.That(AsPath.Empty.IsEmpty, Is.True);
        Assert.That(AsPath.Empty.Segments.Count, Is.Zero);
        Assert.That(AsPath.Empty.Segments.ToArray(), Is.Empty);
        Assert.That(AsPath.Empty.FirstAs, Is.Null);
        Assert.That(AsPath.Empty.OriginAs, Is.Null);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = AsPath.Empty.Segments[0]);
    }

    [Test]
    public void Indexing_past_a_lone_sequence_throws()
    {
        var path = AsPath.FromSequence(65001);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = path.Segments[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = path.Segments[-1]);
    }

    [Test]
    public void A_sequence_viewing_part_of_a_larger_array_keeps_only_its_asns()
    {
        // The decoders hand over estimate-sized buffers; the path must not see the spare slots.
        var backing = new uint[] { 65001, 174, 999, 999 };
        var view = EquatableArray.Create<uint>(backing.AsSpan(0, 2));
        var path = Of(new AsPathSegment(AsPathSegmentType.AsSequence, view));
        Assert.That(path, Is.EqualTo(AsPath.FromSequence(65001, 174)));
        Assert.That(path.Segments[0].Asns.Count, Is.EqualTo(2));
    }

    [Test]
    public void Several_segments_keep_their_order_and_types()
    {
        var path = Of(
            new AsPathSegment(AsPathSegmentType.ConfedSequence, new uint[] { 64512 }),
            AsPathSegment.Sequence(65001, 174),
            AsPathSegment.Set(3356, 2914));
        Assert.That(path.Segments.Select(s => s.SegmentType), Is.EqualTo(new[]
        {
            AsPathSegmentType.ConfedSequence, AsPathSegmentType.AsSequence, AsPathSegmentType.AsSet,
        }));
        Assert.That(path.Segments[^1], Is.EqualTo(AsPathSegment.Set(3356, 2914)));
        Assert.That(path.FirstAs, Is.Null, "a leading confederation segment is not the neighbour AS");
        Assert.That(path.OriginAs, Is.Null, "a trailing AS_SET has no origin AS");
        Assert.That(path.Length, Is.EqualTo(3));
        Assert.That(path.ToString(), Is.EqualTo("(64512) 65001 174 {3356,2914}"));
    }

    [Test]
    public void Paths_are_equal_exactly_when_their_segment_lists_are()
    {
        var segment = Gen.Elements(AsPathSegmentType.AsSequence, AsPathSegmentType.AsSet, AsPathSegmentType.ConfedSequence)
            .SelectMany(t => Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 4).Select(a => (uint)a), n))
                .Select(asns => new AsPathSegment(t, asns)));
        var segments = Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(segment, n));
        var pairs = segments.SelectMany(a => segments.Select(b => (a, b)));
        var config = Config.QuickThrowOnFailure.WithMaxTest(3000)
            .WithReplay(new Replay(new Rnd(20261122UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));
        Prop.ForAll(pairs.ToArbitrary(), p =>
        {
            var (a, b) = p;
            var pa = Of(a);
            var pb = Of(b);
            if (!pa.Segments.ToArray().SequenceEqual(a)) throw new AssertionException($"segments of {pa} are not {string.Join(" | ", a)}");
            if (!pa.Segments.SequenceEqual(a)) throw new AssertionException($"enumerating {pa} differs from its segments");
            bool same = a.SequenceEqual(b);
            if (pa.Equals(pb) != same) throw new AssertionException($"{pa} vs {pb}: Equals {pa.Equals(pb)}, segment lists equal {same}");
            if (same && pa.GetHashCode() != pb.GetHashCode()) throw new AssertionException($"{pa}: equal paths hash differently");
        }).Check(config);
    }
}
