using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config.Diagnostics;
using Bgp.Actors.Config.Toml;

namespace Bgp.Actors.Config;

/// <summary>Typed readers: each returns null (after recording a diagnostic) when the value is unusable.</summary>
internal sealed partial class ConfigBinder
{
    private void Error(string code, string message, TomlSpan span, string label, string? help = null) =>
        _diagnostics.Add(new ConfigDiagnostic(code, message, span.IsEmpty ? _rootSpan : span, label, help));

    private void WrongType(string key, TomlValue value, string expected) =>
        Error("wrong-type", $"`{key}` must be {expected}", value.Span, $"found {Describe(value)}");

    private static string Describe(TomlValue value) => value switch
    {
        TomlString => "a string",
        TomlInteger => "an integer",
        TomlFloat => "a float",
        TomlBoolean => "a boolean",
        TomlArray { IsArrayOfTables: true } => "an array of tables",
        TomlArray => "an array",
        TomlTable => "a table",
        _ => "a date-time",
    };

    private void UnknownKey(TomlKey key, string table, IReadOnlyList<string> known)
    {
        string? suggestion = Suggest(key.Name, known);
        Error("unknown-key", $"unknown key `{key.Name}` in {table}", key.Span,
            suggestion is null ? "not a configuration key" : $"did you mean `{suggestion}`?",
            $"valid keys here: {string.Join(", ", known)}");
    }

    /// <summary>The closest known key, when it is close enough to be a typo (router-id for router_id, asn for as).</summary>
    private static string? Suggest(string name, IReadOnlyList<string> known)
    {
        string normalized = name.Replace('-', '_').ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            int distance = Distance(normalized, candidate);
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return bestDistance <= Math.Max(1, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private long? Integer(string key, TomlValue value, long min, long max, string range, string? help = null)
    {
        if (value is not TomlInteger integer)
        {
            WrongType(key, value, "an integer");
            return null;
        }
        if (integer.Value < min || integer.Value > max)
        {
            Error("out-of-range", $"`{key}` must be {range}", value.Span,
                $"{integer.Value.ToString(CultureInfo.InvariantCulture)} is out of range", help);
            return null;
        }
        return integer.Value;
    }

    private bool? Boolean(string key, TomlValue value)
    {
        if (value is TomlBoolean boolean) return boolean.Value;
        WrongType(key, value, "a boolean (true or false)");
        return null;
    }

    private string? String(string key, TomlValue value, int maxLength = 4096)
    {
        if (value is not TomlString text)
        {
            WrongType(key, value, "a string");
            return null;
        }
        if (text.Value.Length == 0 || text.Value.Length > maxLength)
        {
            Error("invalid-value", $"`{key}` must be 1 to {maxLength} characters long", value.Span,
                text.Value.Length == 0 ? "empty" : $"{text.Value.Length} characters");
            return null;
        }
        return text.Value;
    }

    private string? AbsolutePath(string key, TomlValue value)
    {
        string? path = String(key, value);
        if (path is null) return null;
        if (!path.StartsWith('/'))
        {
            Error("invalid-path", $"`{key}` must be an absolute path", value.Span, "relative path",
                "a daemon's working directory is not a stable reference point");
            return null;
        }
        return path;
    }

    /// <summary>Two- and four-octet AS numbers; 0 and AS_TRANS are reserved.</summary>
    private uint? Asn(string key, TomlValue value)
    {
        long? asn = Integer(key, value, 1, uint.MaxValue, "an AS number between 1 and 4294967295",
            "RFC 7607: AS 0 must not be used");
        if (asn == 23456)
        {
            Error("reserved-asn", $"`{key}` must not be AS_TRANS", value.Span, "23456 is AS_TRANS",
                "RFC 6793 §9: AS 23456 stands in for a 4-octet AS on 2-octet sessions and is not a real AS");
            return null;
        }
        return (uint?)asn;
    }

    private LogLevel? Level(string key, TomlValue value) => Keyword(key, value, LogLevels);

    private static readonly (string Name, LogLevel Value)[] LogLevels =
        [("trace", LogLevel.Trace), ("debug", LogLevel.Debug), ("info", LogLevel.Info), ("warn", LogLevel.Warn), ("error", LogLevel.Error)];

    private T? Keyword<T>(string key, TomlValue value, (string Name, T Value)[] choices) where T : struct
    {
        if (value is TomlString text)
        {
            foreach (var choice in choices)
            {
                if (choice.Name == text.Value) return choice.Value;
            }
        }
        // The list of choices is only built for the message.
        string list = string.Join(", ", choices.Select(c => $"\"{c.Name}\""));
        if (value is not TomlString other) WrongType(key, value, $"one of {list}");
        else Error("invalid-value", $"`{key}` must be one of {list}", value.Span, $"\"{other.Value}\" is not one of them");
        return null;
    }

    /// <summary>
    /// An IP address literal. IPv4 must be a dotted quad (IPAddress.Parse alone would accept "10.1"
    /// or "167772161"); IPv6 is any RFC 4291 form without a zone.
    /// </summary>
    private IPAddress? Address(string key, TomlValue value, bool v4Only = false)
    {
        if (value is not TomlString text)
        {
            WrongType(key, value, v4Only ? "an IPv4 address string" : "an IP address string");
            return null;
        }
        if (TryParseAddress(text.Value, out var address) && (!v4Only || address.AddressFamily == AddressFamily.InterNetwork))
        {
            return address;
        }
        string expected = v4Only ? "an IPv4 address in dotted-quad form" : "an IPv4 or IPv6 address";
        Error("invalid-address", $"`{key}` must be {expected}", value.Span, $"\"{text.Value}\" is not {expected}");
        return null;
    }

    internal static bool TryParseAddress(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Contains('%')) return false;
        if (text.Contains(':'))
        {
            return IPAddress.TryParse(text, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }
        string[] parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (string part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || int.Parse(part, CultureInfo.InvariantCulture) > 255) return false;
        }
        return IPAddress.TryParse(text, out address);
    }

    /// <summary><c>192.0.2.1:9179</c> or <c>[2001:db8::1]:9179</c>.</summary>
    private EndpointAddress? Endpoint(string key, TomlValue value)
    {
        if (value is not TomlString text)
        {
            WrongType(key, value, "an address and port string such as \"127.0.0.1:9179\"");
            return null;
        }
        string s = text.Value;
        int colon = s.LastIndexOf(':');
        string host = colon > 0 ? s[..colon] : "";
        bool bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (bracketed) host = host[1..^1];
        if (colon > 0
            && TryParseAddress(host, out var address)
            && (address.AddressFamily == AddressFamily.InterNetworkV6) == bracketed
            && int.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            && port is >= 1 and <= 65535)
        {
            return new EndpointAddress(address, port);
        }
        Error("invalid-address", $"`{key}` must be an IP address and a port", value.Span, $"\"{s}\" is not address:port",
            "write \"127.0.0.1:9179\" or \"[::1]:9179\"; the port is 1 to 65535");
        return null;
    }
}
