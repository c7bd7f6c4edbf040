using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>How a length-prefixed protocol frames its messages on a byte stream; <see cref="StreamSplitter"/> is the one driver.</summary>
public interface IMessageFraming
{
    static abstract string Name { get; }

    /// <summary>Bytes needed to read a message's length.</summary>
    static abstract int HeaderLength { get; }

    /// <summary>Reads the length (header included) from a header of <see cref="HeaderLength"/> bytes; false, with the reason, if it cannot be a header.</summary>
    static abstract bool TryReadLength(ReadOnlySpan<byte> header, out int length, out string? problem);

    /// <summary>A stricter test used only when hunting for a message boundary: the type must be one that exists.</summary>
    static abstract bool IsPlausible(ReadOnlySpan<byte> header);

    /// <summary>The first index where a header could start, or -1.</summary>
    static abstract int IndexOfCandidate(ReadOnlySpan<byte> data);

    static abstract byte TypeOf(ReadOnlySpan<byte> header);
}

/// <summary>
/// BGP-4 framing (RFC 4271 §4.1).
/// <code>
/// +--------------------------------+--------+------+
/// | Marker: 16 octets, all ones    | Length | Type |
/// |                                |   2    |  1   |
/// +--------------------------------+--------+------+
/// </code>
/// Length counts the header; 19 is the least, and RFC 8654 extended messages go to 65535, the field's maximum.
/// </summary>
public readonly struct BgpFraming : IMessageFraming
{
    private const int MarkerLength = 16;
    private const int MinLength = 19;

    private static ReadOnlySpan<byte> Marker => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    public static string Name => "BGP";

    public static int HeaderLength => MinLength;

    public static bool TryReadLength(ReadOnlySpan<byte> header, out int length, out string? problem)
    {
        length = 0;
        problem = null;
        if (!header[..MarkerLength].SequenceEqual(Marker)) { problem = "marker is not all ones (RFC 4271 §6.1, connection not synchronized)"; return false; }
        length = BinaryPrimitives.ReadUInt16BigEndian(header[MarkerLength..]);
        if (length >= MinLength) return true;
        problem = $"length {length} is shorter than the {MinLength}-octet header (RFC 4271 §6.1)";
        return false;
    }

    // OPEN .. ROUTE-REFRESH (RFC 4271 §4.1, RFC 2918); a KEEPALIVE is exactly a header.
    public static bool IsPlausible(ReadOnlySpan<byte> header) =>
        header[18] is >= 1 and <= 5 && (header[18] != 4 || BinaryPrimitives.ReadUInt16BigEndian(header[MarkerLength..]) == MinLength);

    public static int IndexOfCandidate(ReadOnlySpan<byte> data) => data.IndexOf(Marker);

    public static byte TypeOf(ReadOnlySpan<byte> header) => header[18];
}

/// <summary>
/// BMP common header (RFC 7854 §4.1), versions 3 and 4 (draft-ietf-grow-bmp-tlv keeps the v3 header).
/// <code>
/// +---------+---------------------------+------+
/// | Version | Message Length            | Type |
/// |    1    |            4              |  1   |
/// +---------+---------------------------+------+
/// </code>
/// Length counts the header. Versions 1 and 2 had no length field and are not framed.
/// </summary>
public readonly struct BmpFraming : IMessageFraming
{
    private const byte Version3 = 3;
    private const byte Version4 = 4; // draft-ietf-grow-bmp-tlv: same common header, TLVs in the body
    private const int MinLength = 6;
    private const int MaxLength = 1 << 24; // far above any real message (a BGP PDU is at most 64 KiB); stops a wild length swallowing the stream
    private const byte MaxType = 6; // Route Mirroring (RFC 7854 §4.1)

    public static string Name => "BMP";

    public static int HeaderLength => MinLength;

    public static bool TryReadLength(ReadOnlySpan<byte> header, out int length, out string? problem)
    {
        length = 0;
        problem = null;
        if (header[0] is not (Version3 or Version4)) { problem = $"version {header[0]}, not {Version3} or {Version4} (RFC 7854 §4.1)"; return false; }
        uint declared = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declared is >= MinLength and <= MaxLength)
        {
            length = (int)declared;
            return true;
        }
        problem = $"length {declared} outside {MinLength}..{MaxLength}";
        return false;
    }

    public static bool IsPlausible(ReadOnlySpan<byte> header) => header[5] <= MaxType;

    public static int IndexOfCandidate(ReadOnlySpan<byte> data) => data.IndexOfAny(Version3, Version4);

    public static byte TypeOf(ReadOnlySpan<byte> header) => header[5];
}
