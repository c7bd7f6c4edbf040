using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Bgp.Wire;

/// <summary>
/// Decodes UPDATE bodies with RFC 7606 error handling: every malformation becomes a
/// <see cref="WireError"/> with its reaction; nothing throws for any input.
/// </summary>
public static class UpdateDecoder
{
    /// <summary>
    /// 256 bits, one per attribute type code: a plain local, not a stackalloc (which costs a
    /// frame probe and a separate clear on every call).
    /// </summary>
    [System.Runtime.CompilerServices.InlineArray(4)]
    private struct TypeCodeSet
    {
        private ulong _first;
    }

    /// <summary>Room for a typical UPDATE's attributes on the stack; more spill to a heap array.</summary>
    [System.Runtime.CompilerServices.InlineArray(16)]
    private struct AttrBuffer
    {
        private PathAttribute _first;
    }

    /// <summary>
    /// Decodes an UPDATE body (the octets after the 19-octet header). Returns null only when the
    /// message cannot be used at all (a session reset); otherwise the message as decoded, with
    /// <paramref name="errors"/> naming what was discarded or why the routes must be withdrawn.
    /// </summary>
    public static UpdateMessage? Decode(ReadOnlySpan<byte> body, CodecContext ctx, out WireErrors? errors)
    {
        errors = null;
        // RFC 4271 §6.3 / RFC 7606 §4: the two length fields must fit the message.
        if (body.Length < 4)
            return Reset(ref errors, UpdateErrorSubcode.MalformedAttributeList, "UPDATE shorter than its length fields");
        int wdLen = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (2 + wdLen + 2 > body.Length)
            return Reset(ref errors, UpdateErrorSubcode.MalformedAttributeList, $"withdrawn routes length {wdLen} overruns the message");
        var withdrawnField = body.Slice(2, wdLen);
        int attrLen = BinaryPrimitives.ReadUInt16BigEndian(body[(2 + wdLen)..]);
        int attrStart = 2 + wdLen + 2;
        if (attrStart + attrLen > body.Length)
            return Reset(ref errors, UpdateErrorSubcode.MalformedAttributeList, $"total path attribute length {attrLen} overruns the message");
        var attrField = body.Slice(attrStart, attrLen);
        var nlriField = body[(attrStart + attrLen)..];

        // RFC 7606 §5.3: an unparseable Withdrawn Routes or NLRI field leaves no way to tell which
        // routes are meant, so the session is reset.
        if (!NlriCodec.TryRead(withdrawnField, false, ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast), out var withdrawn, out var werr))
            return Reset(ref errors, UpdateErrorSubcode.InvalidNetworkField, "withdrawn routes: " + werr);
        if (!NlriCodec.TryRead(nlriField, false, ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast), out var nlri, out var nerr))
            return Reset(ref errors, UpdateErrorSubcode.InvalidNetworkField, "NLRI: " + nerr);

        var seenBits = new TypeCodeSet();
        Span<ulong> seen = seenBits;
        var attributes = DecodeAttributes(attrField, ctx, seen, ref errors);
        if (attributes is null) return null;

        var msg = new UpdateMessage(withdrawn, attributes, nlri);
        CheckMandatory(msg, ctx, seen, ref errors);
        return msg;
    }

    /// <summary>
    /// Decodes a path attribute list on its own (the Path Attributes field of an UPDATE, or the
    /// attributes of an MRT RIB entry), with the same RFC 7606 handling of each attribute,
    /// duplicates and AS4_* folding. The missing-mandatory check needs the NLRI and is left to the
    /// caller. Returns null when the list calls for a session reset.
    /// </summary>
    public static EquatableArray<PathAttribute>? DecodeAttributes(ReadOnlySpan<byte> attributes, CodecContext ctx, out WireErrors? errors)
    {
        errors = null;
        var seenBits = new TypeCodeSet();
        Span<ulong> seen = seenBits;
        var result = DecodeAttributes(attributes, ctx, seen, ref errors);
        return result is null ? null : (EquatableArray<PathAttribute>?)new EquatableArray<PathAttribute>(result);
    }

    /// <param name="seen">256 bits, one per type code present on the wire (malformed or not).</param>
    /// <returns>The attributes, or null when the list calls for a session reset. An array rather than an
    /// <see cref="EquatableArray{T}"/>: building the struct here cost a store-forwarding stall per call.</returns>
    private static PathAttribute[]? DecodeAttributes(ReadOnlySpan<byte> field, CodecContext ctx, Span<ulong> seen, ref WireErrors? errors)
    {
        if (field.IsEmpty) return [];

        var stackBuf = new AttrBuffer();
        Span<PathAttribute> scratch = stackBuf;
        int count = 0;
        As4PathCarrier? as4Path = null;
        As4AggregatorCarrier? as4Aggregator = null;
        var actx = new AttrDecodeContext { Codec = ctx };

        int i = 0;
        while (i < field.Length)
        {
            // Attribute header: flags(1) type(1) length(1, or 2 with Extended Length).
            if (field.Length - i < 3 || ((field[i] & (byte)AttrFlags.ExtendedLength) != 0 && field.Length - i < 4))
            {
                TruncatedHeader(ref errors, i);
                break;
            }
            byte flags = field[i];
            byte code = field[i + 1];
            bool ext = (flags & (byte)AttrFlags.ExtendedLength) != 0;
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(field[(i + 2)..]) : field[i + 2];
            int hdr = ext ? 4 : 3;
            if (i + hdr + len > field.Length)
            {
                if (Overrun(ref errors, field[i..], code, len)) return null;
                break;
            }
            // Extended Length is remembered only where the sender chose it needlessly (len <= 255);
            // above that the encoder sets it anyway.
            if (len > 255) flags &= unchecked((byte)~AttrFlags.ExtendedLength);
            var value = field.Slice(i + hdr, len);
            var whole = field.Slice(i, hdr + len);
            i += hdr + len;

            // RFC 7606 §3(g): a repeated MP_* is a reset; any other repeat is dropped after the first.
            ref ulong word = ref seen[code >> 6];
            ulong bit = 1UL << (code & 63);
            if ((word & bit) != 0)
            {
                if (Repeated(ref errors, code)) return null;
                continue;
            }
            word |= bit;

            var desc = AttributeTable.ByCode[code];
            if (desc is null)
            {
                if ((flags & (byte)AttrFlags.Optional) == 0)
                {
                    UnrecognizedWellKnown(ref errors, whole, code);
                    return null;
                }
                Append(ref scratch, ref count, new RawAttribute(code, value.ToArray()) { Flags = (AttrFlags)flags });
                continue;
            }

            // RFC 7606 §3(c): Optional/Transitive bits that conflict with the type make it malformed.
            const byte otMask = (byte)(AttrFlags.Optional | AttrFlags.Transitive);
            if ((flags & otMask) != (byte)desc.Flags)
            {
                if (FlagsConflict(ref errors, desc, flags, value, whole)) return null;
                continue;
            }

            // The attributes of nearly every UPDATE are called directly (the JIT can inline them);
            // the rest go through the table's delegate.
            var attr = code switch
            {
                (byte)AttrType.Origin => AttributeTable.DecodeOrigin(value, ref actx),
                (byte)AttrType.AsPath => AttributeTable.DecodeAsPath(value, ref actx),
                (byte)AttrType.NextHop => AttributeTable.DecodeNextHop(value, ref actx),
                (byte)AttrType.MultiExitDisc => AttributeTable.DecodeMed(value, ref actx),
                (byte)AttrType.LocalPref => AttributeTable.DecodeLocalPref(value, ref actx),
                (byte)AttrType.Communities => AttributeTable.DecodeCommunities(value, ref actx),
                _ => desc.Decode(value, ref actx),
            };
            if (attr is null)
            {
                if (DecodeFailed(ref errors, desc, ref actx, whole)) return null;
                continue;
            }

            switch (code)
            {
                case (byte)AttrType.As4Path:
                    as4Path = (As4PathCarrier)attr;
                    continue;
                case (byte)AttrType.As4Aggregator:
                    as4Aggregator = (As4AggregatorCarrier)attr;
                    continue;
                case (byte)AttrType.LocalPref when ctx.PeerKind == PeerKind.External:
                    // RFC 7606 §7.5: LOCAL_PREF from an external neighbour is discarded.
                    Add(ref errors, new WireError(ErrorAction.AttributeDiscard, NotificationCode.UpdateMessageError,
                        (byte)UpdateErrorSubcode.AttributeFlagsError, "LOCAL_PREF from an external peer discarded",
                        default, AttrType.LocalPref));
                    continue;
            }

            var keep = (AttrFlags)(flags & (byte)(AttrFlags.Partial | AttrFlags.ExtendedLength));
            if (keep != AttrFlags.None) attr = attr with { Flags = keep };
            Append(ref scratch, ref count, attr);
        }

        if (as4Path is not null || as4Aggregator is not null)
            FoldAs4(scratch[..count], ctx, as4Path, as4Aggregator, ref errors);

        return count == 0 ? [] : scratch[..count].ToArray();
    }

    private static void Append(ref Span<PathAttribute> scratch, ref int count, PathAttribute a)
    {
        if (count == scratch.Length)
        {
            var bigger = new PathAttribute[scratch.Length * 2];
            scratch.CopyTo(bigger);
            scratch = bigger;
        }
        scratch[count++] = a;
    }

    /// <summary>
    /// RFC 6793 §4.2.3: on a 2-octet session, AS4_PATH and AS4_AGGREGATOR rebuild the 4-octet
    /// AS_PATH and AGGREGATOR. From a 4-octet speaker they are discarded (§6... they must not be sent).
    /// </summary>
    private static void FoldAs4(Span<PathAttribute> attrs, CodecContext ctx, As4PathCarrier? as4Path,
        As4AggregatorCarrier? as4Aggregator, ref WireErrors? errors)
    {
        if (ctx.FourOctetAs)
        {
            Add(ref errors, new WireError(ErrorAction.AttributeDiscard, NotificationCode.UpdateMessageError,
                (byte)UpdateErrorSubcode.OptionalAttributeError, "AS4_PATH/AS4_AGGREGATOR from a 4-octet speaker discarded",
                default, as4Path is not null ? AttrType.As4Path : AttrType.As4Aggregator));
            return;
        }

        int aggIndex = -1, pathIndex = -1;
        for (int k = 0; k < attrs.Length; k++)
        {
            if (attrs[k] is AggregatorAttribute) aggIndex = k;
            else if (attrs[k] is AsPathAttribute) pathIndex = k;
        }

        if (aggIndex >= 0)
        {
            var agg = (AggregatorAttribute)attrs[aggIndex];
            if (agg.Asn != BgpLimits.AsTrans)
            {
                // RFC 6793 §4.2.3: an AGGREGATOR that is not AS_TRANS means the AS4 attributes are stale.
                Add(ref errors, new WireError(ErrorAction.AttributeDiscard, NotificationCode.UpdateMessageError,
                    (byte)UpdateErrorSubcode.OptionalAttributeError,
                    "AS4_PATH/AS4_AGGREGATOR ignored: AGGREGATOR is not AS_TRANS", default, AttrType.As4Path));
                return;
            }
            if (as4Aggregator is not null)
                attrs[aggIndex] = new AggregatorAttribute(as4Aggregator.Asn, as4Aggregator.Address) { Flags = agg.Flags };
        }

        if (as4Path is not null && pathIndex >= 0)
        {
            var p = (AsPathAttribute)attrs[pathIndex];
            attrs[pathIndex] = new AsPathAttribute(AsPath.Reconstruct(p.Path, as4Path.Path)) { Flags = p.Flags };
        }
    }

    /// <summary>
    /// RFC 7606 §3(d): missing well-known mandatory attributes mean treat-as-withdraw. An attribute
    /// that was present but malformed has been reported already and is not "missing" too.
    /// </summary>
    private static void CheckMandatory(UpdateMessage msg, CodecContext ctx, ReadOnlySpan<ulong> seen, ref WireErrors? errors)
    {
        var reach = Seen(seen, AttrType.MpReachNlri) ? msg.MpReach : null;
        bool announces = !msg.Nlri.IsEmpty || (reach is not null && (!reach.Nlri.IsEmpty || !reach.RawNlri.IsEmpty));
        if (!announces) return;

        bool origin = Seen(seen, AttrType.Origin), asPath = Seen(seen, AttrType.AsPath);
        bool nextHop = Seen(seen, AttrType.NextHop), localPref = Seen(seen, AttrType.LocalPref);
        if (!origin) Missing(ref errors, AttrType.Origin);
        if (!asPath) Missing(ref errors, AttrType.AsPath);
        // RFC 4760 §3: NEXT_HOP is only needed for NLRI in the message body.
        if (!nextHop && !msg.Nlri.IsEmpty) Missing(ref errors, AttrType.NextHop);
        if (!localPref && ctx.PeerKind == PeerKind.Internal) Missing(ref errors, AttrType.LocalPref);

        static bool Seen(ReadOnlySpan<ulong> seen, AttrType t) => (seen[(int)t >> 6] & (1UL << ((int)t & 63))) != 0;

        static void Missing(ref WireErrors? errors, AttrType t) =>
            Add(ref errors, new WireError(ErrorAction.TreatAsWithdraw, NotificationCode.UpdateMessageError,
                (byte)UpdateErrorSubcode.MissingWellKnownAttribute, $"missing well-known attribute {t}",
                new EquatableArray<byte>([(byte)t]), t));
    }

    // --- Cold paths, out of line so the attribute loop stays small ------------------------------

    /// <summary>RFC 7606 §4: the attribute list cannot be walked further; withdraw what the message carried.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TruncatedHeader(ref WireErrors? errors, int offset) =>
        Add(ref errors, new WireError(ErrorAction.TreatAsWithdraw, NotificationCode.UpdateMessageError,
            (byte)UpdateErrorSubcode.MalformedAttributeList, $"truncated attribute header at offset {offset}"));

    /// <summary>
    /// An attribute overrunning the list: treat-as-withdraw (RFC 7606 §4), except MP_* whose hidden
    /// NLRI only a reset can clear (§3(j)-(k)). Returns true for a reset.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Overrun(ref WireErrors? errors, ReadOnlySpan<byte> rest, byte code, int len)
    {
        var action = code is (byte)AttrType.MpReachNlri or (byte)AttrType.MpUnreachNlri
            ? ErrorAction.SessionReset : ErrorAction.TreatAsWithdraw;
        Add(ref errors, new WireError(action, NotificationCode.UpdateMessageError,
            (byte)UpdateErrorSubcode.AttributeLengthError,
            $"{AttributeTable.NameOf(code)} length {len} overruns the attribute list",
            rest.ToArray(), (AttrType)code));
        return action == ErrorAction.SessionReset;
    }

    /// <summary>RFC 7606 §3(g): a repeated MP_* is a reset (returns true); any other repeat is dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Repeated(ref WireErrors? errors, byte code)
    {
        if (code is (byte)AttrType.MpReachNlri or (byte)AttrType.MpUnreachNlri)
        {
            Add(ref errors, new WireError(ErrorAction.SessionReset, NotificationCode.UpdateMessageError,
                (byte)UpdateErrorSubcode.MalformedAttributeList, $"{AttributeTable.NameOf(code)} appears more than once",
                default, (AttrType)code));
            return true;
        }
        Add(ref errors, new WireError(ErrorAction.AttributeDiscard, NotificationCode.UpdateMessageError,
            (byte)UpdateErrorSubcode.MalformedAttributeList, $"repeated {AttributeTable.NameOf(code)} discarded",
            default, (AttrType)code));
        return false;
    }

    /// <summary>RFC 4271 §6.3: an unrecognised well-known attribute; Data is the attribute.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnrecognizedWellKnown(ref WireErrors? errors, ReadOnlySpan<byte> whole, byte code) =>
        Add(ref errors, new WireError(ErrorAction.SessionReset, NotificationCode.UpdateMessageError,
            (byte)UpdateErrorSubcode.UnrecognizedWellKnownAttribute, $"unrecognised well-known attribute {code}",
            whole.ToArray(), (AttrType)code));

    /// <summary>
    /// RFC 7606 §3(c): conflicting Optional/Transitive bits make the attribute malformed. AFI/SAFI
    /// disable must name the family (RFC 4760 §7); without one to read, reset. Returns true for a reset.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool FlagsConflict(ref WireErrors? errors, AttrDescriptor desc, byte flags, ReadOnlySpan<byte> value, ReadOnlySpan<byte> whole)
    {
        var action = desc.OnMalformed;
        AfiSafi? family = null;
        if (action == ErrorAction.AfiSafiDisable)
        {
            if (value.Length >= 3) family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(value), (Safi)value[2]);
            else action = ErrorAction.SessionReset;
        }
        Malformed(ref errors, desc, action, $"flags 0x{flags:x2} conflict with the type's", whole, family, UpdateErrorSubcode.AttributeFlagsError);
        return action == ErrorAction.SessionReset;
    }

    /// <summary>A decoder found its value malformed: apply the table's (or the decoder's) reaction. Returns true for a reset.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DecodeFailed(ref WireErrors? errors, AttrDescriptor desc, ref AttrDecodeContext actx, ReadOnlySpan<byte> whole)
    {
        var action = actx.ActionOverride ?? desc.OnMalformed;
        Malformed(ref errors, desc, action, actx.Error ?? "malformed", whole, actx.Family, desc.Subcode);
        // Reset the slots for the next decoder.
        actx.Error = null;
        actx.ActionOverride = null;
        actx.Family = null;
        return action == ErrorAction.SessionReset;
    }

    private static void Malformed(ref WireErrors? errors, AttrDescriptor d, ErrorAction action, string reason,
        ReadOnlySpan<byte> whole, AfiSafi? family, UpdateErrorSubcode subcode)
    {
        string verb = action switch
        {
            ErrorAction.AttributeDiscard => "discarded",
            ErrorAction.TreatAsWithdraw => "routes withdrawn",
            ErrorAction.AfiSafiDisable => "family disabled",
            _ => "session reset",
        };
        Add(ref errors, new WireError(action, NotificationCode.UpdateMessageError, (byte)subcode,
            $"malformed {d.Name} ({reason}); {verb}", whole.ToArray(), d.Type, family));
    }

    private static UpdateMessage? Reset(ref WireErrors? errors, UpdateErrorSubcode sub, string reason)
    {
        Add(ref errors, new WireError(ErrorAction.SessionReset, NotificationCode.UpdateMessageError, (byte)sub, reason));
        return null;
    }

    private static void Add(ref WireErrors? errors, WireError e) => (errors ??= new WireErrors()).Add(e);
}
