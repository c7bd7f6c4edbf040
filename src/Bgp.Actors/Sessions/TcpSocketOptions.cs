using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Bgp.Actors.Sessions;

/// <summary>
/// Linux socket options the BCL has no names for: TCP MD5 signatures (RFC 2385) and the
/// Generalized TTL Security Mechanism (RFC 5082). Set through <see cref="Socket.SetRawSocketOption"/>.
/// </summary>
public static class TcpSocketOptions
{
    private const int SolIp = 0;          // IPPROTO_IP
    private const int SolTcp = 6;         // IPPROTO_TCP
    private const int SolIpv6 = 41;       // IPPROTO_IPV6
    private const int TcpMd5Sig = 14;     // linux/tcp.h TCP_MD5SIG
    private const int IpTtl = 2;          // linux/in.h IP_TTL
    private const int IpMinTtl = 21;      // linux/in.h IP_MINTTL
    private const int Ipv6UnicastHops = 16;   // linux/in6.h IPV6_UNICAST_HOPS
    private const int Ipv6MinHopCount = 73;   // linux/in6.h IPV6_MINHOPCOUNT
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    public const int MaxMd5KeyLength = 80;  // TCP_MD5SIG_MAXKEYLEN

    /// <summary>Whether this platform can set the options (Linux only).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>
    /// Installs (or, with a null key, removes) the RFC 2385 key for <paramref name="peer"/> on a
    /// listening or not-yet-connected socket. On an IPv6 socket an IPv4 peer is written v4-mapped.
    /// </summary>
    /// <remarks>
    /// struct tcp_md5sig: sockaddr_storage tcpm_addr (128 octets), u8 flags, u8 prefixlen,
    /// u16 keylen, int ifindex, u8 key[80]: 216 octets in host byte order but the address.
    /// </remarks>
    public static void SetMd5Key(Socket socket, IPAddress peer, string? key)
    {
        var keyBytes = key is null ? [] : System.Text.Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length > MaxMd5KeyLength)
            throw new ArgumentException($"TCP MD5 keys are at most {MaxMd5KeyLength} octets", nameof(key));
        Span<byte> sig = stackalloc byte[216];
        sig.Clear();
        if (socket.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = peer.AddressFamily == AddressFamily.InterNetwork ? peer.MapToIPv6() : peer;
            BinaryPrimitives.WriteUInt16LittleEndian(sig, AfInet6);
            v6.TryWriteBytes(sig.Slice(8, 16), out _);
        }
        else
        {
            var v4 = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
            BinaryPrimitives.WriteUInt16LittleEndian(sig, AfInet);
            v4.TryWriteBytes(sig.Slice(4, 4), out _);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(sig.Slice(130, 2), (ushort)keyBytes.Length);
        keyBytes.CopyTo(sig.Slice(136));
        socket.SetRawSocketOption(SolTcp, TcpMd5Sig, sig);
    }

    /// <summary>
    /// RFC 5082: send with TTL 255 and accept only packets whose TTL is at least 256 − hops
    /// (hops = 1 for a directly connected peer).
    /// </summary>
    public static void SetTtlSecurity(Socket socket, int hops)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hops, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hops, 254);
        Span<byte> value = stackalloc byte[4];
        if (socket.AddressFamily == AddressFamily.InterNetworkV6)
        {
            BinaryPrimitives.WriteInt32LittleEndian(value, 255);
            socket.SetRawSocketOption(SolIpv6, Ipv6UnicastHops, value);
            BinaryPrimitives.WriteInt32LittleEndian(value, 256 - hops);
            socket.SetRawSocketOption(SolIpv6, Ipv6MinHopCount, value);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(value, 255);
            socket.SetRawSocketOption(SolIp, IpTtl, value);
            BinaryPrimitives.WriteInt32LittleEndian(value, 256 - hops);
            socket.SetRawSocketOption(SolIp, IpMinTtl, value);
        }
    }

    /// <summary>Plain outgoing TTL (eBGP multihop): how far our packets may travel.</summary>
    public static void SetTtl(Socket socket, int ttl)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(value, ttl);
        if (socket.AddressFamily == AddressFamily.InterNetworkV6) socket.SetRawSocketOption(SolIpv6, Ipv6UnicastHops, value);
        else socket.SetRawSocketOption(SolIp, IpTtl, value);
    }
}
