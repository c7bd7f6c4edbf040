namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// Entry points: frames, TCP streams, and BGP or BMP messages from a classic pcap or pcapng file.
/// Malformed content never throws; it shows up in <see cref="CaptureResult{T}.Warnings"/>. The only exception for
/// content is <see cref="InvalidDataException"/> for a file that is neither pcap nor pcapng.
/// </summary>
public static class CaptureFile
{
    /// <summary>BGP's well-known port (RFC 4271 §8.2.1).</summary>
    public const int BgpPort = 179;

    /// <summary>Every packet record, undecoded.</summary>
    public static CaptureResult<CapturedFrame> ReadFrames(string path) => CaptureReader.Read(path, File.ReadAllBytes(path));

    /// <summary>
    /// Every non-empty TCP stream, ordered by the frame of its first byte: one per connection and direction, or more
    /// when segments are missing (each stream is contiguous; see <see cref="TcpStream.StartsAfterGap"/>).
    /// </summary>
    public static CaptureResult<TcpStream> ReadTcpStreams(string path) => ReadTcpStreams(path, File.ReadAllBytes(path));

    /// <inheritdoc cref="ReadTcpStreams(string)"/>
    public static CaptureResult<TcpStream> ReadTcpStreams(string name, ReadOnlyMemory<byte> content)
    {
        var diagnostics = new CaptureDiagnostics(name);
        var streams = Streams(content, diagnostics);
        return new CaptureResult<TcpStream>(name, streams, diagnostics.Complete());
    }

    /// <summary>
    /// The BGP messages of every stream with an end on one of <paramref name="ports"/> (none given: 179), in capture order
    /// (by the frame completing each message; messages completed by the same frame keep their stream order).
    /// </summary>
    public static CaptureResult<CapturedMessage> ReadBgpMessages(string path, params int[] ports) =>
        ReadBgpMessages(path, File.ReadAllBytes(path), ports);

    /// <inheritdoc cref="ReadBgpMessages(string, int[])"/>
    public static CaptureResult<CapturedMessage> ReadBgpMessages(string name, ReadOnlyMemory<byte> content, params int[] ports) =>
        ReadMessages<BgpFraming>(name, content, ports.Length == 0 ? [BgpPort] : ports);

    /// <summary>
    /// The BMP messages of every stream with an end on one of <paramref name="ports"/>, in capture order. BMP has no
    /// assigned port (collectors use 1790, 10000, 11019 ...), so with none given every TCP stream is tried.
    /// </summary>
    public static CaptureResult<CapturedMessage> ReadBmpMessages(string path, params int[] ports) =>
        ReadBmpMessages(path, File.ReadAllBytes(path), ports);

    /// <inheritdoc cref="ReadBmpMessages(string, int[])"/>
    public static CaptureResult<CapturedMessage> ReadBmpMessages(string name, ReadOnlyMemory<byte> content, params int[] ports) =>
        ReadMessages<BmpFraming>(name, content, ports);

    /// <summary>Messages of any <see cref="IMessageFraming"/>; an empty <paramref name="ports"/> means every stream.</summary>
    public static CaptureResult<CapturedMessage> ReadMessages<TFraming>(string name, ReadOnlyMemory<byte> content, IReadOnlyCollection<int> ports)
        where TFraming : IMessageFraming
    {
        var diagnostics = new CaptureDiagnostics(name);
        var messages = new List<CapturedMessage>();
        foreach (var stream in Streams(content, diagnostics))
        {
            if (ports.Count == 0 || ports.Any(stream.Direction.Involves))
                messages.AddRange(StreamSplitter.Split<TFraming>(stream, diagnostics));
        }
        // Stable: OrderBy keeps stream order among messages completed by the same frame.
        var ordered = messages.OrderBy(m => m.FrameNumber).ToList();
        return new CaptureResult<CapturedMessage>(name, ordered, diagnostics.Complete());
    }

    private static List<TcpStream> Streams(ReadOnlyMemory<byte> content, CaptureDiagnostics diagnostics)
    {
        var reassembler = new TcpReassembler(diagnostics);
        var unsupported = new HashSet<LinkType>();
        foreach (var frame in CaptureReader.Read(content, diagnostics))
        {
            var status = PacketDecoder.Decode(frame.LinkType, frame.Data.Span, out var packet, out string? problem);
            if (status == PacketDecoder.DecodeStatus.Unsupported)
            {
                if (unsupported.Add(frame.LinkType)) diagnostics.Warn(frame.Number, $"link type {(int)frame.LinkType} is not supported; its frames are skipped");
                continue;
            }
            if (problem is not null) diagnostics.Warn(frame.Number, problem);
            if (status != PacketDecoder.DecodeStatus.Tcp) continue;
            var payload = frame.Data.Slice(packet.PayloadOffset, packet.PayloadLength);
            reassembler.Add(new TcpSegment(frame.Number, frame.Time, packet.Direction, packet.Sequence, packet.Flags, payload));
        }
        return reassembler.Build();
    }
}
