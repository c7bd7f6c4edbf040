namespace Bgp.Wire.Mrt;

/// <summary>
/// Decodes one MRT record body (RFC 6396) into an <see cref="MrtRecord"/>. Never throws: a body
/// that does not parse becomes a <see cref="MalformedMrtRecord"/>, and errors inside the embedded
/// BGP data are carried as <see cref="WireError"/> values on the record.
/// </summary>
public static partial class MrtDecoder
{
    /// <summary>Families whose NLRI carry path identifiers in the ADDPATH subtypes (RFC 8050).</summary>
    private static readonly FamilySet AddPathFamilies = new(
        AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast, AfiSafi.Ipv4Multicast, AfiSafi.Ipv6Multicast);

    // Messages in MRT may exceed 4096 octets (RFC 8654 sessions; RFC 6396 sets no limit).
    private static readonly CodecContext Ctx2 = new() { FourOctetAs = false, ExtendedMessages = true };
    private static readonly CodecContext Ctx4 = new() { FourOctetAs = true, ExtendedMessages = true };
    private static readonly CodecContext Ctx2AddPath = Ctx2 with { ReceiveAddPath = AddPathFamilies, SendAddPath = AddPathFamilies };
    private static readonly CodecContext Ctx4AddPath = Ctx4 with { ReceiveAddPath = AddPathFamilies, SendAddPath = AddPathFamilies };

    /// <summary>The codec context a BGP message in MRT is read and written with.</summary>
    public static CodecContext ContextFor(bool fourOctetAs, bool addPath) =>
        (fourOctetAs, addPath) switch
        {
            (false, false) => Ctx2,
            (true, false) => Ctx4,
            (false, true) => Ctx2AddPath,
            (true, true) => Ctx4AddPath,
        };

    /// <summary>Decodes the body that follows <paramref name="header"/>; <paramref name="offset"/> only labels errors.</summary>
    public static MrtRecord Decode(in MrtHeader header, ReadOnlySpan<byte> body, long offset = 0)
    {
        var ctx = new DecodeScope(header, body, offset);
        return header.Type switch
        {
            MrtType.TableDump => DecodeTableDump(ref ctx),
            MrtType.TableDumpV2 => DecodeTableDumpV2(ref ctx),
            MrtType.Bgp4Mp or MrtType.Bgp4MpEt => DecodeBgp4Mp(ref ctx),
            MrtType.Bgp => DecodeLegacyBgp(ref ctx),
            _ => ctx.Unknown(),
        };
    }

    /// <summary>What every per-type decoder needs to build its result or its error.</summary>
    private readonly ref struct DecodeScope(in MrtHeader header, ReadOnlySpan<byte> body, long offset)
    {
        public readonly MrtHeader Header = header;
        public readonly ReadOnlySpan<byte> Body = body;
        public readonly long Offset = offset;

        public MalformedMrtRecord Malformed(string reason) =>
            new(Header.Timestamp, Header.Type, Header.Subtype, Offset, reason, Body.ToArray());

        public UnknownMrtRecord Unknown() => new(Header.Timestamp, Header.Type, Header.Subtype, Body.ToArray());
    }

    /// <summary>
    /// BGP4MP / BGP4MP_ET (RFC 6396 §4.4). ET records start with the microsecond timestamp (§3).
    /// <code>
    /// +-------------------+-------------------+
    /// | Peer AS (2 or 4)  | Local AS (2 or 4) |
    /// +-------------------+-------------------+
    /// | Interface Index (2) | Address Family (2) |
    /// +---------------------------------------+
    /// | Peer IP Address (4 or 16)             |
    /// | Local IP Address (4 or 16)            |
    /// +---------------------------------------+
    /// | BGP Message, or Old State (2) New State (2) |
    /// +---------------------------------------+
    /// </code>
    /// </summary>
    private static MrtRecord DecodeBgp4Mp(ref DecodeScope s)
    {
        var r = new SpanReader(s.Body);
        uint? micro = null;
        if (s.Header.IsExtendedTimestamp)
        {
            if (!r.TryU32(out uint us)) return s.Malformed("truncated before the microsecond timestamp");
            micro = us;
        }
        var subtype = (Bgp4MpSubtype)s.Header.Subtype;
        if (!subtype.IsStateChange() && !subtype.IsMessage()) return s.Unknown();

        bool as4 = subtype.IsFourOctetAs();
        if (subtype == Bgp4MpSubtype.StateChange && r.Remaining == 8)
        {
            // Deviation: early Zebra wrote 8-octet state changes with no interface index, AFI or
            // addresses (RIS 2000 archives); read them as peer AS, local AS, old and new state.
            r.TryU16(out ushort pAs);
            r.TryU16(out ushort lAs);
            r.TryU16(out ushort oldS);
            r.TryU16(out ushort newS);
            return new Bgp4MpStateChangeRecord(s.Header.Timestamp, micro, false, pAs, lAs, 0, IpAddr.V4Any, IpAddr.V4Any,
                (BgpFsmState)oldS, (BgpFsmState)newS);
        }
        if (!r.TryAs(as4, out uint peerAs) || !r.TryAs(as4, out uint localAs)
            || !r.TryU16(out ushort ifIndex) || !r.TryU16(out ushort afi))
            return s.Malformed("truncated BGP4MP header");
        if (afi is not ((ushort)Afi.Ipv4 or (ushort)Afi.Ipv6)) return s.Malformed($"unsupported address family {afi}");
        bool v6 = afi == (ushort)Afi.Ipv6;
        if (!r.TryAddress(v6, out var peer) || !r.TryAddress(v6, out var local))
            return s.Malformed("truncated peer or local address");

        if (subtype.IsStateChange())
        {
            if (!r.TryU16(out ushort oldState) || !r.TryU16(out ushort newState))
                return s.Malformed("truncated state change");
            return new Bgp4MpStateChangeRecord(s.Header.Timestamp, micro, as4, peerAs, localAs, ifIndex, peer, local,
                (BgpFsmState)oldState, (BgpFsmState)newState);
        }

        var (message, errors, raw) = DecodeMessage(r.Rest, ContextFor(as4, subtype.IsAddPath()));
        return new Bgp4MpMessageRecord(s.Header.Timestamp, micro, subtype, peerAs, localAs, ifIndex, peer, local,
            message, errors, raw);
    }

    /// <summary>
    /// Decodes a whole BGP message (header included). The BGP header's length decides where the
    /// message ends; octets after it are dropped. A message that does not decode cleanly keeps its
    /// bytes in Raw (so a writer can reproduce them); one a session would have to reject outright
    /// is salvaged where possible (<see cref="Salvage"/>) so its readable routes still show.
    /// </summary>
    private static (BgpMessage? Message, EquatableArray<WireError> Errors, EquatableArray<byte> Raw) DecodeMessage(
        ReadOnlySpan<byte> bytes, CodecContext ctx)
    {
        var span = bytes;
        if (span.Length >= BgpLimits.HeaderLength)
        {
            int len = (span[16] << 8) | span[17];
            if (len >= BgpLimits.HeaderLength && len < span.Length) span = span[..len];
        }
        var result = MessageDecoder.Decode(span, ctx);
        if (result.IsClean) return (result.Message, default, default);
        var errors = new EquatableArray<WireError>(result.Errors!.All.ToArray());
        var message = result.Message ?? Salvage(span, ctx);
        return (message, errors, span.ToArray());
    }

    /// <summary>
    /// Deviation, for reading archives only: RFC 7606 §5.3 has a session reset when a Withdrawn
    /// Routes or NLRI field cannot be parsed. Dump readers (bgpdump among them) show the prefixes
    /// that precede the damage instead, so an UPDATE whose fields overrun is cut back to what parses
    /// and decoded again. Returns null when even that fails.
    /// </summary>
    private static UpdateMessage? Salvage(ReadOnlySpan<byte> message, CodecContext ctx)
    {
        if (message.Length < BgpLimits.HeaderLength + 4 || message[18] != (byte)MessageType.Update) return null;
        var body = message[BgpLimits.HeaderLength..];
        bool addPath = ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast);
        int wdLen = Math.Min((body[0] << 8) | body[1], body.Length - 2);
        var withdrawn = body.Slice(2, wdLen);
        var rest = body[(2 + wdLen)..];
        ReadOnlySpan<byte> attrs = default, nlri = default;
        if (rest.Length >= 2)
        {
            int attrLen = (rest[0] << 8) | rest[1];
            if (attrLen <= rest.Length - 2)
            {
                attrs = rest.Slice(2, attrLen);
                nlri = rest[(2 + attrLen)..];
            }
        }
        withdrawn = withdrawn[..ParseablePrefixes(withdrawn, addPath)];
        nlri = nlri[..ParseablePrefixes(nlri, addPath)];

        var rebuilt = new byte[4 + withdrawn.Length + attrs.Length + nlri.Length];
        rebuilt[0] = (byte)(withdrawn.Length >> 8);
        rebuilt[1] = (byte)withdrawn.Length;
        withdrawn.CopyTo(rebuilt.AsSpan(2));
        int i = 2 + withdrawn.Length;
        rebuilt[i] = (byte)(attrs.Length >> 8);
        rebuilt[i + 1] = (byte)attrs.Length;
        attrs.CopyTo(rebuilt.AsSpan(i + 2));
        nlri.CopyTo(rebuilt.AsSpan(i + 2 + attrs.Length));
        return UpdateDecoder.Decode(rebuilt, ctx, out _);
    }

    /// <summary>The length of the leading run of well-formed IPv4 NLRI entries (RFC 4271 §4.3, RFC 7911 §3).</summary>
    private static int ParseablePrefixes(ReadOnlySpan<byte> field, bool addPath)
    {
        int i = 0, idLen = addPath ? 4 : 0;
        while (i < field.Length)
        {
            if (field.Length - i < idLen + 1) break;
            int bits = field[i + idLen];
            if (bits > 32) break;
            int next = i + idLen + 1 + ((bits + 7) >> 3);
            if (next > field.Length) break;
            i = next;
        }
        return i;
    }

    /// <summary>
    /// The deprecated BGP type 5 (RFC 6396 App. B.2.1): messages lack their 19-octet header.
    /// <code>
    /// UPDATE, OPEN, NOTIFY, KEEPALIVE:            STATE_CHANGE:
    /// +----------------------------------+        +----------------------------------+
    /// | Peer AS (2) | Peer IP (4)        |        | Peer AS (2) | Peer IP (4)        |
    /// | Local AS (2) | Local IP (4)      |        | Old State (2) | New State (2)    |
    /// | BGP message body (variable)      |        +----------------------------------+
    /// +----------------------------------+
    /// </code>
    /// </summary>
    private static MrtRecord DecodeLegacyBgp(ref DecodeScope s)
    {
        var subtype = (LegacyBgpSubtype)s.Header.Subtype;
        var r = new SpanReader(s.Body);
        if (subtype == LegacyBgpSubtype.StateChange)
        {
            if (!r.TryU16(out ushort peerAs) || !r.TryAddress(false, out var peer)
                || !r.TryU16(out ushort oldState) || !r.TryU16(out ushort newState))
                return s.Malformed("truncated BGP state change");
            return new LegacyBgpStateChangeRecord(s.Header.Timestamp, peerAs, peer, (BgpFsmState)oldState, (BgpFsmState)newState);
        }

        MessageType type;
        switch (subtype)
        {
            case LegacyBgpSubtype.Update: type = MessageType.Update; break;
            case LegacyBgpSubtype.Open: type = MessageType.Open; break;
            case LegacyBgpSubtype.Notify: type = MessageType.Notification; break;
            case LegacyBgpSubtype.Keepalive: type = MessageType.Keepalive; break;
            default: return s.Unknown();
        }
        if (!r.TryU16(out ushort pAs) || !r.TryAddress(false, out var pIp)
            || !r.TryU16(out ushort lAs) || !r.TryAddress(false, out var lIp))
            return s.Malformed("truncated BGP record header");
        var body = r.Rest;
        if (body.Length > ushort.MaxValue - BgpLimits.HeaderLength) return s.Malformed($"BGP message body of {body.Length} octets is too long");

        var whole = new byte[BgpLimits.HeaderLength + body.Length];
        new MessageHeader((ushort)whole.Length, type).WriteTo(whole);
        body.CopyTo(whole.AsSpan(BgpLimits.HeaderLength));
        var (message, errors, raw) = DecodeMessage(whole, Ctx2);
        // The raw form of a type 5 message is its body, as the record holds it.
        return new LegacyBgpMessageRecord(s.Header.Timestamp, subtype, pAs, pIp, lAs, lIp, message, errors,
            raw.IsEmpty ? default : new EquatableArray<byte>(body.ToArray()));
    }
}
