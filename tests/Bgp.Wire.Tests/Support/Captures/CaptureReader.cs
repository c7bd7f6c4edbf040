using System.Buffers.Binary;

namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// Reads the packet records of a classic libpcap or a pcapng file held in memory. The format is told by the first four
/// bytes; anything else is the one case that throws. Past that, a damaged file ends the read with a warning.
/// </summary>
public static partial class CaptureReader
{
    private const uint PcapMicros = 0xA1B2C3D4;      // classic, microsecond timestamps
    private const uint PcapNanos = 0xA1B23C4D;       // classic, nanosecond timestamps
    private const uint PcapModified = 0xA1B2CD34;    // Kuznetzov's patched libpcap: 8 more bytes per record header
    private const uint PcapngSectionHeader = 0x0A0D0D0A;
    private const int ClassicFileHeaderLength = 24;

    /// <summary>True when <paramref name="file"/> starts like a classic pcap or a pcapng file.</summary>
    public static bool IsCapture(ReadOnlySpan<byte> file)
    {
        if (file.Length < 4) return false;
        uint le = BinaryPrimitives.ReadUInt32LittleEndian(file), be = BinaryPrimitives.ReadUInt32BigEndian(file);
        return le == PcapngSectionHeader || IsClassicMagic(le) || IsClassicMagic(be);
    }

    /// <summary>The packet records of <paramref name="file"/>, in file order.</summary>
    /// <exception cref="InvalidDataException">The file is neither classic pcap nor pcapng.</exception>
    public static CaptureResult<CapturedFrame> Read(string name, ReadOnlyMemory<byte> file)
    {
        var diagnostics = new CaptureDiagnostics(name);
        var frames = Read(file, diagnostics).ToList();
        return new CaptureResult<CapturedFrame>(name, frames, diagnostics.Complete());
    }

    internal static IEnumerable<CapturedFrame> Read(ReadOnlyMemory<byte> file, CaptureDiagnostics diagnostics)
    {
        if (!IsCapture(file.Span))
            throw new InvalidDataException($"{diagnostics.File} is not a pcap or pcapng file (magic {Convert.ToHexString(file.Span[..Math.Min(4, file.Length)])}).");
        return BinaryPrimitives.ReadUInt32LittleEndian(file.Span) == PcapngSectionHeader
            ? ReadPcapng(file, diagnostics)
            : ReadClassic(file, diagnostics);
    }

    private static bool IsClassicMagic(uint magic) => magic is PcapMicros or PcapNanos or PcapModified;

    /// <summary>
    /// Classic libpcap: a 24-byte file header, then records.
    /// <code>
    /// file header: magic(4) version major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
    /// record:      ts_sec(4) ts_usec-or-nsec(4) incl_len(4) orig_len(4) [modified: ifindex(4) proto(2) type(1) pad(1)] data(incl_len)
    /// </code>
    /// </summary>
    private static IEnumerable<CapturedFrame> ReadClassic(ReadOnlyMemory<byte> file, CaptureDiagnostics diagnostics)
    {
        if (file.Length < ClassicFileHeaderLength)
        {
            diagnostics.Warn(0, $"file header truncated: {file.Length} of {ClassicFileHeaderLength} bytes");
            yield break;
        }
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file.Span);
        var order = IsClassicMagic(magic) ? ByteOrder.Little : ByteOrder.Big;
        if (order.BigEndian) magic = BinaryPrimitives.ReadUInt32BigEndian(file.Span);
        ulong fractionsPerSecond = magic == PcapNanos ? 1_000_000_000UL : 1_000_000UL;
        int recordHeaderLength = magic == PcapModified ? 24 : 16;
        // The link type is the low 16 bits; the upper bits carry FCS information (draft-ietf-opsawg-pcap §4).
        var linkType = (LinkType)(order.U32(file.Span[20..]) & 0xFFFF);

        int offset = ClassicFileHeaderLength, number = 0;
        while (offset < file.Length)
        {
            number++;
            if (file.Length - offset < recordHeaderLength)
            {
                diagnostics.Warn(number, $"record header truncated at file offset {offset}");
                yield break;
            }
            var header = file.Span.Slice(offset, recordHeaderLength);
            uint seconds = order.U32(header), fraction = order.U32(header[4..]);
            uint capturedLength = order.U32(header[8..]), originalLength = order.U32(header[12..]);
            offset += recordHeaderLength;
            if (capturedLength > file.Length - offset)
            {
                diagnostics.Warn(number, $"record claims {capturedLength} bytes, {file.Length - offset} remain in the file");
                yield break;
            }
            var time = CaptureTime.FromSeconds(seconds, fraction, fractionsPerSecond);
            yield return new CapturedFrame(number, time, linkType, file.Slice(offset, (int)capturedLength), originalLength);
            offset += (int)capturedLength;
        }
    }
}
