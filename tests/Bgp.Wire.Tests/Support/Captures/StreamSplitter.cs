namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// Cuts a reassembled TCP stream into whole messages of one length-prefixed protocol. A bad header is reported and
/// skipped by hunting for the next boundary: a position whose header is valid, plausible, and followed either by
/// the end of the data or by another valid header. A stream joined mid-flight starts with that hunt. A message cut
/// short by the end of the stream is reported, not returned.
/// </summary>
public static class StreamSplitter
{
    /// <summary>The messages of <paramref name="stream"/>; problems go to <paramref name="warnings"/>.</summary>
    public static List<CapturedMessage> Split<TFraming>(TcpStream stream, ICollection<CaptureWarning> warnings)
        where TFraming : IMessageFraming
    {
        var diagnostics = new CaptureDiagnostics(stream.File);
        var messages = Split<TFraming>(stream, diagnostics);
        foreach (var warning in diagnostics.Complete()) warnings.Add(warning);
        return messages;
    }

    internal static List<CapturedMessage> Split<TFraming>(TcpStream stream, CaptureDiagnostics diagnostics)
        where TFraming : IMessageFraming
    {
        var messages = new List<CapturedMessage>();
        var data = stream.Data.Span;
        int header = TFraming.HeaderLength;
        int position = 0;
        if (!stream.StartsAtSyn)
        {
            position = FindBoundary<TFraming>(data, 0);
            if (position != 0)
                Skipped(stream, diagnostics, 0, position, stream.StartsAfterGap ? "the stream resumes after a missing segment" : "the capture joined the connection mid-flight");
            if (position < 0) return messages;
        }
        while (position < data.Length)
        {
            int warnFrame = stream.ChunkAt(position).FrameNumber;
            if (data.Length - position < header)
            {
                diagnostics.Warn(warnFrame, $"{stream.Direction}: {TFraming.Name} header truncated at stream offset {position}: {data.Length - position} of {header} bytes{GapNote(stream)}");
                break;
            }
            if (!TFraming.TryReadLength(data.Slice(position, header), out int length, out string? problem))
            {
                diagnostics.Warn(warnFrame, $"{stream.Direction}: {TFraming.Name} header at stream offset {position}: {problem}");
                int next = FindBoundary<TFraming>(data, position + 1);
                Skipped(stream, diagnostics, position, next, "resynchronising");
                if (next < 0) break;
                position = next;
                continue;
            }
            if (length > data.Length - position)
            {
                diagnostics.Warn(warnFrame, $"{stream.Direction}: {TFraming.Name} message at stream offset {position} truncated: {data.Length - position} of {length} bytes{GapNote(stream)}");
                break;
            }
            var bytes = data.Slice(position, length).ToArray();
            var last = stream.ChunkAt(position + length - 1);
            messages.Add(new CapturedMessage(stream.File, last.FrameNumber, last.Time, stream.Direction, position, TFraming.TypeOf(bytes), bytes));
            position += length;
        }
        return messages;
    }

    /// <summary>The first position at or after <paramref name="from"/> that starts a believable message, or -1.</summary>
    private static int FindBoundary<TFraming>(ReadOnlySpan<byte> data, int from)
        where TFraming : IMessageFraming
    {
        int header = TFraming.HeaderLength;
        while (from <= data.Length - header)
        {
            int found = TFraming.IndexOfCandidate(data[from..]);
            if (found < 0) return -1;
            int at = from + found;
            if (at > data.Length - header) return -1;
            if (TFraming.TryReadLength(data.Slice(at, header), out int length, out _) && TFraming.IsPlausible(data.Slice(at, header)))
            {
                long end = (long)at + length;
                if (end >= data.Length - header + 1) return at; // runs to (or past) the end: nothing left to confirm it by
                if (TFraming.TryReadLength(data.Slice((int)end, header), out _, out _)) return at;
            }
            from = at + 1;
        }
        return -1;
    }

    private static void Skipped(TcpStream stream, CaptureDiagnostics diagnostics, int from, int to, string why)
    {
        int frame = stream.ChunkAt(from).FrameNumber;
        if (to < 0)
            diagnostics.Warn(frame, $"{stream.Direction}: no message boundary after stream offset {from} ({why}); {stream.Data.Length - from} bytes left unread");
        else
            diagnostics.Warn(frame, $"{stream.Direction}: skipped {to - from} bytes from stream offset {from} to the next message boundary ({why})");
    }

    private static string GapNote(TcpStream stream) => stream.EndsAtGap ? " (the stream ends at a missing segment)" : "";
}
