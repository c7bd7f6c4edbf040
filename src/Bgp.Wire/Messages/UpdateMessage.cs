namespace Bgp.Wire;

/// <summary>
/// UPDATE (RFC 4271 §4.3).
/// <code>
/// +-----------------------------------------------------+
/// |   Withdrawn Routes Length (2 octets)                |
/// |   Withdrawn Routes (variable)                       |
/// |   Total Path Attribute Length (2 octets)            |
/// |   Path Attributes (variable)                        |
/// |   Network Layer Reachability Information (variable) |
/// +-----------------------------------------------------+
/// </code>
/// <see cref="Withdrawn"/> and <see cref="Nlri"/> are the IPv4 unicast routes in the message body;
/// other families travel in <see cref="MpReachAttribute"/> / <see cref="MpUnreachAttribute"/>.
/// </summary>
public sealed record UpdateMessage(
    EquatableArray<Nlri> Withdrawn,
    EquatableArray<PathAttribute> Attributes,
    EquatableArray<Nlri> Nlri) : BgpMessage
{
    public override MessageType Type => MessageType.Update;

    public static UpdateMessage Announce(EquatableArray<PathAttribute> attributes, params Nlri[] nlri) =>
        new(default, attributes, nlri);

    public static UpdateMessage Withdraw(params Nlri[] withdrawn) => new(withdrawn, default, default);

    /// <summary>End-of-RIB marker for a family (RFC 4724 §2).</summary>
    public static UpdateMessage EndOfRib(AfiSafi family) =>
        family == AfiSafi.Ipv4Unicast
            ? new(default, default, default)
            : new(default, new EquatableArray<PathAttribute>([new MpUnreachAttribute(family, default)]), default);

    public T? Get<T>() where T : PathAttribute
    {
        foreach (var a in Attributes) if (a is T t) return t;
        return null;
    }

    public PathAttribute? Get(AttrType type)
    {
        foreach (var a in Attributes) if (a.Type == type) return a;
        return null;
    }

    public MpReachAttribute? MpReach => Get<MpReachAttribute>();
    public MpUnreachAttribute? MpUnreach => Get<MpUnreachAttribute>();
    public AsPath? AsPath => Get<AsPathAttribute>()?.Path;

    /// <summary>
    /// True for an End-of-RIB marker (RFC 4724 §2): an empty UPDATE for IPv4 unicast, or one whose
    /// only attribute is an MP_UNREACH_NLRI with no withdrawn routes.
    /// </summary>
    public bool IsEndOfRib(out AfiSafi family)
    {
        family = AfiSafi.Ipv4Unicast;
        if (!Withdrawn.IsEmpty || !Nlri.IsEmpty) return false;
        if (Attributes.IsEmpty) return true;
        if (Attributes.Count == 1 && Attributes[0] is MpUnreachAttribute { Nlri.IsEmpty: true, RawNlri.IsEmpty: true } u)
        {
            family = u.Family;
            return true;
        }
        return false;
    }

    /// <summary>Every (family, route) this message announces, body NLRI first.</summary>
    public IEnumerable<(AfiSafi Family, Nlri Route)> Announced()
    {
        foreach (var n in Nlri.Segment) yield return (AfiSafi.Ipv4Unicast, n);
        if (MpReach is { } r) foreach (var n in r.Nlri.Segment) yield return (r.Family, n);
    }

    /// <summary>Every (family, route) this message withdraws, body withdrawn routes first.</summary>
    public IEnumerable<(AfiSafi Family, Nlri Route)> WithdrawnRoutes()
    {
        foreach (var n in Withdrawn.Segment) yield return (AfiSafi.Ipv4Unicast, n);
        if (MpUnreach is { } u) foreach (var n in u.Nlri.Segment) yield return (u.Family, n);
    }

    /// <summary>
    /// The message as RFC 7606 §2 "treat-as-withdraw" has it: every route it announced or withdrew
    /// becomes a withdrawal, and all attributes are dropped.
    /// </summary>
    public UpdateMessage AsTreatAsWithdraw()
    {
        var attrs = new List<PathAttribute>(2);
        var v4 = new List<Nlri>(Withdrawn.Count + Nlri.Count);
        v4.AddRange(Withdrawn);
        v4.AddRange(Nlri);
        var byFamily = new Dictionary<AfiSafi, List<Nlri>>();
        if (MpReach is { IsTyped: true } r) Add(byFamily, r.Family, r.Nlri);
        if (MpUnreach is { IsTyped: true } u) Add(byFamily, u.Family, u.Nlri);
        foreach (var (fam, list) in byFamily)
        {
            if (fam == AfiSafi.Ipv4Unicast) v4.AddRange(list);
            else attrs.Add(new MpUnreachAttribute(fam, list.ToArray()));
        }
        return new UpdateMessage(v4.ToArray(), attrs.ToArray(), default);

        static void Add(Dictionary<AfiSafi, List<Nlri>> d, AfiSafi f, EquatableArray<Nlri> n)
        {
            if (!d.TryGetValue(f, out var l)) d[f] = l = [];
            l.AddRange(n);
        }
    }
}
