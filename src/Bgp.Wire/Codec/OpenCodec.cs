using System.Buffers.Binary;
using System.Text;

namespace Bgp.Wire;

/// <summary>
/// OPEN bodies (RFC 4271 §4.2) and their optional parameters, in the RFC 5492 form or the RFC 9072
/// extended form:
/// <code>
/// classic:  Opt Parm Len(1) | [ Type(1) Len(1) Value ]...
/// RFC 9072: 255 | 255 (Non-Ext OP Type) | Ext Opt Parm Len(2) | [ Type(1) Len(2) Value ]...
/// </code>
/// </summary>
public static class OpenCodec
{
    public static OpenMessage? Decode(ReadOnlySpan<byte> body, out WireErrors? errors)
    {
        errors = null;
        if (body.Length < 10) return Fail(ref errors, OpenErrorSubcode.Unspecific, "OPEN shorter than its fixed fields");
        byte version = body[0];
        ushort myAs = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        ushort hold = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        uint id = BinaryPrimitives.ReadUInt32BigEndian(body[5..]);
        int optLen = body[9];
        int pos = 10;
        bool extended = false;

        // RFC 9072 §2: Non-Ext OP Len 255 followed by Non-Ext OP Type 255 announces the extended form.
        if (optLen == 255 && body.Length > 10 && body[10] == 255)
        {
            if (body.Length < 13) return Fail(ref errors, OpenErrorSubcode.Unspecific, "truncated extended optional parameters length");
            optLen = BinaryPrimitives.ReadUInt16BigEndian(body[11..]);
            pos = 13;
            extended = true;
        }
        if (pos + optLen != body.Length)
            return Fail(ref errors, OpenErrorSubcode.Unspecific,
                $"optional parameters length {optLen} does not match the message ({body.Length - pos} octets follow)");

        var caps = new List<Capability>();
        var others = new List<OptionalParameter>();
        var p = body.Slice(pos, optLen);
        int hdr = extended ? 3 : 2;
        while (!p.IsEmpty)
        {
            if (p.Length < hdr) return Fail(ref errors, OpenErrorSubcode.Unspecific, "truncated optional parameter header");
            byte type = p[0];
            int len = extended ? BinaryPrimitives.ReadUInt16BigEndian(p[1..]) : p[1];
            if (hdr + len > p.Length) return Fail(ref errors, OpenErrorSubcode.Unspecific, $"optional parameter {type} overruns the list");
            var value = p.Slice(hdr, len);
            p = p[(hdr + len)..];
            if (type == (byte)OptionalParameterType.Capabilities)
            {
                if (!TryReadCapabilities(value, caps, out var err))
                    return Fail(ref errors, OpenErrorSubcode.Unspecific, err!);
            }
            else
            {
                others.Add(new OptionalParameter(type, value.ToArray()));
            }
        }
        return new OpenMessage(myAs, hold, id, caps.ToArray(), others.ToArray(), version) { UseExtendedParameters = extended };
    }

    private static OpenMessage? Fail(ref WireErrors? errors, OpenErrorSubcode sub, string reason)
    {
        (errors ??= new WireErrors()).Add(new WireError(ErrorAction.SessionReset, NotificationCode.OpenMessageError, (byte)sub, reason));
        return null;
    }

    /// <summary>Capability TLVs (RFC 5492 §4): Code(1) Length(1) Value.</summary>
    private static bool TryReadCapabilities(ReadOnlySpan<byte> v, List<Capability> caps, out string? error)
    {
        while (!v.IsEmpty)
        {
            if (v.Length < 2) { error = "truncated capability header"; return false; }
            byte code = v[0];
            int len = v[1];
            if (2 + len > v.Length) { error = $"capability {code} length {len} overruns the parameter"; return false; }
            var value = v.Slice(2, len);
            v = v[(2 + len)..];
            var cap = CapabilityCodec.Read(code, value, out error);
            if (cap is null) return false;
            caps.Add(cap);
        }
        error = null;
        return true;
    }

    /// <summary>Octets the body takes (without the 19-octet header).</summary>
    public static int EncodedLength(OpenMessage m)
    {
        int caps = CapabilitiesLength(m);
        bool ext = UsesExtended(m, caps, out int paramsLen);
        return 10 + (ext ? 3 : 0) + paramsLen;
    }

    private static int CapabilitiesLength(OpenMessage m)
    {
        int n = 0;
        foreach (var c in m.Capabilities) n += 2 + CapabilityCodec.ValueLength(c);
        return n;
    }

    private static bool UsesExtended(OpenMessage m, int capsLen, out int paramsLen)
    {
        bool ext = m.UseExtendedParameters || capsLen > 255;
        foreach (var o in m.OtherParameters) if (o.Value.Count > 255) ext = true;
        int hdr = ext ? 3 : 2;
        paramsLen = 0;
        // Each capability goes in its own parameter unless the extended form is in use, where one
        // parameter holds them all (RFC 9072 §2 lets one parameter exceed 255 octets).
        if (ext) paramsLen += m.Capabilities.IsEmpty ? 0 : hdr + capsLen;
        else foreach (var c in m.Capabilities) paramsLen += hdr + 2 + CapabilityCodec.ValueLength(c);
        foreach (var o in m.OtherParameters) paramsLen += hdr + o.Value.Count;
        if (!ext && paramsLen > 255) return UsesExtended(m with { UseExtendedParameters = true }, capsLen, out paramsLen);
        return ext;
    }

    public static int Write(Span<byte> dst, OpenMessage m)
    {
        int capsLen = CapabilitiesLength(m);
        bool ext = UsesExtended(m, capsLen, out int paramsLen);
        dst[0] = m.Version;
        BinaryPrimitives.WriteUInt16BigEndian(dst[1..], m.MyAs);
        BinaryPrimitives.WriteUInt16BigEndian(dst[3..], m.HoldTime);
        BinaryPrimitives.WriteUInt32BigEndian(dst[5..], m.BgpIdentifier);
        int i;
        if (ext)
        {
            dst[9] = 255;
            dst[10] = 255;
            BinaryPrimitives.WriteUInt16BigEndian(dst[11..], (ushort)paramsLen);
            i = 13;
            if (!m.Capabilities.IsEmpty)
            {
                dst[i] = (byte)OptionalParameterType.Capabilities;
                BinaryPrimitives.WriteUInt16BigEndian(dst[(i + 1)..], (ushort)capsLen);
                i += 3;
                foreach (var c in m.Capabilities) i += CapabilityCodec.Write(dst[i..], c);
            }
        }
        else
        {
            dst[9] = (byte)paramsLen;
            i = 10;
            foreach (var c in m.Capabilities)
            {
                int len = 2 + CapabilityCodec.ValueLength(c);
                dst[i] = (byte)OptionalParameterType.Capabilities;
                dst[i + 1] = (byte)len;
                i += 2;
                i += CapabilityCodec.Write(dst[i..], c);
            }
        }
        foreach (var o in m.OtherParameters)
        {
            dst[i++] = o.ParamType;
            if (ext) { BinaryPrimitives.WriteUInt16BigEndian(dst[i..], (ushort)o.Value.Count); i += 2; }
            else dst[i++] = (byte)o.Value.Count;
            o.Value.AsSpan().CopyTo(dst[i..]);
            i += o.Value.Count;
        }
        return i;
    }
}

/// <summary>Per-capability value encodings (RFC 5492 §4 and each capability's RFC).</summary>
public static class CapabilityCodec
{
    // Lenient: invalid octets in a peer's hostname or version string become U+FFFD rather than failing the OPEN.
    private static readonly UTF8Encoding LenientUtf8 = new(false, throwOnInvalidBytes: false);

    /// <summary>Reads one capability value. A known code with a malformed value is an error.</summary>
    public static Capability? Read(byte code, ReadOnlySpan<byte> v, out string? error)
    {
        error = null;
        switch ((CapabilityCode)code)
        {
            case CapabilityCode.Multiprotocol when v.Length == 4:
                return new MultiprotocolCapability(new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(v), (Safi)v[3]));
            case CapabilityCode.RouteRefresh when v.Length == 0:
                return RouteRefreshCapability.Instance;
            case CapabilityCode.ExtendedMessage when v.Length == 0:
                return ExtendedMessageCapability.Instance;
            case CapabilityCode.EnhancedRouteRefresh when v.Length == 0:
                return EnhancedRouteRefreshCapability.Instance;
            case CapabilityCode.BgpRole when v.Length == 1:
                return new BgpRoleCapability((BgpRole)v[0]);
            case CapabilityCode.FourOctetAs when v.Length == 4:
                return new FourOctetAsCapability(BinaryPrimitives.ReadUInt32BigEndian(v));
            case CapabilityCode.ExtendedNextHop when v.Length % 6 == 0:
            {
                var e = new ExtendedNextHopEntry[v.Length / 6];
                for (int i = 0; i < e.Length; i++)
                {
                    var s = v[(i * 6)..];
                    e[i] = new ExtendedNextHopEntry((Afi)BinaryPrimitives.ReadUInt16BigEndian(s),
                        BinaryPrimitives.ReadUInt16BigEndian(s[2..]), (Afi)BinaryPrimitives.ReadUInt16BigEndian(s[4..]));
                }
                return new ExtendedNextHopCapability(e);
            }
            case CapabilityCode.GracefulRestart when v.Length >= 2 && (v.Length - 2) % 4 == 0:
            {
                ushort w = BinaryPrimitives.ReadUInt16BigEndian(v);
                var f = new GracefulRestartFamily[(v.Length - 2) / 4];
                for (int i = 0; i < f.Length; i++)
                {
                    var s = v[(2 + i * 4)..];
                    f[i] = new GracefulRestartFamily(new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(s), (Safi)s[2]), (s[3] & 0x80) != 0);
                }
                return new GracefulRestartCapability((w & 0x8000) != 0, (w & 0x4000) != 0, (ushort)(w & 0x0FFF), f);
            }
            case CapabilityCode.AddPath when v.Length % 4 == 0:
            {
                var f = new AddPathFamily[v.Length / 4];
                for (int i = 0; i < f.Length; i++)
                {
                    var s = v[(i * 4)..];
                    f[i] = new AddPathFamily(new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(s), (Safi)s[2]), (AddPathMode)s[3]);
                }
                return new AddPathCapability(f);
            }
            case CapabilityCode.LongLivedGracefulRestart when v.Length % 7 == 0:
            {
                var f = new LlgrFamily[v.Length / 7];
                for (int i = 0; i < f.Length; i++)
                {
                    var s = v[(i * 7)..];
                    f[i] = new LlgrFamily(new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(s), (Safi)s[2]),
                        (s[3] & 0x80) != 0, ((uint)s[4] << 16) | ((uint)s[5] << 8) | s[6]);
                }
                return new LongLivedGracefulRestartCapability(f);
            }
            case CapabilityCode.Fqdn:
            {
                if (v.Length < 1 || 1 + v[0] + 1 > v.Length) break;
                int hl = v[0];
                int dl = v[1 + hl];
                if (2 + hl + dl != v.Length) break;
                return new FqdnCapability(LenientUtf8.GetString(v.Slice(1, hl)), LenientUtf8.GetString(v.Slice(2 + hl, dl)));
            }
            case CapabilityCode.SoftwareVersion:
            {
                if (v.Length < 1 || 1 + v[0] != v.Length) break;
                return new SoftwareVersionCapability(LenientUtf8.GetString(v.Slice(1, v[0])));
            }
            case CapabilityCode.Multiprotocol or CapabilityCode.RouteRefresh or CapabilityCode.ExtendedMessage
                or CapabilityCode.EnhancedRouteRefresh or CapabilityCode.BgpRole or CapabilityCode.FourOctetAs
                or CapabilityCode.ExtendedNextHop or CapabilityCode.GracefulRestart or CapabilityCode.AddPath
                or CapabilityCode.LongLivedGracefulRestart:
                break;
            default:
                return new UnknownCapability(code, v.ToArray());
        }
        error = $"malformed {(CapabilityCode)code} capability (length {v.Length})";
        return null;
    }

    public static int ValueLength(Capability c) => c switch
    {
        MultiprotocolCapability => 4,
        RouteRefreshCapability or ExtendedMessageCapability or EnhancedRouteRefreshCapability => 0,
        BgpRoleCapability => 1,
        FourOctetAsCapability => 4,
        ExtendedNextHopCapability e => e.Entries.Count * 6,
        GracefulRestartCapability g => 2 + g.Families.Count * 4,
        AddPathCapability a => a.Families.Count * 4,
        LongLivedGracefulRestartCapability l => l.Families.Count * 7,
        FqdnCapability f => 2 + Math.Min(255, Encoding.UTF8.GetByteCount(f.HostName)) + Math.Min(255, Encoding.UTF8.GetByteCount(f.DomainName)),
        SoftwareVersionCapability s => 1 + Math.Min(255, Encoding.UTF8.GetByteCount(s.Version)),
        UnknownCapability u => u.Value.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>Writes Code(1) Length(1) Value and returns the octets written.</summary>
    public static int Write(Span<byte> dst, Capability c)
    {
        int len = ValueLength(c);
        if (len > 255) throw new ArgumentException($"{c.Code} capability value is {len} octets; the limit is 255");
        dst[0] = c is UnknownCapability u0 ? u0.RawCode : (byte)c.Code;
        dst[1] = (byte)len;
        var v = dst[2..];
        switch (c)
        {
            case MultiprotocolCapability m:
                BinaryPrimitives.WriteUInt16BigEndian(v, (ushort)m.Family.Afi);
                v[2] = 0;
                v[3] = (byte)m.Family.Safi;
                break;
            case BgpRoleCapability r: v[0] = (byte)r.Role; break;
            case FourOctetAsCapability f: BinaryPrimitives.WriteUInt32BigEndian(v, f.Asn); break;
            case ExtendedNextHopCapability e:
                for (int i = 0; i < e.Entries.Count; i++)
                {
                    var s = v[(i * 6)..];
                    BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)e.Entries[i].NlriAfi);
                    BinaryPrimitives.WriteUInt16BigEndian(s[2..], e.Entries[i].NlriSafi);
                    BinaryPrimitives.WriteUInt16BigEndian(s[4..], (ushort)e.Entries[i].NextHopAfi);
                }
                break;
            case GracefulRestartCapability g:
                BinaryPrimitives.WriteUInt16BigEndian(v,
                    (ushort)((g.RestartState ? 0x8000 : 0) | (g.NotificationSupport ? 0x4000 : 0) | (g.RestartTime & 0x0FFF)));
                for (int i = 0; i < g.Families.Count; i++)
                {
                    var s = v[(2 + i * 4)..];
                    BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)g.Families[i].Family.Afi);
                    s[2] = (byte)g.Families[i].Family.Safi;
                    s[3] = g.Families[i].ForwardingPreserved ? (byte)0x80 : (byte)0;
                }
                break;
            case AddPathCapability a:
                for (int i = 0; i < a.Families.Count; i++)
                {
                    var s = v[(i * 4)..];
                    BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)a.Families[i].Family.Afi);
                    s[2] = (byte)a.Families[i].Family.Safi;
                    s[3] = (byte)a.Families[i].Mode;
                }
                break;
            case LongLivedGracefulRestartCapability l:
                for (int i = 0; i < l.Families.Count; i++)
                {
                    var s = v[(i * 7)..];
                    var f = l.Families[i];
                    BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)f.Family.Afi);
                    s[2] = (byte)f.Family.Safi;
                    s[3] = f.ForwardingPreserved ? (byte)0x80 : (byte)0;
                    s[4] = (byte)(f.StaleTime >> 16);
                    s[5] = (byte)(f.StaleTime >> 8);
                    s[6] = (byte)f.StaleTime;
                }
                break;
            case FqdnCapability f:
            {
                int n = WriteShortString(v, f.HostName);
                WriteShortString(v[n..], f.DomainName);
                break;
            }
            case SoftwareVersionCapability s: WriteShortString(v, s.Version); break;
            case UnknownCapability u: u.Value.AsSpan().CopyTo(v); break;
        }
        return 2 + len;
    }

    /// <summary>A length octet then at most 255 octets of UTF-8 (cut on a code point boundary).</summary>
    private static int WriteShortString(Span<byte> dst, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        int len = Math.Min(bytes.Length, 255);
        dst[0] = (byte)len;
        bytes.AsSpan(0, len).CopyTo(dst[1..]);
        return 1 + len;
    }
}
