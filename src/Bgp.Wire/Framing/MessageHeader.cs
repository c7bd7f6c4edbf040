using System.Buffers;
using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>
/// The 19-octet BGP message header (RFC 4271 §4.1).
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                           Marker (16 x 0xFF)                  +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Length               |      Type     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly record struct MessageHeader(ushort Length, MessageType Type)
{
    /// <summary>
    /// Validates a header (RFC 4271 §6.1). <paramref name="maxLength"/> is 4096, or 65535 once
    /// RFC 8654 extended messages are negotiated (OPEN and KEEPALIVE stay within 4096 regardless).
    /// Returns null and sets <paramref name="header"/> when valid; otherwise the NOTIFICATION 1/x error.
    /// </summary>
    public static WireError? Validate(ReadOnlySpan<byte> src, int maxLength, out MessageHeader header)
    {
        header = default;
        if (src.Length < BgpLimits.HeaderLength)
            throw new ArgumentException("A header needs 19 bytes", nameof(src));

        if (src[..BgpLimits.MarkerLength].ContainsAnyExcept((byte)0xFF))
            return new WireError(ErrorAction.SessionReset, NotificationCode.MessageHeaderError,
                (byte)HeaderErrorSubcode.ConnectionNotSynchronized, "marker is not all ones");

        ushort length = BinaryPrimitives.ReadUInt16BigEndian(src[16..]);
        byte type = src[18];
        // RFC 4271 §6.1: the Data field of a Bad Message Length error holds the erroneous Length field.
        var badLength = new WireError(ErrorAction.SessionReset, NotificationCode.MessageHeaderError,
            (byte)HeaderErrorSubcode.BadMessageLength, $"bad message length {length} for type {type}",
            new EquatableArray<byte>(src.Slice(16, 2).ToArray()));

        if (length < BgpLimits.HeaderLength || length > maxLength) return badLength;

        switch ((MessageType)type)
        {
            case MessageType.Open:
                if (length < BgpLimits.MinOpenLength || length > BgpLimits.MaxMessageLength) return badLength;
                break;
            case MessageType.Update:
                if (length < BgpLimits.MinUpdateLength) return badLength;
                break;
            case MessageType.Notification:
                if (length < BgpLimits.MinNotificationLength) return badLength;
                break;
            case MessageType.Keepalive:
                if (length != BgpLimits.KeepaliveLength) return badLength;
                break;
            case MessageType.RouteRefresh:
                // RFC 2918 fixes 23; RFC 5291 ORF entries may follow, so only the minimum is checked here.
                if (length < BgpLimits.RouteRefreshLength) return badLength;
                break;
            default:
                // RFC 4271 §6.1: the Data field of a Bad Message Type error holds the erroneous Type field.
                return new WireError(ErrorAction.SessionReset, NotificationCode.MessageHeaderError,
                    (byte)HeaderErrorSubcode.BadMessageType, $"unknown message type {type}",
                    new EquatableArray<byte>([type]));
        }

        header = new MessageHeader(length, (MessageType)type);
        return null;
    }

    /// <summary>Writes the marker, length and type into the first 19 bytes of <paramref name="dst"/>.</summary>
    public void WriteTo(Span<byte> dst)
    {
        dst[..BgpLimits.MarkerLength].Fill(0xFF);
        BinaryPrimitives.WriteUInt16BigEndian(dst[16..], Length);
        dst[18] = (byte)Type;
    }

    internal static void Write(Span<byte> dst, int length, MessageType type) =>
        new MessageHeader((ushort)length, type).WriteTo(dst);
}

/// <summary>Outcome of <see cref="MessageFramer.TryReadFrame"/>.</summary>
public enum FrameStatus
{
    /// <summary>Not enough bytes yet for a whole message.</summary>
    NeedMoreData,
    /// <summary>A whole, header-valid message was sliced off the buffer.</summary>
    Message,
    /// <summary>The header is invalid; the session must send the error's NOTIFICATION and close.</summary>
    Error,
}

/// <summary>Cuts whole BGP messages off a byte stream (the shape of Kestrel's HTTP/2 frame reader).</summary>
public static class MessageFramer
{
    /// <summary>
    /// If <paramref name="buffer"/> starts with a whole message, slices it into <paramref name="frame"/>
    /// (header included) and advances <paramref name="buffer"/> past it.
    /// </summary>
    public static FrameStatus TryReadFrame(
        ref ReadOnlySequence<byte> buffer, int maxLength,
        out ReadOnlySequence<byte> frame, out MessageHeader header, out WireError? error)
    {
        frame = default;
        header = default;
        error = null;
        if (buffer.Length < BgpLimits.HeaderLength) return FrameStatus.NeedMoreData;

        Span<byte> head = stackalloc byte[BgpLimits.HeaderLength];
        buffer.Slice(0, BgpLimits.HeaderLength).CopyTo(head);
        error = MessageHeader.Validate(head, maxLength, out header);
        if (error is not null) return FrameStatus.Error;
        if (buffer.Length < header.Length) return FrameStatus.NeedMoreData;

        frame = buffer.Slice(0, header.Length);
        buffer = buffer.Slice(header.Length);
        return FrameStatus.Message;
    }
}
