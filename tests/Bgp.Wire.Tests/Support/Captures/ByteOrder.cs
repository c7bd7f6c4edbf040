using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>Reads integers in a file's byte order. Callers check bounds first; these never look past the span they get.</summary>
internal readonly record struct ByteOrder(bool BigEndian)
{
    public static readonly ByteOrder Little = new(false);
    public static readonly ByteOrder Big = new(true);

    public ushort U16(ReadOnlySpan<byte> s) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    public uint U32(ReadOnlySpan<byte> s) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    public ulong U64(ReadOnlySpan<byte> s) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
}
