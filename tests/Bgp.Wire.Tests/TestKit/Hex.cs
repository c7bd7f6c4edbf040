namespace Bgp.Wire.Tests.TestKit;

/// <summary>Hex helpers for wire vectors: whitespace, colons and a "0x" prefix are ignored.</summary>
public static class Hex
{
    public static byte[] Bytes(string hex)
    {
        var clean = new string(hex.Where(Uri.IsHexDigit).ToArray());
        return Convert.FromHexString(clean);
    }

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>A buffer pre-filled with 0xAA (not 0xFF, the BGP marker) so stale bytes show up.</summary>
    public static byte[] Dirty(int length)
    {
        var b = new byte[length];
        Array.Fill(b, (byte)0xAA);
        return b;
    }
}
