using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Bgp.Wire.Mrt;

/// <summary>
/// Writes MRT records (RFC 6396) from the in-memory model: the inverse of <see cref="MrtDecoder"/>.
/// A record read from canonical input is written back byte for byte. Models that cannot be
/// encoded (a TABLE_DUMP entry whose peer and prefix families differ, a BGP message over 65535
/// octets) throw: they are programming errors, not input.
/// </summary>
public static class MrtEncoder
{
    public static byte[] Encode(MrtRecord record)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Write(output, record);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the common header and the body; the header's length is patched in last.</summary>
    public static void Write(IBufferWriter<byte> output, MrtRecord record)
    {
        var body = new ArrayBufferWriter<byte>(256);
        WriteBody(body, record);
        var head = output.GetSpan(MrtHeader.Size);
        new MrtHeader(record.Timestamp, record.Type, record.Subtype, (uint)body.WrittenCount).WriteTo(head);
        output.Advance(MrtHeader.Size);
        output.Write(body.WrittenSpan);
    }

    private static void WriteBody(ArrayBufferWriter<byte> w, MrtRecord record)
    {
        switch (record)
        {
            case TableDumpRecord t: WriteTableDump(w, t); break;
            case PeerIndexTableRecord p: WritePeerIndexTable(w, p); break;
            case RibRecord r: WriteRib(w, r); break;
            case Bgp4MpMessageRecord m:
                WriteBgp4MpHeader(w, m.Microseconds, m.MessageSubtype.IsFourOctetAs(), m.PeerAs, m.LocalAs, m.InterfaceIndex, m.PeerAddress, m.LocalAddress);
                WriteMessage(w, m.Message, m.RawMessage, MrtDecoder.ContextFor(m.MessageSubtype.IsFourOctetAs(), m.MessageSubtype.IsAddPath()), stripHeader: false);
                break;
            case Bgp4MpStateChangeRecord c:
                WriteBgp4MpHeader(w, c.Microseconds, c.FourOctetAs, c.PeerAs, c.LocalAs, c.InterfaceIndex, c.PeerAddress, c.LocalAddress);
                U16(w, (ushort)c.OldState);
                U16(w, (ushort)c.NewState);
                break;
            case LegacyBgpStateChangeRecord c:
                U16(w, c.PeerAs);
                Address(w, RequireV4(c.PeerAddress));
                U16(w, (ushort)c.OldState);
                U16(w, (ushort)c.NewState);
                break;
            case LegacyBgpMessageRecord m:
                U16(w, m.PeerAs);
                Address(w, RequireV4(m.PeerAddress));
                U16(w, m.LocalAs);
                Address(w, RequireV4(m.LocalAddress));
                WriteMessage(w, m.Message, m.RawMessage, MrtDecoder.ContextFor(false, false), stripHeader: true);
                break;
            case UnknownMrtRecord u: w.Write(u.Body.AsSpan()); break;
            case MalformedMrtRecord x: w.Write(x.Body.AsSpan()); break;
            default: throw new ArgumentOutOfRangeException(nameof(record), $"cannot encode {record.GetType().Name}");
        }
    }

    private static void WriteTableDump(ArrayBufferWriter<byte> w, TableDumpRecord t)
    {
        if (t.PeerAddress.IsV6 != t.Prefix.IsV6)
            throw new ArgumentException("TABLE_DUMP needs the peer address and the prefix in one family (RFC 6396 §4.2)", nameof(t));
        U16(w, t.ViewNumber);
        U16(w, t.SequenceNumber);
        Address(w, t.Prefix.Address);
        U8(w, t.Prefix.Length);
        U8(w, t.Status);
        U32(w, t.OriginatedTime);
        Address(w, t.PeerAddress);
        U16(w, t.PeerAs);
        WriteAttributes(w, t.Attributes, t.RawAttributes, MrtDecoder.ContextFor(false, false), abbreviateMpReach: false);
    }

    private static void WritePeerIndexTable(ArrayBufferWriter<byte> w, PeerIndexTableRecord p)
    {
        Address(w, RequireV4(p.CollectorBgpId));
        var name = Encoding.Latin1.GetBytes(p.ViewName);
        U16(w, checked((ushort)name.Length));
        w.Write(name);
        U16(w, checked((ushort)p.Peers.Count));
        foreach (var peer in p.Peers)
        {
            U8(w, peer.PeerType);
            Address(w, RequireV4(peer.BgpId));
            Address(w, peer.Address);
            if (peer.FourOctetAs) U32(w, peer.As);
            else U16(w, checked((ushort)peer.As));
        }
    }

    private static void WriteRib(ArrayBufferWriter<byte> w, RibRecord r)
    {
        U32(w, r.SequenceNumber);
        if (r.IsGeneric)
        {
            U16(w, (ushort)r.Family.Afi);
            U8(w, (byte)r.Family.Safi);
        }
        if (r.Family.IsPrefixFamily)
        {
            U8(w, r.Prefix.Length);
            r.Prefix.WriteAddressBytes(w.GetSpan(r.Prefix.WireBytes));
            w.Advance(r.Prefix.WireBytes);
        }
        else
        {
            w.Write(r.RawNlri.AsSpan());
        }
        U16(w, checked((ushort)r.Entries.Count));
        var ctx = MrtDecoder.ContextFor(true, false); // RFC 6396 §4.3.4: 4-octet ASNs in RIB entries
        foreach (var e in r.Entries)
        {
            U16(w, e.PeerIndex);
            U32(w, e.OriginatedTime);
            if (r.IsAddPath) U32(w, e.PathId);
            WriteAttributes(w, e.Attributes, e.RawAttributes, ctx, abbreviateMpReach: true);
        }
    }

    /// <summary>
    /// Attribute Length (2) then the attributes: the raw bytes when there are any, else encoded
    /// from the model, MP_REACH_NLRI abbreviated in TABLE_DUMP_V2 (RFC 6396 §4.3.4).
    /// </summary>
    private static void WriteAttributes(ArrayBufferWriter<byte> w, EquatableArray<PathAttribute> attributes,
        EquatableArray<byte> raw, CodecContext ctx, bool abbreviateMpReach)
    {
        if (!raw.IsEmpty)
        {
            U16(w, checked((ushort)raw.Count));
            w.Write(raw.AsSpan());
            return;
        }
        var attrs = abbreviateMpReach ? RibAttributes.ForRib(attributes) : attributes.AsSpan();
        int len = AttributeEncoder.EncodedLength(attrs, ctx);
        U16(w, checked((ushort)len));
        var span = w.GetSpan(len);
        AttributeEncoder.Write(span, attrs, ctx);
        w.Advance(len);
    }

    private static void WriteBgp4MpHeader(ArrayBufferWriter<byte> w, uint? micro, bool as4, uint peerAs, uint localAs,
        ushort ifIndex, IpAddr peer, IpAddr local)
    {
        if (peer.IsV6 != local.IsV6)
            throw new ArgumentException("BGP4MP needs the peer and local addresses in one family (RFC 6396 §4.4)");
        if (micro is { } us) U32(w, us);
        if (as4) { U32(w, peerAs); U32(w, localAs); }
        else { U16(w, checked((ushort)peerAs)); U16(w, checked((ushort)localAs)); }
        U16(w, ifIndex);
        U16(w, (ushort)peer.Afi);
        Address(w, peer);
        Address(w, local);
    }

    private static void WriteMessage(ArrayBufferWriter<byte> w, BgpMessage? message, EquatableArray<byte> raw,
        CodecContext ctx, bool stripHeader)
    {
        if (message is null || !raw.IsEmpty)
        {
            w.Write(raw.AsSpan());
            return;
        }
        int len = MessageEncoder.EncodedLength(message, ctx);
        if (!stripHeader)
        {
            MessageEncoder.Write(w.GetSpan(len), message, ctx);
            w.Advance(len);
            return;
        }
        var tmp = ArrayPool<byte>.Shared.Rent(len);
        try
        {
            MessageEncoder.Write(tmp, message, ctx);
            w.Write(tmp.AsSpan(BgpLimits.HeaderLength, len - BgpLimits.HeaderLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(tmp);
        }
    }

    private static IpAddr RequireV4(IpAddr a) =>
        a.IsV4 ? a : throw new ArgumentException($"{a} must be an IPv4 address here (RFC 6396)");

    private static void U8(ArrayBufferWriter<byte> w, byte v)
    {
        w.GetSpan(1)[0] = v;
        w.Advance(1);
    }

    private static void U16(ArrayBufferWriter<byte> w, ushort v)
    {
        BinaryPrimitives.WriteUInt16BigEndian(w.GetSpan(2), v);
        w.Advance(2);
    }

    private static void U32(ArrayBufferWriter<byte> w, uint v)
    {
        BinaryPrimitives.WriteUInt32BigEndian(w.GetSpan(4), v);
        w.Advance(4);
    }

    private static void Address(ArrayBufferWriter<byte> w, IpAddr a) => w.Advance(a.WriteTo(w.GetSpan(16)));
}

/// <summary>Writes MRT records to a stream (the counterpart of <see cref="MrtReader"/>).</summary>
public sealed class MrtWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    public MrtWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    public void Write(MrtRecord record)
    {
        _buffer.ResetWrittenCount();
        MrtEncoder.Write(_buffer, record);
        _stream.Write(_buffer.WrittenSpan);
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}
