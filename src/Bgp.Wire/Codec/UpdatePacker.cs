using System.Buffers;
using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>
/// Builds UPDATEs from routes: as many prefixes per attribute set as the negotiated message size
/// allows (4096, or 65535 with RFC 8654), the rest split into further messages.
/// </summary>
public static class UpdatePacker
{
    /// <summary>
    /// Writes UPDATEs announcing <paramref name="routes"/> of <paramref name="family"/> with one
    /// attribute set. IPv4 unicast with an IPv4 next hop goes in the message body with a NEXT_HOP
    /// attribute; every other case (including RFC 8950 IPv4 over an IPv6 next hop) in MP_REACH_NLRI.
    /// <paramref name="attributes"/> must not contain NEXT_HOP, MP_REACH_NLRI or MP_UNREACH_NLRI.
    /// Returns the number of messages written.
    /// </summary>
    public static int Announce(IBufferWriter<byte> output, AfiSafi family, NextHop nextHop,
        ReadOnlySpan<PathAttribute> attributes, ReadOnlySpan<Nlri> routes, CodecContext ctx)
    {
        foreach (var a in attributes)
            if (a.Type is AttrType.NextHop or AttrType.MpReachNlri or AttrType.MpUnreachNlri)
                throw new ArgumentException($"{a.Type} is added by the packer", nameof(attributes));
        if (routes.IsEmpty) return 0;

        bool body = family == AfiSafi.Ipv4Unicast && nextHop.Address.IsV4 && nextHop.LinkLocal is null;
        bool addPath = ctx.SendAddPath.Contains(family);
        int max = ctx.MaxMessageLength;
        int messages = 0;

        if (body)
        {
            // Attributes in type order with NEXT_HOP (3) slotted in, written in one call so that a
            // 2-octet session's AS4_PATH / AS4_AGGREGATOR are added exactly once.
            var withNextHop = WithInOrder(attributes, new NextHopAttribute(nextHop.Address));
            int attrLen = AttributeEncoder.EncodedLength(withNextHop, ctx);
            int room = max - BgpLimits.HeaderLength - 4 - attrLen;
            if (room < 5 + 16) throw new ArgumentException("attributes leave no room for NLRI", nameof(attributes));
            while (!routes.IsEmpty)
            {
                int take = Fit(routes, addPath, room, out int nlriLen);
                int len = BgpLimits.HeaderLength + 4 + attrLen + nlriLen;
                var dst = output.GetSpan(len);
                MessageHeader.Write(dst, len, MessageType.Update);
                var b = dst[BgpLimits.HeaderLength..];
                b[0] = 0; b[1] = 0; // no withdrawn routes
                BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)attrLen);
                int i = 4;
                i += AttributeEncoder.Write(b[i..], withNextHop, ctx);
                AttributeEncoder.WriteNlri(b.Slice(i, nlriLen), routes[..take], addPath);
                output.Advance(len);
                routes = routes[take..];
                messages++;
            }
            return messages;
        }

        var template = new MpReachAttribute(family, nextHop, default);
        int fixedAttrs = AttributeEncoder.EncodedLength(attributes, ctx);
        int mpFixed = 5 + nextHop.WireLength;
        // MP_REACH header is 4 octets (extended length) whenever its value may pass 255.
        int roomMp = max - BgpLimits.HeaderLength - 4 - fixedAttrs - 4 - mpFixed;
        if (roomMp < 5 + 16) throw new ArgumentException("attributes leave no room for NLRI", nameof(attributes));
        while (!routes.IsEmpty)
        {
            int take = Fit(routes, addPath, roomMp, out int nlriLen);
            int mpValue = mpFixed + nlriLen;
            int mpHdr = mpValue > 255 ? 4 : 3;
            int attrLen = fixedAttrs + mpHdr + mpValue;
            int len = BgpLimits.HeaderLength + 4 + attrLen;
            var dst = output.GetSpan(len);
            MessageHeader.Write(dst, len, MessageType.Update);
            var b = dst[BgpLimits.HeaderLength..];
            b[0] = 0; b[1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)attrLen);
            int i = 4;
            // MP_REACH_NLRI goes first, as RFC 7606 §5.1 recommends, so a receiver finds it early.
            b[i] = (byte)(AttrFlags.Optional | (mpHdr == 4 ? AttrFlags.ExtendedLength : 0));
            b[i + 1] = (byte)AttrType.MpReachNlri;
            if (mpHdr == 4) BinaryPrimitives.WriteUInt16BigEndian(b[(i + 2)..], (ushort)mpValue); else b[i + 2] = (byte)mpValue;
            i += mpHdr;
            i += AttributeEncoder.WriteMpReachValue(b[i..], template, routes[..take], ctx);
            AttributeEncoder.Write(b[i..], attributes, ctx);
            output.Advance(len);
            routes = routes[take..];
            messages++;
        }
        return messages;
    }

    /// <summary>Writes UPDATEs withdrawing <paramref name="routes"/>; returns the number of messages.</summary>
    public static int Withdraw(IBufferWriter<byte> output, AfiSafi family, ReadOnlySpan<Nlri> routes, CodecContext ctx)
    {
        if (routes.IsEmpty) return 0;
        bool addPath = ctx.SendAddPath.Contains(family);
        int max = ctx.MaxMessageLength;
        int messages = 0;
        bool body = family == AfiSafi.Ipv4Unicast;
        int room = body ? max - BgpLimits.HeaderLength - 4 : max - BgpLimits.HeaderLength - 4 - 4 - 3;
        while (!routes.IsEmpty)
        {
            int take = Fit(routes, addPath, room, out int nlriLen);
            int len;
            var dst = output.GetSpan(max);
            var b = dst[BgpLimits.HeaderLength..];
            if (body)
            {
                len = BgpLimits.HeaderLength + 4 + nlriLen;
                BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)nlriLen);
                AttributeEncoder.WriteNlri(b.Slice(2, nlriLen), routes[..take], addPath);
                BinaryPrimitives.WriteUInt16BigEndian(b[(2 + nlriLen)..], 0);
            }
            else
            {
                int value = 3 + nlriLen;
                int hdr = value > 255 ? 4 : 3;
                len = BgpLimits.HeaderLength + 4 + hdr + value;
                b[0] = 0; b[1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)(hdr + value));
                b[4] = (byte)(AttrFlags.Optional | (hdr == 4 ? AttrFlags.ExtendedLength : 0));
                b[5] = (byte)AttrType.MpUnreachNlri;
                if (hdr == 4) BinaryPrimitives.WriteUInt16BigEndian(b[6..], (ushort)value); else b[6] = (byte)value;
                int i = 4 + hdr;
                AttributeEncoder.WriteFamily(b[i..], family);
                AttributeEncoder.WriteNlri(b.Slice(i + 3, nlriLen), routes[..take], addPath);
            }
            MessageHeader.Write(dst, len, MessageType.Update);
            output.Advance(len);
            routes = routes[take..];
            messages++;
        }
        return messages;
    }

    private static int Fit(ReadOnlySpan<Nlri> routes, bool addPath, int room, out int bytes)
    {
        int n = 0;
        bytes = 0;
        foreach (ref readonly var r in routes)
        {
            int l = NlriCodec.EncodedLength(r, addPath);
            if (bytes + l > room) break;
            bytes += l;
            n++;
        }
        return n;
    }

    /// <summary>The attributes with one more placed in type-code order.</summary>
    private static PathAttribute[] WithInOrder(ReadOnlySpan<PathAttribute> attrs, PathAttribute extra)
    {
        int split = 0;
        while (split < attrs.Length && attrs[split].Type < extra.Type) split++;
        var all = new PathAttribute[attrs.Length + 1];
        attrs[..split].CopyTo(all);
        all[split] = extra;
        attrs[split..].CopyTo(all.AsSpan(split + 1));
        return all;
    }
}
