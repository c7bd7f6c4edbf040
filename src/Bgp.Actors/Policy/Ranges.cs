using System.Globalization;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>
/// An inclusive range of unsigned 32-bit values, written as in BIRD: <c>100</c>, <c>100..200</c>,
/// <c>100..</c> (at least), <c>..200</c> (at most) or <c>*</c> (any).
/// </summary>
public readonly record struct UIntRange(uint Min, uint Max)
{
    public static readonly UIntRange Any = new(0, uint.MaxValue);

    public bool Contains(uint value) => value >= Min && value <= Max;

    public bool IsExact => Min == Max;

    /// <summary>Parses the text form; values above <paramref name="limit"/> are refused.</summary>
    public static bool TryParse(string text, uint limit, out UIntRange range, out string? error)
    {
        range = default;
        error = null;
        text = text.Trim();
        if (text == "*")
        {
            range = new UIntRange(0, limit);
            return true;
        }
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            if (!Number(text, limit, out uint exact, out error)) return false;
            range = new UIntRange(exact, exact);
            return true;
        }
        string low = text[..dots], high = text[(dots + 2)..];
        if (low.Length == 0 && high.Length == 0)
        {
            error = "a range needs at least one end (`..` alone; use `*` for any value)";
            return false;
        }
        uint min = 0, max = limit;
        if (low.Length > 0 && !Number(low, limit, out min, out error)) return false;
        if (high.Length > 0 && !Number(high, limit, out max, out error)) return false;
        if (min > max)
        {
            error = $"the range {text} is empty (its start is above its end)";
            return false;
        }
        range = new UIntRange(min, max);
        return true;
    }

    private static bool Number(string text, uint limit, out uint value, out string? error)
    {
        error = null;
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value > limit)
        {
            error = $"`{text}` is not a number between 0 and {limit}";
            return false;
        }
        return true;
    }

    public string ToString(uint limit) =>
        Min == Max ? Min.ToString(CultureInfo.InvariantCulture)
        : Min == 0 && Max == limit ? "*"
        : Max == limit ? $"{Min}.."
        : Min == 0 ? $"..{Max}"
        : $"{Min}..{Max}";

    public override string ToString() => ToString(uint.MaxValue);
}

/// <summary>
/// A prefix and the lengths it admits, written as routers do: <c>192.0.2.0/24</c> (exactly that
/// prefix), <c>10.0.0.0/8 le 24</c> (10/8 and everything inside it up to /24), <c>2001:db8::/32 ge 48
/// le 48</c> (the /48s inside). <c>ge</c> alone runs to the family's longest prefix.
/// </summary>
public readonly record struct PrefixRange(Prefix Prefix, byte Min, byte Max)
{
    public bool Matches(Prefix p) => p.IsV6 == Prefix.IsV6 && p.Length >= Min && p.Length <= Max && Prefix.Contains(p);

    public static bool TryParse(string text, out PrefixRange range, out string? error)
    {
        range = default;
        error = null;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or 2 or 4 or > 5)
        {
            error = "write a prefix, optionally followed by `ge N` and/or `le N` (\"10.0.0.0/8 le 24\")";
            return false;
        }
        if (!ParsePrefix(words[0], out var prefix, out error)) return false;
        int max = prefix.MaxLength;
        int? ge = null, le = null;
        for (int i = 1; i < words.Length; i += 2)
        {
            string op = words[i].ToLowerInvariant();
            if (op is not ("ge" or "le") || (op == "ge" ? ge : le) is not null)
            {
                error = $"expected `ge` or `le` (each at most once) after the prefix, found `{words[i]}`";
                return false;
            }
            if (!int.TryParse(words[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n > max)
            {
                error = $"`{words[i + 1]}` is not a prefix length between 0 and {max}";
                return false;
            }
            if (op == "ge") ge = n; else le = n;
            if (i == 1 && op == "le" && words.Length == 5)
            {
                error = "write `ge` before `le`";
                return false;
            }
        }
        int min = ge ?? prefix.Length, top = le ?? (ge is null ? prefix.Length : max);
        if (min < prefix.Length)
        {
            error = $"`ge {min}` is shorter than the prefix's own length /{prefix.Length}";
            return false;
        }
        if (top < min)
        {
            error = $"`le {top}` is below {(ge is null ? $"the prefix's own length /{prefix.Length}" : $"`ge {min}`")}";
            return false;
        }
        range = new PrefixRange(prefix, (byte)min, (byte)top);
        return true;
    }

    /// <summary>A prefix whose address has no bits set beyond its length ("10.0.0.1/8" is refused, it is probably a typo).</summary>
    public static bool ParsePrefix(string text, out Prefix prefix, out string? error)
    {
        error = null;
        // the address as everywhere in the configuration: IPv4 as four decimal octets ("10/8" or "167772160/8" are refused)
        if (!Prefix.TryParse(text, out prefix) || !Config.ConfigBinder.TryParseAddress(text[..text.IndexOf('/')], out var ip))
        {
            error = $"`{text}` is not a prefix (address/length)";
            return false;
        }
        var address = IpAddr.FromIPAddress(ip);
        if (!address.Equals(prefix.Address))
        {
            error = $"`{text}` has host bits set; the prefix is {prefix}";
            return false;
        }
        return true;
    }

    public override string ToString()
    {
        if (Min == Prefix.Length && Max == Prefix.Length) return Prefix.ToString();
        if (Min == Prefix.Length) return $"{Prefix} le {Max}";
        if (Max == Prefix.MaxLength) return $"{Prefix} ge {Min}";
        return $"{Prefix} ge {Min} le {Max}";
    }
}
