using System.Buffers;

namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// Rebuilds the byte stream of each TCP direction (source endpoint to destination endpoint). Segments are ordered
/// by sequence number; bytes already delivered (retransmissions, overlaps, keep-alive probes) are dropped. A hole
/// (a segment the capture missed) ends the stream, because inventing the missing bytes would hand the splitter
/// data nobody sent; what follows the hole becomes a separate stream marked <see cref="TcpStream.StartsAfterGap"/>.
/// A SYN with a new initial sequence number starts a new connection on the same endpoints.
/// </summary>
internal sealed class TcpReassembler(CaptureDiagnostics diagnostics)
{
    private readonly Dictionary<TcpDirection, List<Connection>> _connections = [];
    private int _arrival;

    /// <summary>One connection's segments in one direction, in capture order.</summary>
    private sealed class Connection(TcpDirection direction, uint? initialSequence)
    {
        public TcpDirection Direction { get; } = direction;
        public uint? InitialSequence { get; } = initialSequence;
        public List<(TcpSegment Segment, int Arrival)> Segments { get; } = [];
    }

    public void Add(in TcpSegment segment)
    {
        if (!_connections.TryGetValue(segment.Direction, out var list))
            _connections[segment.Direction] = list = [];
        var current = list.Count == 0 ? null : list[^1];
        if (segment.Is(TcpFlags.Syn) && current?.InitialSequence != segment.Sequence)
            list.Add(current = new Connection(segment.Direction, segment.Sequence));
        else if (current is null)
        {
            if (segment.Payload.IsEmpty || segment.Is(TcpFlags.Rst)) return;
            list.Add(current = new Connection(segment.Direction, null)); // joined mid-flight
        }
        // RFC 9293 §3.5.3: data on a RST is diagnostic text, not part of the stream.
        if (!segment.Payload.IsEmpty && !segment.Is(TcpFlags.Rst)) current.Segments.Add((segment, _arrival++));
    }

    /// <summary>Every non-empty stream, ordered by the frame that carried its first byte.</summary>
    public List<TcpStream> Build()
    {
        var streams = new List<TcpStream>();
        foreach (var connection in _connections.Values.SelectMany(c => c))
        {
            if (connection.Segments.Count > 0) streams.AddRange(Build(connection));
        }
        streams.Sort((a, b) => a.FirstFrameNumber != b.FirstFrameNumber
            ? a.FirstFrameNumber.CompareTo(b.FirstFrameNumber)
            : string.CompareOrdinal(a.Direction.ToString(), b.Direction.ToString()));
        return streams;
    }

    private List<TcpStream> Build(Connection connection)
    {
        bool synSeen = connection.InitialSequence is not null;
        bool synConsumesSequence = !synSeen || SynConsumesSequence(connection);
        uint start = synSeen
            ? connection.InitialSequence!.Value + (synConsumesSequence ? 1u : 0u)
            : connection.Segments[0].Segment.Sequence; // mid-flight: the first segment captured starts the stream

        // Offsets relative to the start, unwrapped against the furthest point so far so that 32-bit wrap-around is harmless.
        var placed = new List<(long Offset, TcpSegment Segment, int Arrival)>(connection.Segments.Count);
        long furthest = 0;
        foreach (var (segment, arrival) in connection.Segments)
        {
            uint sequence = segment.Sequence + (segment.Is(TcpFlags.Syn) && synConsumesSequence ? 1u : 0u);
            long offset = furthest + (int)(sequence - (uint)(start + furthest));
            if (offset + segment.Payload.Length <= 0) continue; // wholly before the stream start: an old retransmission
            placed.Add((offset, segment, arrival));
            furthest = Math.Max(furthest, offset + segment.Payload.Length);
        }
        placed.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Arrival.CompareTo(b.Arrival));

        // A stream never spans a hole: the bytes after one start a new stream that, like a capture joined
        // mid-flight, may begin inside a message.
        var streams = new List<TcpStream>();
        var data = new ArrayBufferWriter<byte>();
        var chunks = new List<StreamChunk>();
        long origin = 0; // connection offset of data[0]
        bool afterGap = false;
        foreach (var (offset, segment, _) in placed)
        {
            long next = origin + data.WrittenCount;
            if (offset + segment.Payload.Length <= next) continue; // retransmitted or overlapped: already delivered
            if (offset > next)
            {
                diagnostics.Warn(segment.FrameNumber,
                    $"{connection.Direction}: {offset - next} bytes missing at connection offset {next}; the stream stops there and a new one starts after the gap");
                Flush(connection, data, chunks, synSeen && !afterGap, endsAtGap: true, afterGap, streams);
                data = new ArrayBufferWriter<byte>();
                chunks = [];
                origin = next = offset;
                afterGap = true;
            }
            chunks.Add(new StreamChunk(next - origin, segment.FrameNumber, segment.Time));
            data.Write(segment.Payload.Span[(int)(next - offset)..]);
        }
        Flush(connection, data, chunks, synSeen && !afterGap, endsAtGap: false, afterGap, streams);
        return streams;
    }

    private void Flush(Connection connection, ArrayBufferWriter<byte> data, List<StreamChunk> chunks, bool startsAtSyn, bool endsAtGap,
        bool startsAfterGap, List<TcpStream> streams)
    {
        if (data.WrittenCount == 0) return;
        streams.Add(new TcpStream(diagnostics.File, connection.Direction, data.WrittenMemory, [.. chunks], startsAtSyn, endsAtGap, startsAfterGap));
    }

    /// <summary>
    /// A SYN takes one sequence number (RFC 9293 §3.4), so its data starts at ISN + 1. Some synthesized captures
    /// (pmacct's test traffic) put data in a SYN without counting it: the next segment then starts at ISN + length.
    /// </summary>
    private static bool SynConsumesSequence(Connection connection)
    {
        uint isn = connection.InitialSequence!.Value;
        int synPayload = connection.Segments.Where(s => s.Segment.Is(TcpFlags.Syn)).Select(s => s.Segment.Payload.Length).DefaultIfEmpty(0).Max();
        if (synPayload == 0) return true;
        bool uncounted = false, counted = false;
        foreach (var (segment, _) in connection.Segments)
        {
            if (segment.Is(TcpFlags.Syn)) continue;
            uncounted |= segment.Sequence == isn + (uint)synPayload;
            counted |= segment.Sequence == isn + 1 + (uint)synPayload;
        }
        return counted || !uncounted;
    }
}
