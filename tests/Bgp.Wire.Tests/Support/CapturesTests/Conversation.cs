using System.Net;
using Bgp.Wire.Tests.Support.Captures;

namespace Bgp.Wire.Tests.Support.CapturesTests;

/// <summary>A synthetic TCP conversation between a client (192.0.2.1:40000) and a server (192.0.2.2:<c>serverPort</c>), written as an Ethernet pcap.</summary>
internal sealed class Conversation(ushort serverPort = 179, bool ipv6 = false)
{
    public const ushort ClientPort = 40000;

    private readonly List<byte[]> _frames = [];

    public IPAddress ClientAddress => ipv6 ? Packets.A6 : Packets.A4;

    public IPAddress ServerAddress => ipv6 ? Packets.B6 : Packets.B4;

    public TcpDirection ClientToServer => new(new TcpEndpoint(ClientAddress, ClientPort), new TcpEndpoint(ServerAddress, serverPort));

    public Conversation Client(uint sequence, byte[] payload, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh) =>
        Add(ClientAddress, ClientPort, ServerAddress, serverPort, sequence, flags, payload);

    public Conversation Server(uint sequence, byte[] payload, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh) =>
        Add(ServerAddress, serverPort, ClientAddress, ClientPort, sequence, flags, payload);

    /// <summary>Any frame, e.g. ARP or UDP, to check that it is passed over.</summary>
    public Conversation Raw(byte[] frame)
    {
        _frames.Add(frame);
        return this;
    }

    public byte[] ToPcap() => PcapWriter.Classic(LinkType.Ethernet, _frames);

    public CaptureResult<TcpStream> Streams() => CaptureFile.ReadTcpStreams("conversation.pcap", ToPcap());

    public CaptureResult<CapturedMessage> BgpMessages(params int[] ports) => CaptureFile.ReadBgpMessages("conversation.pcap", ToPcap(), ports);

    private Conversation Add(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort, uint sequence, TcpFlags flags, byte[] payload)
    {
        var tcp = Packets.Tcp(sourcePort, destinationPort, sequence, flags, payload);
        var ip = ipv6 ? Packets.Ipv6(source, destination, tcp) : Packets.Ipv4(source, destination, tcp);
        _frames.Add(Packets.Ethernet(ip));
        return this;
    }
}
