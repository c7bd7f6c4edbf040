namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// One whole application message cut from a TCP stream, header included. <see cref="FrameNumber"/> and
/// <see cref="Time"/> are those of the frame carrying its last byte: the moment the receiver could act on it.
/// A class rather than a record: <see cref="Bytes"/> is an array, and record equality over it would compare references.
/// </summary>
public sealed class CapturedMessage
{
    internal CapturedMessage(string file, int frameNumber, DateTimeOffset time, TcpDirection direction, long streamOffset, byte type, byte[] bytes)
    {
        File = file;
        FrameNumber = frameNumber;
        Time = time;
        Direction = direction;
        StreamOffset = streamOffset;
        Type = type;
        Bytes = bytes;
    }

    /// <summary>The capture the message came from.</summary>
    public string File { get; }

    /// <summary>1-based, as Wireshark numbers frames.</summary>
    public int FrameNumber { get; }

    public DateTimeOffset Time { get; }

    /// <summary>Sender to receiver.</summary>
    public TcpDirection Direction { get; }

    /// <summary>Where the message starts in its <see cref="TcpStream.Data"/>.</summary>
    public long StreamOffset { get; }

    /// <summary>The type octet of the header: the BGP message type (RFC 4271 §4.1) or the BMP message type (RFC 7854 §4.1).</summary>
    public byte Type { get; }

    /// <summary>The whole message, header included.</summary>
    public byte[] Bytes { get; }

    public override string ToString() =>
        $"{System.IO.Path.GetFileName(File)} frame {FrameNumber} {Direction}: type {Type}, {Bytes.Length} bytes";
}
