using System.Buffers;
using Bgp.Wire;

namespace Bgp.Cli.Mrt;

/// <summary>
/// A reusable char buffer for building output lines without allocating per line. Addresses are
/// formatted the way C's inet_ntoa/inet_ntop print them, which is what bgpdump's output shows.
/// </summary>
internal sealed class LineBuilder
{
    private char[] _chars = new char[1024];
    private int _length;

    public int Length => _length;
    public ReadOnlySpan<char> Span => _chars.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Drops everything after <paramref name="length"/> (to reuse a common line head).</summary>
    public void Truncate(int length) => _length = length;

    public LineBuilder Append(char c)
    {
        Ensure(1);
        _chars[_length++] = c;
        return this;
    }

    public LineBuilder Append(string s) => Append(s.AsSpan());

    public LineBuilder Append(ReadOnlySpan<char> s)
    {
        Ensure(s.Length);
        s.CopyTo(_chars.AsSpan(_length));
        _length += s.Length;
        return this;
    }

    public LineBuilder Append(uint value)
    {
        Ensure(10);
        value.TryFormat(_chars.AsSpan(_length), out int n);
        _length += n;
        return this;
    }

    /// <summary>Zero-padded to six digits, as microseconds print.</summary>
    public LineBuilder AppendSixDigits(uint value)
    {
        Ensure(10);
        value.TryFormat(_chars.AsSpan(_length), out int n, "D6");
        _length += n;
        return this;
    }

    public LineBuilder Append(IpAddr a)
    {
        Ensure(46);
        if (a.IsV4) AppendV4(a.V4Value);
        else AppendV6(a.High, a.Low);
        return this;
    }

    public LineBuilder Append(Prefix p)
    {
        Append(p.Address);
        Append('/');
        return Append((uint)p.Length);
    }

    private void AppendV4(uint v)
    {
        Append(v >> 24).Append('.').Append((v >> 16) & 0xFF).Append('.').Append((v >> 8) & 0xFF).Append('.').Append(v & 0xFF);
    }

    /// <summary>
    /// RFC 4291 §2.2 text form as bgpdump prints it: lower-case hex without leading zeros; the
    /// longest run of zero groups (the first one on a tie), even a single group, becomes "::"
    /// (unlike RFC 5952 §4.2.2). An address with 96 leading zero bits other than :: and ::1 ends
    /// in dotted quad, and so does an IPv4-mapped one (::ffff:0:0/96).
    /// </summary>
    private void AppendV6(ulong high, ulong low)
    {
        if (high == 0 && (low >> 32) is 0 or 0xFFFF && low > 1)
        {
            Append((low >> 32) == 0 ? "::" : "::ffff:");
            AppendV4((uint)low);
            return;
        }
        Span<ushort> w = stackalloc ushort[8];
        for (int i = 0; i < 4; i++)
        {
            w[i] = (ushort)(high >> (48 - 16 * i));
            w[4 + i] = (ushort)(low >> (48 - 16 * i));
        }
        int bestBase = -1, bestLen = 0;
        for (int i = 0; i < 8;)
        {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen) { bestBase = i; bestLen = j - i; }
            i = j;
        }
        for (int i = 0; i < 8; i++)
        {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen)
            {
                if (i == bestBase) Append(':');
                continue;
            }
            if (i != 0) Append(':');
            Ensure(4);
            w[i].TryFormat(_chars.AsSpan(_length), out int n, "x");
            _length += n;
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) Append(':');
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _chars.Length) return;
        Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + extra));
    }
}
