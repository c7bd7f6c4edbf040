namespace Bgp.Wire.Tests.TestKit;

/// <summary>Builds raw UPDATE messages attribute by attribute, for malformation tests.</summary>
public static class Build
{
    public static byte[] Attr(byte flags, byte type, params byte[] value)
    {
        bool ext = (flags & 0x10) != 0;
        var h = ext ? new byte[] { flags, type, (byte)(value.Length >> 8), (byte)value.Length } : [flags, type, (byte)value.Length];
        return [.. h, .. value];
    }

    public static readonly byte[] OriginIgp = Attr(0x40, 1, 0);
    public static readonly byte[] AsPath65001 = Attr(0x40, 2, 2, 1, 0, 0, 0xFD, 0xE9);
    public static readonly byte[] NextHop1 = Attr(0x40, 3, 192, 0, 2, 1);

    public static byte[] Update(byte[] withdrawn, byte[] attrs, byte[] nlri)
    {
        int len = 19 + 2 + withdrawn.Length + 2 + attrs.Length + nlri.Length;
        var m = new List<byte>(len);
        m.AddRange(Enumerable.Repeat((byte)0xFF, 16));
        m.Add((byte)(len >> 8)); m.Add((byte)len); m.Add(2);
        m.Add((byte)(withdrawn.Length >> 8)); m.Add((byte)withdrawn.Length);
        m.AddRange(withdrawn);
        m.Add((byte)(attrs.Length >> 8)); m.Add((byte)attrs.Length);
        m.AddRange(attrs);
        m.AddRange(nlri);
        return m.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>10.0.0.0/8 and 192.0.2.0/24 in NLRI encoding.</summary>
    public static readonly byte[] TwoPrefixes = [8, 10, 24, 192, 0, 2];
}
