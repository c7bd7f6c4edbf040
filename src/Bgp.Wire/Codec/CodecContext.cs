namespace Bgp.Wire;

/// <summary>Who the peer is relative to us; decides checks such as LOCAL_PREF handling (RFC 7606 §7.5).</summary>
public enum PeerKind : byte
{
    Unknown = 0,
    Internal = 1,
    External = 2,
}

/// <summary>A small immutable set of families (add-path is negotiated per family and direction).</summary>
public readonly struct FamilySet : IEquatable<FamilySet>
{
    private readonly AfiSafi[]? _families;

    public FamilySet(params AfiSafi[] families) => _families = families.Distinct().ToArray();

    public static readonly FamilySet None = default;

    public bool Contains(AfiSafi family)
    {
        if (_families is null) return false;
        foreach (var f in _families) if (f == family) return true;
        return false;
    }

    public bool IsEmpty => _families is null || _families.Length == 0;
    public IReadOnlyList<AfiSafi> Items => _families ?? [];

    public bool Equals(FamilySet other) => Items.OrderBy(f => f.GetHashCode()).SequenceEqual(other.Items.OrderBy(f => f.GetHashCode()));
    public override bool Equals(object? obj) => obj is FamilySet o && Equals(o);
    public override int GetHashCode() => Items.Count;
    public override string ToString() => string.Join(",", Items);
}

/// <summary>
/// What a session negotiated that changes the encoding: AS number width (RFC 6793), message size
/// (RFC 8654) and add-path per family and direction (RFC 7911). Immutable; one per session.
/// </summary>
public sealed record CodecContext
{
    /// <summary>Both sides sent the 4-octet AS capability.</summary>
    public bool FourOctetAs { get; init; } = true;

    /// <summary>Both sides sent the extended message capability.</summary>
    public bool ExtendedMessages { get; init; }

    /// <summary>Families in which the peer sends us path identifiers.</summary>
    public FamilySet ReceiveAddPath { get; init; }

    /// <summary>Families in which we send the peer path identifiers.</summary>
    public FamilySet SendAddPath { get; init; }

    public PeerKind PeerKind { get; init; }

    public int MaxMessageLength => ExtendedMessages ? BgpLimits.MaxExtendedMessageLength : BgpLimits.MaxMessageLength;

    /// <summary>4-octet ASNs, 4096-octet messages, no add-path: what a modern session negotiates by default.</summary>
    public static readonly CodecContext Default = new();

    /// <summary>A session with a peer that lacks the 4-octet AS capability.</summary>
    public static readonly CodecContext TwoOctetAs = new() { FourOctetAs = false };

    /// <summary>
    /// The context two OPENs imply: capabilities present on both sides, add-path crossed per
    /// direction (RFC 7911 §5: we receive where we said Receive and the peer said Send).
    /// </summary>
    public static CodecContext Negotiate(OpenMessage local, OpenMessage remote, PeerKind kind = PeerKind.Unknown)
    {
        bool four = local.Find<FourOctetAsCapability>() is not null && remote.Find<FourOctetAsCapability>() is not null;
        bool ext = local.Find<ExtendedMessageCapability>() is not null && remote.Find<ExtendedMessageCapability>() is not null;
        var mine = AddPathModes(local);
        var theirs = AddPathModes(remote);
        var rx = new List<AfiSafi>();
        var tx = new List<AfiSafi>();
        foreach (var (family, mode) in mine)
        {
            if (!theirs.TryGetValue(family, out var peerMode)) continue;
            if ((mode & AddPathMode.Receive) != 0 && (peerMode & AddPathMode.Send) != 0) rx.Add(family);
            if ((mode & AddPathMode.Send) != 0 && (peerMode & AddPathMode.Receive) != 0) tx.Add(family);
        }
        return new CodecContext
        {
            FourOctetAs = four, ExtendedMessages = ext, PeerKind = kind,
            ReceiveAddPath = new FamilySet([.. rx]), SendAddPath = new FamilySet([.. tx]),
        };
    }

    private static Dictionary<AfiSafi, AddPathMode> AddPathModes(OpenMessage open)
    {
        var d = new Dictionary<AfiSafi, AddPathMode>();
        foreach (var cap in open.FindAll<AddPathCapability>())
            foreach (var f in cap.Families)
                d[f.Family] = f.Mode;
        return d;
    }
}
