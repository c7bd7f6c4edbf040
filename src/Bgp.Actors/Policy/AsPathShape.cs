using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>
/// An AS path expression of one of the shapes <c>_A_</c> (A anywhere), <c>^A_</c> (A first),
/// <c>_A$</c> (A last), <c>^A$</c> (A alone) or <c>^$</c> (empty path), where A is an AS number
/// or a group <c>(A|B|...)</c> / <c>(?:A|B|...)</c>, matched on the AS numbers directly. The answer
/// equals the regex's over the path's text (<see cref="AsPath.ToString"/>): an AS number is a run of
/// digits between boundaries, so "A anywhere" is A in any segment (sets and confederation segments
/// included); a path whose text starts with a digit starts with an AS_SEQUENCE, so "A first" is
/// that sequence's first AS; likewise "A last". Paths with an empty segment print oddly (a stray
/// space, <c>{}</c>) and go to the regex.
/// </summary>
internal sealed class AsPathShape
{
    private enum Anchor { Anywhere, First, Last, Only, EmptyPath }

    private readonly Anchor _anchor;
    private readonly uint[] _asns;

    private AsPathShape(Anchor anchor, uint[] asns)
    {
        _anchor = anchor;
        _asns = asns;
    }

    /// <summary>The shape of <paramref name="pattern"/>, or null when it is any other expression.</summary>
    public static AsPathShape? TryParse(string pattern)
    {
        if (pattern == "^$") return new AsPathShape(Anchor.EmptyPath, []);
        if (pattern.Length < 3) return null;
        char start = pattern[0], end = pattern[^1];
        if (start is not ('^' or '_') || end is not ('$' or '_')) return null;
        var body = pattern.AsSpan(1, pattern.Length - 2);
        List<uint> asns = [];
        if (body.Length > 0 && body[0] == '(')
        {
            if (body[^1] != ')') return null;
            body = body[1..^1];
            if (body.StartsWith("?:")) body = body[2..];
            foreach (var range in body.Split('|'))
                if (!TryAsn(body[range], out uint asn)) return null;
                else asns.Add(asn);
        }
        else if (TryAsn(body, out uint asn)) asns.Add(asn);
        else return null;
        var anchor = (start, end) switch
        {
            ('_', '_') => Anchor.Anywhere,
            ('^', '_') => Anchor.First,
            ('_', '$') => Anchor.Last,
            _ => Anchor.Only,
        };
        return new AsPathShape(anchor, [.. asns.Distinct()]);
    }

    /// <summary>Digits as an AS number prints them: no sign, no leading zero, at most 4294967295.</summary>
    private static bool TryAsn(ReadOnlySpan<char> text, out uint asn)
    {
        asn = 0;
        if (text.Length is 0 or > 10 || (text[0] == '0' && text.Length > 1)) return false;
        ulong value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (uint)(c - '0');
        }
        if (value > uint.MaxValue) return false;
        asn = (uint)value;
        return true;
    }

    /// <summary>The AS numbers of an "anywhere" shape (<c>_A_</c>), else null: several such expressions are one scan.</summary>
    public uint[]? AnywhereAsns => _anchor == Anchor.Anywhere ? _asns : null;

    /// <summary>Whether any of <paramref name="asns"/> is anywhere in the path; false (no answer) when a segment is empty.</summary>
    public static bool TryContainsAny(AsPath path, uint[] asns, out bool found)
    {
        found = false;
        foreach (var segment in path.Segments)
        {
            if (segment.Asns.Count == 0) return false;
            foreach (uint asn in segment.Asns)
                if (Array.IndexOf(asns, asn) >= 0) found = true;
        }
        return true;
    }

    /// <summary>Answers for <paramref name="path"/>; false (no answer) when a segment is empty.</summary>
    public bool TryMatch(AsPath path, out bool match)
    {
        match = false;
        var segments = path.Segments;
        foreach (var segment in segments)
            if (segment.Asns.Count == 0) return false;
        switch (_anchor)
        {
            case Anchor.EmptyPath:
                match = segments.IsEmpty;
                return true;
            case Anchor.Anywhere:
                foreach (var segment in segments)
                    foreach (uint asn in segment.Asns)
                        if (Is(asn)) { match = true; return true; }
                return true;
            case Anchor.First:
                match = segments.Count > 0 && segments[0].SegmentType == AsPathSegmentType.AsSequence && Is(segments[0].Asns[0]);
                return true;
            case Anchor.Last:
                match = segments.Count > 0 && segments[^1].SegmentType == AsPathSegmentType.AsSequence && Is(segments[^1].Asns[^1]);
                return true;
            default:
                match = segments.Count == 1 && segments[0].SegmentType == AsPathSegmentType.AsSequence && segments[0].Asns.Count == 1
                    && Is(segments[0].Asns[0]);
                return true;
        }
    }

    private bool Is(uint asn)
    {
        foreach (uint a in _asns)
            if (a == asn) return true;
        return false;
    }
}
