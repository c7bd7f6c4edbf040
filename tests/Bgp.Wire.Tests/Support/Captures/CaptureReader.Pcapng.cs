namespace Bgp.Wire.Tests.Support.Captures;

public static partial class CaptureReader
{
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const uint InterfaceDescriptionBlock = 1;
    private const uint ObsoletePacketBlock = 2;
    private const uint SimplePacketBlock = 3;
    private const uint EnhancedPacketBlock = 6;
    private const ushort OptionEnd = 0;
    private const ushort OptionTsResol = 9;   // if_tsresol
    private const ushort OptionTsOffset = 14; // if_tsoffset

    /// <summary>An interface of the current pcapng section: its link type and how to read its timestamps.</summary>
    private readonly record struct Interface(LinkType LinkType, ulong UnitsPerSecond, long OffsetSeconds);

    /// <summary>
    /// pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks; each Section Header Block sets the byte order and
    /// clears the interface list. Blocks of other types (statistics, name resolution, custom ...) are skipped.
    /// <code>
    /// block:  type(4) total length(4) body(...) total length(4)
    /// SHB:    byte-order magic 0x1A2B3C4D(4) major(2) minor(2) section length(8) options
    /// IDB:    link type(2) reserved(2) snaplen(4) options
    /// EPB:    interface(4) ts high(4) ts low(4) captured length(4) original length(4) data, padded to 4, options
    /// SPB:    original length(4) data              (interface 0, no timestamp)
    /// OPB:    interface(2) drops(2) ts high(4) ts low(4) captured length(4) original length(4) data options
    /// </code>
    /// </summary>
    private static IEnumerable<CapturedFrame> ReadPcapng(ReadOnlyMemory<byte> file, CaptureDiagnostics diagnostics)
    {
        var order = ByteOrder.Little;
        var interfaces = new List<Interface>();
        int offset = 0, number = 0;
        while (offset < file.Length)
        {
            if (!TryReadBlock(file.Span, offset, ref order, interfaces, diagnostics, out uint type, out int length))
                yield break;
            if (type is EnhancedPacketBlock or SimplePacketBlock or ObsoletePacketBlock)
            {
                number++;
                if (TryReadPacket(file, offset, length, type, order, interfaces, number, diagnostics, out var frame))
                    yield return frame;
            }
            offset += length;
        }
    }

    /// <summary>Checks a block's framing and handles the section and interface blocks; false ends the read.</summary>
    private static bool TryReadBlock(ReadOnlySpan<byte> file, int offset, ref ByteOrder order, List<Interface> interfaces,
        CaptureDiagnostics diagnostics, out uint type, out int length)
    {
        type = 0;
        length = 0;
        if (file.Length - offset < 12)
        {
            diagnostics.Warn(0, $"block header truncated at file offset {offset}");
            return false;
        }
        var head = file[offset..];
        bool isSection = ByteOrder.Little.U32(head) == PcapngSectionHeader;
        if (isSection)
        {
            // The byte-order magic decides how this section, including its own length field, is read.
            if (head.Length < 28) { diagnostics.Warn(0, $"section header truncated at file offset {offset}"); return false; }
            if (ByteOrder.Little.U32(head[8..]) == ByteOrderMagic) order = ByteOrder.Little;
            else if (ByteOrder.Big.U32(head[8..]) == ByteOrderMagic) order = ByteOrder.Big;
            else { diagnostics.Warn(0, $"section header at file offset {offset} has no byte-order magic"); return false; }
            interfaces.Clear();
        }
        type = order.U32(head);
        uint declared = order.U32(head[4..]);
        if (declared < 12 || declared % 4 != 0 || declared > head.Length)
        {
            diagnostics.Warn(0, $"block of type {type} at file offset {offset} has length {declared} ({head.Length} bytes remain)");
            return false;
        }
        length = (int)declared;
        if (order.U32(head[(length - 4)..]) != declared)
            diagnostics.Warn(0, $"block of type {type} at file offset {offset}: trailing length differs from {declared}");
        if (type == InterfaceDescriptionBlock) interfaces.Add(ReadInterface(head[8..(length - 4)], order, interfaces.Count, diagnostics));
        return true;
    }

    private static Interface ReadInterface(ReadOnlySpan<byte> body, ByteOrder order, int index, CaptureDiagnostics diagnostics)
    {
        if (body.Length < 8)
        {
            diagnostics.Warn(0, $"interface {index}: description truncated");
            return new Interface((LinkType)ushort.MaxValue, 1_000_000, 0);
        }
        var linkType = (LinkType)order.U16(body);
        ulong unitsPerSecond = 1_000_000; // default resolution: microseconds
        long offsetSeconds = 0;
        var options = body[8..];
        while (options.Length >= 4)
        {
            ushort code = order.U16(options), length = order.U16(options[2..]);
            if (code == OptionEnd || length > options.Length - 4) break;
            var value = options.Slice(4, length);
            if (code == OptionTsResol && length >= 1) unitsPerSecond = Resolution(value[0], index, diagnostics);
            else if (code == OptionTsOffset && length >= 8) offsetSeconds = (long)order.U64(value);
            options = options[Math.Min(options.Length, 4 + ((length + 3) & ~3))..];
        }
        return new Interface(linkType, unitsPerSecond, offsetSeconds);
    }

    /// <summary>if_tsresol: the high bit chooses a power of two, otherwise a power of ten, of units per second.</summary>
    private static ulong Resolution(byte value, int index, CaptureDiagnostics diagnostics)
    {
        int exponent = value & 0x7F;
        bool binary = (value & 0x80) != 0;
        int max = binary ? 63 : 19; // what fits in a ulong
        if (exponent > max)
        {
            diagnostics.Warn(0, $"interface {index}: timestamp resolution {value:X2} is out of range, clamped");
            exponent = max;
        }
        ulong units = 1;
        for (int i = 0; i < exponent; i++) units *= binary ? 2UL : 10UL;
        return units;
    }

    private static bool TryReadPacket(ReadOnlyMemory<byte> file, int offset, int length, uint type, ByteOrder order,
        List<Interface> interfaces, int number, CaptureDiagnostics diagnostics, out CapturedFrame frame)
    {
        frame = default;
        var body = file.Slice(offset + 8, length - 12);
        var span = body.Span;
        int interfaceId, dataOffset;
        uint capturedLength, originalLength;
        ulong timestamp = 0;
        switch (type)
        {
            case SimplePacketBlock when span.Length >= 4:
                interfaceId = 0;
                dataOffset = 4;
                originalLength = order.U32(span);
                capturedLength = Math.Min(originalLength, (uint)(span.Length - 4));
                break;
            case EnhancedPacketBlock when span.Length >= 20:
            case ObsoletePacketBlock when span.Length >= 20:
                interfaceId = type == EnhancedPacketBlock ? (int)Math.Min(order.U32(span), int.MaxValue) : order.U16(span);
                timestamp = ((ulong)order.U32(span[4..]) << 32) | order.U32(span[8..]);
                capturedLength = order.U32(span[12..]);
                originalLength = order.U32(span[16..]);
                dataOffset = 20;
                break;
            default:
                diagnostics.Warn(number, $"packet block of type {type} is too short ({span.Length} bytes)");
                return false;
        }
        if (interfaceId >= interfaces.Count)
        {
            diagnostics.Warn(number, $"packet names interface {interfaceId}, but the section describes {interfaces.Count}");
            return false;
        }
        if (capturedLength > span.Length - dataOffset)
        {
            diagnostics.Warn(number, $"captured length {capturedLength} exceeds the block ({span.Length - dataOffset} bytes); clipped");
            capturedLength = (uint)(span.Length - dataOffset);
        }
        var nic = interfaces[interfaceId];
        var time = type == SimplePacketBlock
            ? DateTimeOffset.UnixEpoch
            : CaptureTime.Shift(CaptureTime.FromUnits(timestamp, nic.UnitsPerSecond), nic.OffsetSeconds);
        frame = new CapturedFrame(number, time, nic.LinkType, body.Slice(dataOffset, (int)capturedLength), originalLength);
        return true;
    }
}
