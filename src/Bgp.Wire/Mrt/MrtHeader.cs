using System.Buffers.Binary;

namespace Bgp.Wire.Mrt;

/// <summary>
/// The MRT common header (RFC 6396 §2). For the _ET types a 4-octet microsecond timestamp follows
/// it and is counted in <see cref="Length"/> (RFC 6396 §3).
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |             Type              |            Subtype            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                             Length                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      Message... (variable)                    |
/// </code>
/// </summary>
public readonly record struct MrtHeader(uint Timestamp, MrtType Type, ushort Subtype, uint Length)
{
    public const int Size = 12;

    /// <summary>RFC 6396 §3: the type carries a microsecond timestamp as the first 4 octets of the message.</summary>
    public bool IsExtendedTimestamp => IsExtended(Type);

    public static bool IsExtended(MrtType type) => type is MrtType.Bgp4MpEt or MrtType.IsisEt or MrtType.OspfV3Et;

    public static bool TryRead(ReadOnlySpan<byte> src, out MrtHeader header)
    {
        if (src.Length < Size)
        {
            header = default;
            return false;
        }
        header = new MrtHeader(
            BinaryPrimitives.ReadUInt32BigEndian(src),
            (MrtType)BinaryPrimitives.ReadUInt16BigEndian(src[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(src[6..]),
            BinaryPrimitives.ReadUInt32BigEndian(src[8..]));
        return true;
    }

    public void WriteTo(Span<byte> dst)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dst, Timestamp);
        BinaryPrimitives.WriteUInt16BigEndian(dst[4..], (ushort)Type);
        BinaryPrimitives.WriteUInt16BigEndian(dst[6..], Subtype);
        BinaryPrimitives.WriteUInt32BigEndian(dst[8..], Length);
    }
}
