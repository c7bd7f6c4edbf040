namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>The link-layer header types this reader decodes (tcpdump.org "LINK-LAYER HEADER TYPES" registry).</summary>
public enum LinkType : ushort
{
    Null = 0,          // BSD loopback: 4-byte address family in the capturing host's byte order
    Ethernet = 1,      // IEEE 802.3, with 802.1Q / 802.1ad tags
    Ppp = 9,           // RFC 1661, optionally with RFC 1662 address/control bytes
    RawBsdi = 12,      // raw IP as written by some BSDs (DLT_RAW on OpenBSD/BSD/OS)
    RawOpenBsd = 14,   // raw IP, another historical DLT_RAW value
    PppHdlc = 50,      // PPP in HDLC-like framing, RFC 1662
    Raw = 101,         // raw IPv4 or IPv6, version from the first nibble
    CiscoHdlc = 104,   // Cisco HDLC: address, control, 2-byte EtherType
    Loop = 108,        // OpenBSD loopback: address family, always big-endian
    LinuxSll = 113,    // Linux "cooked" capture v1, 16-byte header
    JuniperEther = 178, // Juniper "MGC" pseudo-header followed by Ethernet
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,   // Linux "cooked" capture v2, 20-byte header
}
