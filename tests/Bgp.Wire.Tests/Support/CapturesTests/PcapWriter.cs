using System.Buffers.Binary;
using Bgp.Wire.Tests.Support.Captures;

namespace Bgp.Wire.Tests.Support.CapturesTests;

/// <summary>Writes synthetic classic pcap and pcapng files for the reader's tests.</summary>
internal static class PcapWriter
{
    public static readonly DateTimeOffset Start = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    /// <summary>Frame <c>i</c> is stamped <see cref="Start"/> + i ms + 123 µs.</summary>
    public static DateTimeOffset TimeOf(int index) => Start.AddMilliseconds(index).AddTicks(1230);

    public static byte[] Classic(LinkType linkType, IReadOnlyList<byte[]> frames, bool bigEndian = false, bool nanoseconds = false)
    {
        using var s = new MemoryStream();
        var w = new Writer(s, bigEndian);
        w.U32(nanoseconds ? 0xA1B23C4Du : 0xA1B2C3D4u);
        w.U16(2); w.U16(4); w.U32(0); w.U32(0); w.U32(65535); w.U32((uint)linkType);
        for (int i = 0; i < frames.Count; i++)
        {
            var t = TimeOf(i);
            long ticks = t.Ticks - DateTimeOffset.UnixEpoch.Ticks;
            w.U32((uint)(ticks / TimeSpan.TicksPerSecond));
            long fraction = ticks % TimeSpan.TicksPerSecond;
            w.U32((uint)(nanoseconds ? fraction * 100 : fraction / 10));
            w.U32((uint)frames[i].Length); w.U32((uint)frames[i].Length);
            s.Write(frames[i]);
        }
        return s.ToArray();
    }

    /// <summary>
    /// One section, one interface (nanosecond resolution when <paramref name="tsresolNanos"/>), the frames as EPBs
    /// (or SPBs), with a statistics-like block of unknown type before the first packet.
    /// </summary>
    public static byte[] Pcapng(LinkType linkType, IReadOnlyList<byte[]> frames, bool bigEndian = false, bool simple = false, bool tsresolNanos = false)
    {
        using var s = new MemoryStream();
        var w = new Writer(s, bigEndian);
        Section(w);
        var options = tsresolNanos ? Option(w.Order, 9, [9]) : [];
        Block(w, 1, [.. Pack(w.Order, (ushort)linkType, (ushort)0, 0u), .. options, .. EndOfOptions]);
        Block(w, 0x0BAD, [1, 2, 3, 4]); // a block type this reader does not know: skipped
        for (int i = 0; i < frames.Count; i++)
        {
            var data = Padded(frames[i]);
            if (simple)
            {
                Block(w, 3, [.. Pack(w.Order, (uint)frames[i].Length), .. data]);
                continue;
            }
            long ticks = TimeOf(i).Ticks - DateTimeOffset.UnixEpoch.Ticks;
            ulong units = tsresolNanos ? (ulong)ticks * 100 : (ulong)ticks / 10;
            Block(w, 6, [.. Pack(w.Order, 0u, (uint)(units >> 32), (uint)units, (uint)frames[i].Length, (uint)frames[i].Length), .. data]);
        }
        return s.ToArray();
    }

    private static void Section(Writer w) =>
        Block(w, 0x0A0D0D0A, [.. Pack(w.Order, 0x1A2B3C4Du, (ushort)1, (ushort)0, uint.MaxValue, uint.MaxValue)]);

    private static void Block(Writer w, uint type, byte[] body)
    {
        w.U32(type);
        w.U32((uint)(12 + body.Length));
        w.Stream.Write(body);
        w.U32((uint)(12 + body.Length));
    }

    private static byte[] Option(ByteOrder order, ushort code, byte[] value) =>
        [.. Pack(order, code, (ushort)value.Length), .. Padded(value)];

    private static byte[] EndOfOptions => [0, 0, 0, 0];

    private static byte[] Padded(byte[] data) => [.. data, .. new byte[(4 - data.Length % 4) % 4]];

    private static byte[] Pack(ByteOrder order, params object[] values)
    {
        using var s = new MemoryStream();
        var w = new Writer(s, order.BigEndian);
        foreach (var v in values)
        {
            if (v is ushort u16) w.U16(u16);
            else w.U32((uint)v);
        }
        return s.ToArray();
    }

    private sealed class Writer(Stream stream, bool bigEndian)
    {
        public Stream Stream { get; } = stream;
        public ByteOrder Order { get; } = new(bigEndian);

        public void U16(ushort v)
        {
            Span<byte> b = stackalloc byte[2];
            if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
            Stream.Write(b);
        }

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            Stream.Write(b);
        }
    }
}
