using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Fuzz;

/// <summary>
/// Seeded structure-aware mutations of BGP messages: bit flips, interesting bytes, truncation,
/// length lies in every length field, attribute swaps/duplicates/deletions, insertions, splices.
/// </summary>
public sealed class Mutator(int seed)
{
    private readonly Random _rng = new(seed);
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0E, 0x0F, 0x10, 0x20, 0x40, 0x7F, 0x80, 0x90, 0xC0, 0xD0, 0xFE, 0xFF];

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var m = (byte[])input.Clone();
        int rounds = 1 + _rng.Next(3);
        for (int r = 0; r < rounds; r++)
        {
            m = _rng.Next(9) switch
            {
                0 => FlipBits(m),
                1 => SetInteresting(m),
                2 => Truncate(m),
                3 or 4 => LieAboutLength(m),
                5 => ShuffleAttributes(m),
                6 => Insert(m),
                7 => Splice(m, corpus[_rng.Next(corpus.Count)]),
                _ => FlipBits(m),
            };
        }
        return m;
    }

    private byte[] FlipBits(byte[] m)
    {
        if (m.Length == 0) return m;
        int n = 1 + _rng.Next(8);
        for (int i = 0; i < n; i++) m[_rng.Next(m.Length)] ^= (byte)(1 << _rng.Next(8));
        return m;
    }

    private byte[] SetInteresting(byte[] m)
    {
        if (m.Length == 0) return m;
        m[_rng.Next(m.Length)] = Interesting[_rng.Next(Interesting.Length)];
        return m;
    }

    private byte[] Truncate(byte[] m)
    {
        if (m.Length == 0) return m;
        var t = m[.._rng.Next(m.Length)];
        if (t.Length >= 19 && _rng.Next(2) == 0) FixHeaderLength(t);
        return t;
    }

    private byte[] Insert(byte[] m)
    {
        int at = _rng.Next(m.Length + 1);
        var extra = new byte[1 + _rng.Next(8)];
        _rng.NextBytes(extra);
        var r = new byte[m.Length + extra.Length];
        m.AsSpan(0, at).CopyTo(r);
        extra.CopyTo(r.AsSpan(at));
        m.AsSpan(at).CopyTo(r.AsSpan(at + extra.Length));
        if (r.Length >= 19 && _rng.Next(2) == 0) FixHeaderLength(r);
        return r;
    }

    private byte[] Splice(byte[] a, byte[] b)
    {
        if (a.Length < 19 || b.Length < 19) return a;
        int cutA = 19 + _rng.Next(a.Length - 18);
        int cutB = 19 + _rng.Next(b.Length - 18);
        var r = a[..cutA].Concat(b[cutB..]).ToArray();
        FixHeaderLength(r);
        return r;
    }

    private static void FixHeaderLength(byte[] m) =>
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(16), (ushort)Math.Min(m.Length, ushort.MaxValue));

    /// <summary>Offsets of every length field an UPDATE has, with their width.</summary>
    private static List<(int Offset, int Width)> LengthFields(byte[] m)
    {
        var fields = new List<(int, int)>();
        if (m.Length < 19) return fields;
        fields.Add((16, 2));
        if (m[18] != 2 || m.Length < 23) return fields;
        int wd = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(19));
        fields.Add((19, 2));
        int ta = 21 + wd;
        if (ta + 2 > m.Length) return fields;
        fields.Add((ta, 2));
        int i = ta + 2, end = Math.Min(m.Length, i + BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(ta)));
        while (i + 3 <= end)
        {
            bool ext = (m[i] & 0x10) != 0;
            if (ext && i + 4 > end) break;
            fields.Add((i + 2, ext ? 2 : 1));
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(i + 2)) : m[i + 2];
            int v = i + (ext ? 4 : 3);
            if (m[i + 1] == 14 && v + 4 <= end) fields.Add((v + 3, 1)); // MP_REACH next-hop length
            if (m[i + 1] == 2 && v + 2 <= end) fields.Add((v + 1, 1));  // first AS_PATH segment count
            i = v + len;
        }
        return fields;
    }

    private byte[] LieAboutLength(byte[] m)
    {
        var fields = LengthFields(m);
        if (fields.Count == 0) return FlipBits(m);
        var (off, width) = fields[_rng.Next(fields.Count)];
        int old = width == 2 ? BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(off)) : m[off];
        int lie = _rng.Next(4) switch
        {
            0 => old + 1 + _rng.Next(8),
            1 => old - 1 - _rng.Next(8),
            2 => 0,
            _ => _rng.Next(width == 2 ? 65536 : 256),
        };
        if (width == 2) BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(off), (ushort)lie);
        else m[off] = (byte)lie;
        return m;
    }

    /// <summary>Swaps, duplicates or deletes whole attributes, keeping every length consistent.</summary>
    private byte[] ShuffleAttributes(byte[] m)
    {
        if (m.Length < 23 || m[18] != 2) return FlipBits(m);
        int wd = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(19));
        int ta = 21 + wd;
        if (ta + 2 > m.Length) return FlipBits(m);
        int start = ta + 2, total = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(ta));
        if (start + total > m.Length) return FlipBits(m);
        var attrs = new List<byte[]>();
        int i = start;
        while (i + 3 <= start + total)
        {
            int hdr = (m[i] & 0x10) != 0 ? 4 : 3;
            if (i + hdr > start + total) break;
            int len = hdr == 4 ? BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(i + 2)) : m[i + 2];
            if (i + hdr + len > start + total) break;
            attrs.Add(m[i..(i + hdr + len)]);
            i += hdr + len;
        }
        if (attrs.Count == 0) return FlipBits(m);
        switch (_rng.Next(3))
        {
            case 0 when attrs.Count > 1:
                int a = _rng.Next(attrs.Count), b = _rng.Next(attrs.Count);
                (attrs[a], attrs[b]) = (attrs[b], attrs[a]);
                break;
            case 1:
                attrs.Insert(_rng.Next(attrs.Count + 1), attrs[_rng.Next(attrs.Count)]);
                break;
            default:
                attrs.RemoveAt(_rng.Next(attrs.Count));
                break;
        }
        var body = attrs.SelectMany(x => x).ToArray();
        var r = m[..start].Concat(body).Concat(m[(start + total)..]).ToArray();
        if (body.Length > ushort.MaxValue) return m;
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(ta), (ushort)body.Length);
        FixHeaderLength(r);
        return r;
    }
}
