using System.Buffers.Binary;
using System.Text;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// Names what in a well-formed message the codec cannot reproduce octet for octet, because the
/// decoded form does not record it. Each reason is an encoding choice the RFCs leave open (or a
/// must-be-zero field a sender filled), never a semantic difference. A message with no reason must
/// re-encode to exactly its own bytes.
/// </summary>
public static partial class NonCanonical
{
    public const string HostBits = "host bits set past a prefix length (cleared on decode)";
    public const string MpReserved = "MP_REACH_NLRI Reserved octet not zero (RFC 4760 §3: must be 0)";
    public const string LowFlagBits = "unused low attribute flag bits set (RFC 4271 §4.3: must be 0)";
    public const string As4Attributes = "AS4_PATH/AS4_AGGREGATOR on a 2-octet session (folded on decode, re-derived on encode, RFC 6793 §4.2)";
    public const string CapabilityPacking = "capabilities packed several to an optional parameter (RFC 5492 allows either; we send one per parameter)";
    public const string ParameterOrder = "a non-capability optional parameter before the capabilities";
    public const string CapabilityReservedBits = "reserved bits set in a capability value";
    public const string CapabilityText = "capability text not valid UTF-8";

    public static List<string> Reasons(byte[] m, CodecContext ctx) => (MessageType)m[18] switch
    {
        MessageType.Update => UpdateReasons(m, ctx),
        MessageType.Open => OpenReasons(m),
        _ => [],
    };

    private static List<string> UpdateReasons(byte[] m, CodecContext ctx)
    {
        var reasons = new HashSet<string>();
        var layout = WireWalk.Layout(m);
        bool v4AddPath = ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast);
        if (WireWalk.HasHostBits(m.AsSpan(layout.Withdrawn.Offset, layout.Withdrawn.Length), v4AddPath)
            || WireWalk.HasHostBits(m.AsSpan(layout.Nlri.Offset, layout.Nlri.Length), v4AddPath))
            reasons.Add(HostBits);
        foreach (var a in WireWalk.Attributes(m))
        {
            bool typed = AttributeTable.ByCode[a.Code] is not null;
            if (typed && (a.Flags & 0x0F) != 0) reasons.Add(LowFlagBits);
            if (!ctx.FourOctetAs && a.Code is (byte)AttrType.As4Path or (byte)AttrType.As4Aggregator) reasons.Add(As4Attributes);
        }
        if (WireWalk.MpReach(m) is { } r)
        {
            if (r.Reserved != 0) reasons.Add(MpReserved);
            if (r.Family.IsPrefixFamily && WireWalk.HasHostBits(r.Nlri, ctx.ReceiveAddPath.Contains(r.Family))) reasons.Add(HostBits);
        }
        if (WireWalk.MpUnreach(m) is { } u && u.Family.IsPrefixFamily
            && WireWalk.HasHostBits(u.Withdrawn, ctx.ReceiveAddPath.Contains(u.Family)))
            reasons.Add(HostBits);
        return [.. reasons];
    }

    /// <summary>
    /// OPEN (RFC 4271 §4.2, RFC 9072): Opt Parm Len at octet 28 of the message, parameters from 29;
    /// in the extended form 255, 255, a 2-octet length, and 3-octet parameter headers.
    /// </summary>
    private static List<string> OpenReasons(byte[] m)
    {
        var reasons = new HashSet<string>();
        var body = m.AsSpan(19);
        bool ext = body[9] == 255 && body.Length > 10 && body[10] == 255;
        var p = ext ? body.Slice(13, BinaryPrimitives.ReadUInt16BigEndian(body[11..])) : body.Slice(10, body[9]);
        int hdr = ext ? 3 : 2;
        int capParams = 0;
        bool otherSeen = false;
        while (p.Length >= hdr)
        {
            byte type = p[0];
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(p[1..]) : p[1];
            var value = p.Slice(hdr, len);
            p = p[(hdr + len)..];
            if (type != (byte)OptionalParameterType.Capabilities) { otherSeen = true; continue; }
            if (otherSeen) reasons.Add(ParameterOrder);
            capParams++;
            int count = 0;
            for (var c = value; c.Length >= 2; c = c[(2 + c[1])..])
            {
                count++;
                CapabilityReasons((CapabilityCode)c[0], c.Slice(2, c[1]), reasons);
            }
            if (!ext && count != 1) reasons.Add(CapabilityPacking);
        }
        if (ext && capParams > 1) reasons.Add(CapabilityPacking);
        return [.. reasons];
    }

    private static void CapabilityReasons(CapabilityCode code, ReadOnlySpan<byte> v, HashSet<string> reasons)
    {
        switch (code)
        {
            case CapabilityCode.Multiprotocol when v.Length == 4 && v[2] != 0: // RFC 4760 §8: Reserved
                reasons.Add(CapabilityReservedBits);
                break;
            case CapabilityCode.GracefulRestart when v.Length >= 2:
                if ((v[0] & 0x30) != 0) reasons.Add(CapabilityReservedBits); // RFC 4724 §3 / RFC 8538: R, N, 2 reserved
                for (int i = 2; i + 4 <= v.Length; i += 4)
                    if ((v[i + 3] & 0x7F) != 0) reasons.Add(CapabilityReservedBits); // per-family flags: F only
                break;
            case CapabilityCode.LongLivedGracefulRestart:
                for (int i = 0; i + 7 <= v.Length; i += 7)
                    if ((v[i + 3] & 0x7F) != 0) reasons.Add(CapabilityReservedBits); // RFC 9494 §3: F only
                break;
            case CapabilityCode.Fqdn or CapabilityCode.SoftwareVersion:
                if (!ValidUtf8Strings(v)) reasons.Add(CapabilityText);
                break;
        }
    }

    /// <summary>Length-prefixed strings (FQDN: two, software version: one), each valid UTF-8.</summary>
    private static bool ValidUtf8Strings(ReadOnlySpan<byte> v)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        while (!v.IsEmpty)
        {
            int n = v[0];
            if (1 + n > v.Length) return true; // malformed: the codec rejects it, so nothing to re-encode
            try { strict.GetString(v.Slice(1, n)); }
            catch (DecoderFallbackException) { return false; }
            v = v[(1 + n)..];
        }
        return true;
    }
}
