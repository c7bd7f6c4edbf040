using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Corpus;

public static partial class NonCanonical
{
    /// <summary>
    /// The message with exactly the choices <paramref name="reasons"/> names undone, as a byte string
    /// to compare: two encodings that differ only in those choices normalise to the same bytes.
    /// </summary>
    /// <remarks>
    /// UPDATE: withdrawn routes, each attribute (header and value) and NLRI, each length-prefixed;
    /// host bits cleared, AS4_PATH/AS4_AGGREGATOR left out, low flag bits and the MP_REACH_NLRI
    /// Reserved octet zeroed, only where a reason says so. OPEN: the fixed fields, then the
    /// capability TLVs run together whatever parameters held them, then the other parameters.
    /// </remarks>
    public static byte[] Normalize(byte[] m, CodecContext ctx, IReadOnlyCollection<string> reasons)
    {
        var o = new List<byte>();
        switch ((MessageType)m[18])
        {
            case MessageType.Update:
                NormalizeUpdate(m, ctx, reasons, o);
                break;
            case MessageType.Open when reasons.Contains(CapabilityPacking) || reasons.Contains(ParameterOrder):
                NormalizeOpen(m, o);
                break;
            default:
                o.AddRange(m);
                break;
        }
        return [.. o];
    }

    private static void NormalizeUpdate(byte[] m, CodecContext ctx, IReadOnlyCollection<string> reasons, List<byte> o)
    {
        bool host = reasons.Contains(HostBits);
        bool v4AddPath = ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast);
        var layout = WireWalk.Layout(m);
        Field(o, Run(m.AsSpan(layout.Withdrawn.Offset, layout.Withdrawn.Length), host, v4AddPath));
        foreach (var a in WireWalk.Attributes(m))
        {
            if (reasons.Contains(As4Attributes) && a.Code is (byte)AttrType.As4Path or (byte)AttrType.As4Aggregator) continue;
            var bytes = m.AsSpan(a.HeaderOffset, a.End - a.HeaderOffset).ToArray();
            int v = a.ValueOffset - a.HeaderOffset;
            if (reasons.Contains(LowFlagBits) && AttributeTable.ByCode[a.Code] is not null) bytes[0] &= 0xF0;
            if (a.Code == (byte)AttrType.MpReachNlri)
            {
                var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(v)), (Safi)bytes[v + 2]);
                int reserved = v + 4 + bytes[v + 3];
                if (reasons.Contains(MpReserved)) bytes[reserved] = 0;
                if (host && family.IsPrefixFamily)
                    bytes = [.. bytes.AsSpan(0, reserved + 1), .. Run(bytes.AsSpan(reserved + 1), true, ctx.ReceiveAddPath.Contains(family))];
            }
            if (a.Code == (byte)AttrType.MpUnreachNlri && host)
            {
                var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(v)), (Safi)bytes[v + 2]);
                if (family.IsPrefixFamily)
                    bytes = [.. bytes.AsSpan(0, v + 3), .. Run(bytes.AsSpan(v + 3), true, ctx.ReceiveAddPath.Contains(family))];
            }
            Field(o, bytes);
        }
        Field(o, Run(m.AsSpan(layout.Nlri.Offset, layout.Nlri.Length), host, v4AddPath));
    }

    /// <summary>A run of NLRI, with the bits past each prefix length cleared when <paramref name="clear"/>.</summary>
    private static byte[] Run(ReadOnlySpan<byte> run, bool clear, bool addPath)
    {
        var b = run.ToArray();
        if (!clear) return b;
        for (int i = 0; i < b.Length;)
        {
            if (addPath) i += 4;
            int bits = b[i++];
            int bytes = (bits + 7) / 8;
            if (bits % 8 != 0) b[i + bytes - 1] &= (byte)(0xFF << (8 - bits % 8));
            i += bytes;
        }
        return b;
    }

    private static void NormalizeOpen(byte[] m, List<byte> o)
    {
        var body = m.AsSpan(19);
        o.AddRange(body[..9]); // version, My AS, Hold Time, BGP Identifier
        bool ext = body[9] == 255 && body.Length > 10 && body[10] == 255;
        var p = ext ? body.Slice(13, BinaryPrimitives.ReadUInt16BigEndian(body[11..])) : body.Slice(10, body[9]);
        int hdr = ext ? 3 : 2;
        var caps = new List<byte>();
        var others = new List<byte>();
        while (p.Length >= hdr)
        {
            byte type = p[0];
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(p[1..]) : p[1];
            var value = p.Slice(hdr, len);
            if (type == (byte)OptionalParameterType.Capabilities) caps.AddRange(value);
            else { others.Add(type); Field(others, value.ToArray()); }
            p = p[(hdr + len)..];
        }
        Field(o, [.. caps]);
        o.AddRange(others);
    }

    private static void Field(List<byte> o, byte[] bytes)
    {
        o.Add((byte)(bytes.Length >> 8));
        o.Add((byte)bytes.Length);
        o.AddRange(bytes);
    }
}
