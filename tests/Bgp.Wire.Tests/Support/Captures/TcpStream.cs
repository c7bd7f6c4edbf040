namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>Where a stretch of a reassembled stream came from: it starts at stream <paramref name="Offset"/> and was carried by frame <paramref name="FrameNumber"/>.</summary>
public readonly record struct StreamChunk(long Offset, int FrameNumber, DateTimeOffset Time);

/// <summary>
/// Bytes one side of a TCP connection sent, in sequence order, with retransmissions removed. The data is
/// contiguous: it ends at the last byte captured or at a missing segment (<see cref="EndsAtGap"/>), and the bytes
/// after such a hole form the next stream of the same direction (<see cref="StartsAfterGap"/>).
/// </summary>
public sealed class TcpStream
{
    private readonly StreamChunk[] _chunks;

    internal TcpStream(string file, TcpDirection direction, ReadOnlyMemory<byte> data, StreamChunk[] chunks, bool startsAtSyn, bool endsAtGap,
        bool startsAfterGap)
    {
        StartsAfterGap = startsAfterGap;
        File = file;
        Direction = direction;
        Data = data;
        _chunks = chunks;
        StartsAtSyn = startsAtSyn;
        EndsAtGap = endsAtGap;
    }

    /// <summary>The capture the stream was read from.</summary>
    public string File { get; }

    public TcpDirection Direction { get; }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The segments that contributed, by stream offset.</summary>
    public IReadOnlyList<StreamChunk> Chunks => _chunks;

    /// <summary>
    /// True when the SYN was captured, so <see cref="Data"/> begins with the first byte of the connection. Otherwise
    /// the capture joined mid-flight and the data may begin inside an application message.
    /// </summary>
    public bool StartsAtSyn { get; }

    /// <summary>True when the next segment is missing: the stream stops rather than guess the bytes.</summary>
    public bool EndsAtGap { get; }

    /// <summary>True when this stream resumes a direction after a missing segment; it may begin inside a message.</summary>
    public bool StartsAfterGap { get; }

    public int FirstFrameNumber => _chunks.Length == 0 ? 0 : _chunks[0].FrameNumber;

    /// <summary>The chunk holding the byte at <paramref name="offset"/> (the last chunk when past the end).</summary>
    public StreamChunk ChunkAt(long offset)
    {
        int lo = 0, hi = _chunks.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_chunks[mid].Offset <= offset) lo = mid;
            else hi = mid - 1;
        }
        return _chunks.Length == 0 ? default : _chunks[lo];
    }

    public override string ToString() =>
        $"{Direction}: {Data.Length} bytes from frame {FirstFrameNumber}{(StartsAfterGap ? ", after a gap" : StartsAtSyn ? "" : ", mid-flight")}{(EndsAtGap ? ", ends at a gap" : "")}";
}
