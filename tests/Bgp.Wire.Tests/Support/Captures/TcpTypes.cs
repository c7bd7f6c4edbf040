using System.Net;

namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>One end of a TCP connection.</summary>
public readonly record struct TcpEndpoint(IPAddress Address, ushort Port)
{
    public override string ToString() =>
        Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

/// <summary>One direction of a TCP connection: bytes flow from <paramref name="Source"/> to <paramref name="Destination"/>.</summary>
public readonly record struct TcpDirection(TcpEndpoint Source, TcpEndpoint Destination)
{
    public TcpDirection Reverse => new(Destination, Source);

    /// <summary>True when either end uses <paramref name="port"/>.</summary>
    public bool Involves(int port) => Source.Port == port || Destination.Port == port;

    public override string ToString() => $"{Source} -> {Destination}";
}

/// <summary>TCP header flags (RFC 9293 §3.1).</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}

/// <summary>
/// A decoded TCP segment: addressing and sequence number, and where its payload sits within the frame's bytes.
/// The payload is bounded by the IP length (so Ethernet padding is excluded) and by what was captured.
/// </summary>
internal readonly record struct TcpPacket(TcpDirection Direction, uint Sequence, TcpFlags Flags, int PayloadOffset, int PayloadLength)
{
    public bool Is(TcpFlags flag) => (Flags & flag) != 0;
}

/// <summary>A TCP segment as the reassembler keeps it: the packet, its frame and a copy-free slice of its payload.</summary>
internal readonly record struct TcpSegment(int FrameNumber, DateTimeOffset Time, TcpDirection Direction, uint Sequence, TcpFlags Flags, ReadOnlyMemory<byte> Payload)
{
    public bool Is(TcpFlags flag) => (Flags & flag) != 0;
}
