using System.Buffers;
using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>The outcome of decoding one message: the message (unless it was unusable) and any errors.</summary>
public readonly record struct DecodeResult(BgpMessage? Message, WireErrors? Errors)
{
    public ErrorAction Action => Errors?.Strongest ?? ErrorAction.None;
    public bool IsClean => Errors is null || !Errors.Any;

    /// <summary>The NOTIFICATION a session reset calls for, or null when the session may continue.</summary>
    public NotificationMessage? Notification =>
        Action == ErrorAction.SessionReset ? Errors!.Decisive!.ToNotification() : null;
}

/// <summary>Decodes whole BGP messages (header included). Never throws for any input.</summary>
public static class MessageDecoder
{
    public static DecodeResult Decode(ReadOnlySequence<byte> message, CodecContext ctx)
    {
        if (message.IsSingleSegment) return Decode(message.FirstSpan, ctx);
        var copy = ArrayPool<byte>.Shared.Rent((int)Math.Min(message.Length, int.MaxValue));
        try
        {
            message.CopyTo(copy);
            return Decode(copy.AsSpan(0, (int)message.Length), ctx);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>
    /// Decodes one message whose first 19 octets are the header. The span must hold exactly the
    /// message: a length field that disagrees with it is a Bad Message Length error.
    /// </summary>
    public static DecodeResult Decode(ReadOnlySpan<byte> message, CodecContext ctx)
    {
        WireErrors? errors = null;
        if (message.Length < BgpLimits.HeaderLength)
        {
            Add(ref errors, new WireError(ErrorAction.SessionReset, NotificationCode.MessageHeaderError,
                (byte)HeaderErrorSubcode.BadMessageLength, $"message of {message.Length} octets is shorter than a header"));
            return new DecodeResult(null, errors);
        }
        var headerError = MessageHeader.Validate(message, ctx.MaxMessageLength, out var header);
        if (headerError is null && header.Length != message.Length)
            headerError = new WireError(ErrorAction.SessionReset, NotificationCode.MessageHeaderError,
                (byte)HeaderErrorSubcode.BadMessageLength,
                $"length field {header.Length} disagrees with the {message.Length} octets given",
                new EquatableArray<byte>(message.Slice(16, 2).ToArray()));
        if (headerError is not null)
        {
            Add(ref errors, headerError);
            return new DecodeResult(null, errors);
        }

        var body = message[BgpLimits.HeaderLength..];
        switch (header.Type)
        {
            case MessageType.Update:
                var update = UpdateDecoder.Decode(body, ctx, out errors);
                return new DecodeResult(update, errors);
            case MessageType.Keepalive:
                return new DecodeResult(KeepaliveMessage.Instance, null);
            case MessageType.Open:
                var open = OpenCodec.Decode(body, out errors);
                return new DecodeResult(open, errors);
            case MessageType.Notification:
                return new DecodeResult(new NotificationMessage((NotificationCode)body[0], body[1], body[2..].ToArray()), null);
            case MessageType.RouteRefresh:
                return DecodeRouteRefresh(body);
            default:
                return new DecodeResult(null, errors); // unreachable: the header check rejects other types
        }
    }

    private static DecodeResult DecodeRouteRefresh(ReadOnlySpan<byte> body)
    {
        var afi = (Afi)BinaryPrimitives.ReadUInt16BigEndian(body);
        var subtype = (RouteRefreshSubtype)body[2];
        var safi = (Safi)body[3];
        var rest = body[4..];
        // RFC 7313 §5: a BoRR or EoRR must be exactly 4 octets after the header.
        if (!rest.IsEmpty && subtype is RouteRefreshSubtype.BeginningOfRouteRefresh or RouteRefreshSubtype.EndOfRouteRefresh)
        {
            WireErrors? errors = null;
            Add(ref errors, new WireError(ErrorAction.SessionReset, NotificationCode.RouteRefreshMessageError,
                (byte)RouteRefreshErrorSubcode.InvalidMessageLength, $"{subtype} with {body.Length} octets, expected 4",
                body.ToArray()));
            return new DecodeResult(null, errors);
        }
        return new DecodeResult(new RouteRefreshMessage(afi, safi, subtype, rest.ToArray()), null);
    }

    private static void Add(ref WireErrors? errors, WireError e) => (errors ??= new WireErrors()).Add(e);
}
