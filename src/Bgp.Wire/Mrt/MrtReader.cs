namespace Bgp.Wire.Mrt;

/// <summary>
/// Reads MRT records (RFC 6396) one at a time from a stream; nothing async. Malformed input never
/// throws: a record whose body does not parse comes back as a <see cref="MalformedMrtRecord"/> and
/// reading goes on at the next record, since the header's length still frames it. A truncated
/// header or body, or a length beyond <see cref="MaxRecordLength"/>, leaves no next record to find:
/// reading stops after a fatal <see cref="MalformedMrtRecord"/>. I/O errors from the stream itself
/// (a failing disk, a corrupt compressed stream) propagate as the stream throws them.
/// </summary>
public sealed class MrtReader : IDisposable
{
    /// <summary>Default cap on one record's length; real RIB records stay far below it.</summary>
    public const int DefaultMaxRecordLength = 64 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer = new byte[64 * 1024];
    private bool _done;

    public MrtReader(Stream stream, bool leaveOpen = false, int maxRecordLength = DefaultMaxRecordLength)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        MaxRecordLength = maxRecordLength;
    }

    public int MaxRecordLength { get; }

    /// <summary>Offset in the stream of the next record's header.</summary>
    public long Position { get; private set; }

    /// <summary>Records read so far, malformed ones included.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Reads every record of an in-memory MRT image.</summary>
    public static List<MrtRecord> ReadAll(ReadOnlySpan<byte> data)
    {
        using var reader = new MrtReader(new MemoryStream(data.ToArray(), writable: false));
        var list = new List<MrtRecord>();
        while (reader.TryRead(out var r)) list.Add(r);
        return list;
    }

    /// <summary>Yields records until the end of the stream or a fatal malformation.</summary>
    public IEnumerable<MrtRecord> ReadAll()
    {
        while (TryRead(out var r)) yield return r;
    }

    /// <summary>
    /// Reads the next record. Returns false at the end of the stream, and after a fatal malformed
    /// record (which is itself returned with true first).
    /// </summary>
    public bool TryRead(out MrtRecord record)
    {
        record = null!;
        if (_done) return false;
        long offset = Position;

        Span<byte> head = stackalloc byte[MrtHeader.Size];
        int got = ReadFully(head);
        if (got == 0)
        {
            _done = true;
            return false;
        }
        if (got < MrtHeader.Size)
        {
            record = Fatal(default, offset, $"truncated MRT header: {got} of {MrtHeader.Size} octets", head[..got]);
            return true;
        }
        MrtHeader.TryRead(head, out var header);
        if (header.Length > (uint)MaxRecordLength)
        {
            record = Fatal(header, offset, $"record length {header.Length} exceeds the {MaxRecordLength}-octet limit", default);
            return true;
        }

        int length = (int)header.Length;
        int read = ReadBody(length);
        if (read < length)
        {
            record = Fatal(header, offset, $"truncated record: {read} of {length} octets", _buffer.AsSpan(0, read));
            return true;
        }
        Position = offset + MrtHeader.Size + length;
        RecordCount++;
        record = MrtDecoder.Decode(header, _buffer.AsSpan(0, length), offset);
        return true;
    }

    private MalformedMrtRecord Fatal(in MrtHeader header, long offset, string reason, ReadOnlySpan<byte> body)
    {
        _done = true;
        RecordCount++;
        return new MalformedMrtRecord(header.Timestamp, header.Type, header.Subtype, offset, reason, body.ToArray(), IsFatal: true);
    }

    /// <summary>Reads up to <paramref name="length"/> octets into the buffer, growing it only as data arrives.</summary>
    private int ReadBody(int length)
    {
        int total = 0;
        while (total < length)
        {
            if (total == _buffer.Length)
                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, Math.Max(length, _buffer.Length)));
            int want = Math.Min(length, _buffer.Length) - total;
            int n = _stream.Read(_buffer, total, want);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    private int ReadFully(Span<byte> dst)
    {
        int total = 0;
        while (total < dst.Length)
        {
            int n = _stream.Read(dst[total..]);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
