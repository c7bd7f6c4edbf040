using System.Text;

namespace Bgp.Wire;

/// <summary>A decoded BGP message: a closed hierarchy, one sealed record per message type.</summary>
public abstract record BgpMessage
{
    private protected BgpMessage() { }
    public abstract MessageType Type { get; }
}

/// <summary>KEEPALIVE (RFC 4271 §4.4): a bare header.</summary>
public sealed record KeepaliveMessage : BgpMessage
{
    public static readonly KeepaliveMessage Instance = new();
    private KeepaliveMessage() { }
    public override MessageType Type => MessageType.Keepalive;
}

/// <summary>
/// ROUTE-REFRESH (RFC 2918), with the RFC 7313 subtype; <see cref="OrfData"/> keeps any RFC 5291
/// ORF entries that follow the fixed part, byte for byte.
/// <code>
/// 0       7      15      23      31
/// +-------+-------+-------+-------+
/// |      AFI      |Subtype| SAFI  |
/// +-------+-------+-------+-------+
/// </code>
/// </summary>
public sealed record RouteRefreshMessage(
    Afi Afi, Safi Safi, RouteRefreshSubtype Subtype = RouteRefreshSubtype.Normal,
    EquatableArray<byte> OrfData = default) : BgpMessage
{
    public override MessageType Type => MessageType.RouteRefresh;
    public AfiSafi Family => new(Afi, Safi);
}

/// <summary>
/// NOTIFICATION (RFC 4271 §4.5). For Cease / Administrative Shutdown or Reset the data may carry
/// an RFC 8203/9003 shutdown communication: a length octet then up to 255 octets of UTF-8.
/// </summary>
public sealed record NotificationMessage(NotificationCode Code, byte Subcode, EquatableArray<byte> Data = default)
    : BgpMessage
{
    public override MessageType Type => MessageType.Notification;

    /// <summary>RFC 9003 §2: the communication may be up to 255 octets.</summary>
    public const int MaxShutdownCommunicationBytes = 255;

    public bool IsAdministrativeShutdownOrReset =>
        Code == NotificationCode.Cease
        && Subcode is (byte)CeaseSubcode.AdministrativeShutdown or (byte)CeaseSubcode.AdministrativeReset;

    /// <summary>
    /// The shutdown communication, or null when there is none or it is malformed (RFC 9003 §3:
    /// a length that overruns the data, or invalid UTF-8, is treated as if no message had been sent).
    /// </summary>
    public string? ShutdownCommunication
    {
        get
        {
            if (!IsAdministrativeShutdownOrReset || Data.IsEmpty) return null;
            var d = Data.AsSpan();
            int len = d[0];
            if (len == 0 || len > d.Length - 1) return null;
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(d.Slice(1, len));
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }

    /// <summary>Builds a Cease with an RFC 9003 shutdown communication, truncated on a UTF-8 boundary to 255 octets.</summary>
    public static NotificationMessage Shutdown(string? communication, CeaseSubcode subcode = CeaseSubcode.AdministrativeShutdown)
    {
        if (subcode is not (CeaseSubcode.AdministrativeShutdown or CeaseSubcode.AdministrativeReset))
            throw new ArgumentOutOfRangeException(nameof(subcode), "Only shutdown and reset carry a communication");
        if (string.IsNullOrEmpty(communication)) return new(NotificationCode.Cease, (byte)subcode);
        var bytes = Encoding.UTF8.GetBytes(communication);
        int len = Math.Min(bytes.Length, MaxShutdownCommunicationBytes);
        while (len > 0 && len < bytes.Length && (bytes[len] & 0xC0) == 0x80) len--; // don't split a code point
        var data = new byte[len + 1];
        data[0] = (byte)len;
        bytes.AsSpan(0, len).CopyTo(data.AsSpan(1));
        return new(NotificationCode.Cease, (byte)subcode, data);
    }

    /// <summary>
    /// Cease/1 "Maximum Number of Prefixes Reached" with the data RFC 4486 §4 suggests: the AFI
    /// (2 octets), the SAFI (1 octet) and the configured upper bound (4 octets).
    /// </summary>
    public static NotificationMessage MaximumPrefixes(AfiSafi family, uint limit)
    {
        var data = new byte[7];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)family.Afi);
        data[2] = (byte)family.Safi;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(3), limit);
        return new(NotificationCode.Cease, (byte)CeaseSubcode.MaximumPrefixesReached, data);
    }

    public override string ToString()
    {
        var comm = ShutdownCommunication;
        return $"NOTIFICATION {(byte)Code}/{Subcode} {Code}" + (comm is null ? "" : $" \"{comm}\"");
    }
}
