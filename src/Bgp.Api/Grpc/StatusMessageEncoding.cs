using System.Text;

namespace Bgp.Api.Grpc;

/// <summary>
/// <c>grpc-message</c> is percent-encoded UTF-8 (PROTOCOL-HTTP2.md, "Status-Message"): octets outside
/// %x20-%x7E, and '%' itself, become "%XX".
/// </summary>
public static class StatusMessageEncoding
{
    public static string Encode(string message)
    {
        var needsEncoding = false;
        foreach (var c in message)
            if (c is < ' ' or > '~' or '%') { needsEncoding = true; break; }
        if (!needsEncoding) return message;

        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%') sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Lenient, as the spec asks: a '%' not followed by two hex digits is kept as is.</summary>
    public static string Decode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded)) return "";
        if (!encoded.Contains('%')) return encoded;
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%' && i + 2 < encoded.Length
                && Uri.IsHexDigit(encoded[i + 1]) && Uri.IsHexDigit(encoded[i + 2]))
            {
                bytes.Add((byte)((Uri.FromHex(encoded[i + 1]) << 4) | Uri.FromHex(encoded[i + 2])));
                i += 2;
            }
            else
            {
                var count = char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(encoded, i, count));
                i += count - 1;
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
