namespace Bgp.Api.Metrics;

/// <summary>
/// The tags of a measurement as a dictionary key: two tag sets are equal when they hold the same
/// (key, value) pairs in any order. Values compare with <see cref="object.Equals(object, object)"/>.
/// </summary>
internal sealed class TagSet
{
    public TagSet(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Tags = tags.ToArray();
        Hash = TagSetComparer.HashOf(tags);
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public int Hash { get; }
}

/// <summary>
/// Compares stored <see cref="TagSet"/>s with each other and with the span a measurement callback
/// receives, so that looking up an existing series allocates nothing.
/// </summary>
internal sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    public static readonly TagSetComparer Instance = new();

    public bool Equals(TagSet? x, TagSet? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash && Same(x.Tags, y.Tags));

    public int GetHashCode(TagSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other) => Same(alternate, other.Tags);

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);

    /// <summary>Order-insensitive: a sum of per-tag hashes.</summary>
    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var tag in tags)
            hash = unchecked(hash + HashCode.Combine(StringComparer.Ordinal.GetHashCode(tag.Key), tag.Value));
        return hash;
    }

    private static bool Same(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
        {
            // Callers usually pass their tags in the same order every time: try the same position first.
            if (Matches(a[i], b[i])) continue;
            var found = false;
            foreach (var tag in b)
            {
                if (!Matches(a[i], tag)) continue;
                found = true;
                break;
            }
            if (!found) return false;
        }
        return true;
    }

    private static bool Matches(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) =>
        string.Equals(x.Key, y.Key, StringComparison.Ordinal) && Equals(x.Value, y.Value);
}
