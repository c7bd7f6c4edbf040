using System.Buffers;
using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>Writes whole BGP messages, header included.</summary>
public static class MessageEncoder
{
    /// <summary>Octets the message takes on the wire for this session.</summary>
    public static int EncodedLength(BgpMessage m, CodecContext ctx) => BgpLimits.HeaderLength + m switch
    {
        KeepaliveMessage => 0,
        OpenMessage o => OpenCodec.EncodedLength(o),
        NotificationMessage n => 2 + n.Data.Count,
        RouteRefreshMessage r => 4 + r.OrfData.Count,
        UpdateMessage u => UpdateBodyLength(u, ctx),
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    public static byte[] Encode(BgpMessage m, CodecContext? ctx = null)
    {
        ctx ??= CodecContext.Default;
        var buf = new byte[EncodedLength(m, ctx)];
        Write(buf, m, ctx);
        return buf;
    }

    public static void Write(IBufferWriter<byte> output, BgpMessage m, CodecContext ctx)
    {
        int len = EncodedLength(m, ctx);
        var span = output.GetSpan(len);
        Write(span, m, ctx);
        output.Advance(len);
    }

    /// <summary>
    /// Writes the message into <paramref name="dst"/> and returns its length. Throws when the
    /// message exceeds the session's maximum size: callers building UPDATEs from routes use
    /// <see cref="UpdatePacker"/>, which splits.
    /// </summary>
    public static int Write(Span<byte> dst, BgpMessage m, CodecContext ctx)
    {
        if (m is UpdateMessage update) return WriteUpdate(dst, update, ctx);
        int len = EncodedLength(m, ctx);
        int max = m is OpenMessage or KeepaliveMessage ? BgpLimits.MaxMessageLength : ctx.MaxMessageLength;
        if (len > max)
            throw new InvalidOperationException($"{m.Type} of {len} octets exceeds the {max}-octet limit of this session");
        MessageHeader.Write(dst, len, m.Type);
        var body = dst[BgpLimits.HeaderLength..len];
        switch (m)
        {
            case KeepaliveMessage:
                break;
            case OpenMessage o:
                OpenCodec.Write(body, o);
                break;
            case NotificationMessage n:
                body[0] = (byte)n.Code;
                body[1] = n.Subcode;
                n.Data.AsSpan().CopyTo(body[2..]);
                break;
            case RouteRefreshMessage r:
                BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)r.Afi);
                body[2] = (byte)r.Subtype;
                body[3] = (byte)r.Safi;
                r.OrfData.AsSpan().CopyTo(body[4..]);
                break;
        }
        return len;
    }

    private static int UpdateBodyLength(UpdateMessage u, CodecContext ctx)
    {
        bool ap = ctx.SendAddPath.Contains(AfiSafi.Ipv4Unicast);
        return 4 + AttributeEncoder.NlriLength(u.Withdrawn.AsSpan(), ap)
                 + AttributeEncoder.EncodedLength(u.Attributes.AsSpan(), ctx)
                 + AttributeEncoder.NlriLength(u.Nlri.AsSpan(), ap);
    }

    /// <summary>
    /// One pass: the body is written first and the three length fields patched afterwards, so the
    /// NLRI is walked once. The size limit is checked once the length is known.
    /// </summary>
    private static int WriteUpdate(Span<byte> dst, UpdateMessage u, CodecContext ctx)
    {
        bool ap = ctx.SendAddPath.Contains(AfiSafi.Ipv4Unicast);
        var body = dst[BgpLimits.HeaderLength..];
        int wd = AttributeEncoder.WriteNlri(body[2..], u.Withdrawn.AsSpan(), ap);
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)wd);
        int i = 2 + wd;
        int attrs = AttributeEncoder.Write(body[(i + 2)..], u.Attributes.AsSpan(), ctx);
        BinaryPrimitives.WriteUInt16BigEndian(body[i..], (ushort)attrs);
        i += 2 + attrs;
        i += AttributeEncoder.WriteNlri(body[i..], u.Nlri.AsSpan(), ap);
        int len = BgpLimits.HeaderLength + i;
        if (len > ctx.MaxMessageLength)
            throw new InvalidOperationException($"UPDATE of {len} octets exceeds the {ctx.MaxMessageLength}-octet limit of this session");
        MessageHeader.Write(dst, len, MessageType.Update);
        return len;
    }
}
