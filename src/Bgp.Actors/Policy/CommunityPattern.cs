using Bgp.Wire;

namespace Bgp.Actors.Policy;

public enum CommunityKind : byte
{
    /// <summary>RFC 1997: <c>65000:100</c> or a well-known name (<c>no-export</c>, <c>blackhole</c>, ...).</summary>
    Standard,
    /// <summary>RFC 4360: <c>rt:65000:100</c>, <c>soo:192.0.2.1:7</c>.</summary>
    Extended,
    /// <summary>RFC 8092: <c>65000:1:2</c>.</summary>
    Large,
}

/// <summary>
/// A community, or a pattern of them, in the text form the configuration and the API use. Each
/// numeric part is a number, a range <c>lo..hi</c> (either end may be left open) or <c>*</c>:
/// <c>65000:*</c>, <c>65000:100..199</c>, <c>*:666</c>, <c>65000:1..10:*</c>, <c>rt:65000:*</c>.
/// The kind follows from the text: a well-known name or two parts is standard, <c>rt:</c>/<c>soo:</c>
/// is extended, three numeric parts are large. A pattern with no wildcard or range is exact and can
/// also be added to a route.
/// </summary>
public sealed class CommunityPattern : IEquatable<CommunityPattern>
{
    private readonly UIntRange[] _parts;
    private readonly byte _subtype;       // extended: 0x02 rt, 0x03 soo
    private readonly uint? _ipv4Global;   // extended with an IPv4 global administrator

    private CommunityPattern(string text, CommunityKind kind, UIntRange[] parts, byte subtype = 0, uint? ipv4Global = null)
    {
        Text = text;
        Kind = kind;
        _parts = parts;
        _subtype = subtype;
        _ipv4Global = ipv4Global;
        IsExact = Array.TrueForAll(parts, p => p.IsExact);
    }

    public string Text { get; }
    public CommunityKind Kind { get; }

    /// <summary>No wildcard or range: one community, which <see cref="Standard"/>/<see cref="Extended"/>/<see cref="Large"/> give.</summary>
    public bool IsExact { get; }

    public Community Standard => new((_parts[0].Min << 16) | _parts[1].Min);

    public LargeCommunity Large => new(_parts[0].Min, _parts[1].Min, _parts[2].Min);

    /// <summary>The same choice of type as <see cref="ExtendedCommunity.TryParse"/>: IPv4, else a 2-octet AS when it fits, else a 4-octet AS.</summary>
    public ExtendedCommunity Extended => _ipv4Global is uint ip
        ? new((0x01UL << 56) | ((ulong)_subtype << 48) | ((ulong)ip << 16) | (ushort)_parts[1].Min)
        : _parts[0].Min <= ushort.MaxValue
            ? new(((ulong)_subtype << 48) | ((ulong)_parts[0].Min << 32) | _parts[1].Min)
            : new((0x02UL << 56) | ((ulong)_subtype << 48) | ((ulong)_parts[0].Min << 16) | (ushort)_parts[1].Min);

    public static bool TryParse(string text, out CommunityPattern? pattern, out string? error)
    {
        pattern = null;
        error = null;
        string t = text.Trim();
        if (Community.TryParse(t, names: true, out var named) && !t.Contains(':'))
        {
            pattern = new CommunityPattern(t, CommunityKind.Standard, [new(named.Asn, named.Asn), new(named.LocalValue, named.LocalValue)]);
            return true;
        }
        var parts = t.Split(':');
        string lower = parts[0].ToLowerInvariant();
        if (lower is "rt" or "soo")
        {
            if (parts.Length != 3)
            {
                error = $"`{text}`: an extended community is `rt:` or `soo:` followed by ASN:VALUE or IPv4:VALUE";
                return false;
            }
            byte subtype = lower == "rt" ? (byte)0x02 : (byte)0x03;
            if (parts[1].Contains('.') && !parts[1].Contains("..", StringComparison.Ordinal))   // "4200000000.." is a range, not an address
            {
                if (!IpAddr.TryParse(parts[1], out var ip) || !ip.IsV4)
                {
                    error = $"`{parts[1]}` is not an IPv4 address";
                    return false;
                }
                if (!Part(parts[2], ushort.MaxValue, out var local16, out error)) return false;
                pattern = new CommunityPattern(t, CommunityKind.Extended, [new(ip.V4Value, ip.V4Value), local16], subtype, ip.V4Value);
                return true;
            }
            if (!Part(parts[1], uint.MaxValue, out var global, out error) || !Part(parts[2], uint.MaxValue, out var local, out error)) return false;
            if (global.Min > ushort.MaxValue && local.Min > ushort.MaxValue)
            {
                error = $"`{text}`: with a 4-octet AS the value is at most 65535";
                return false;
            }
            pattern = new CommunityPattern(t, CommunityKind.Extended, [global, local], subtype);
            return true;
        }
        switch (parts.Length)
        {
            case 2:
                if (!Part(parts[0], ushort.MaxValue, out var asn, out error) || !Part(parts[1], ushort.MaxValue, out var value, out error)) return false;
                pattern = new CommunityPattern(t, CommunityKind.Standard, [asn, value]);
                return true;
            case 3:
                var large = new UIntRange[3];
                for (int i = 0; i < 3; i++)
                    if (!Part(parts[i], uint.MaxValue, out large[i], out error)) return false;
                pattern = new CommunityPattern(t, CommunityKind.Large, large);
                return true;
            default:
                error = $"`{text}` is not a community: write ASN:VALUE, a well-known name (no-export, blackhole, ...), rt:/soo: ASN:VALUE, or a large community A:B:C";
                return false;
        }
    }

    private static bool Part(string text, uint limit, out UIntRange range, out string? error) =>
        UIntRange.TryParse(text, limit, out range, out error);

    public bool Matches(Community c) =>
        Kind == CommunityKind.Standard && _parts[0].Contains(c.Asn) && _parts[1].Contains(c.LocalValue);

    public bool Matches(LargeCommunity c) =>
        Kind == CommunityKind.Large && _parts[0].Contains(c.GlobalAdministrator) && _parts[1].Contains(c.LocalData1) && _parts[2].Contains(c.LocalData2);

    public bool Matches(ExtendedCommunity c)
    {
        if (Kind != CommunityKind.Extended || c.SubType != _subtype) return false;
        switch (c.TypeHigh & 0x3F)
        {
            case 0x00: return _ipv4Global is null && _parts[0].Contains((ushort)(c.Value >> 32)) && _parts[1].Contains((uint)c.Value);
            case 0x01: return (_ipv4Global is uint ip ? ip == (uint)(c.Value >> 16) : _parts[0] == UIntRange.Any) && _parts[1].Contains((ushort)c.Value);
            case 0x02: return _ipv4Global is null && _parts[0].Contains((uint)(c.Value >> 16)) && _parts[1].Contains((ushort)c.Value);
            default: return false;
        }
    }

    public bool Equals(CommunityPattern? other) => other is not null && other.Text == Text;
    public override bool Equals(object? obj) => Equals(obj as CommunityPattern);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Text;
}
