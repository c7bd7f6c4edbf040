namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// The reaction each candidate message of tcpdump's malformed captures must get, in candidate order
/// (see <see cref="FuzzedCaptures"/>), and why.
/// </summary>
public static class FuzzedExpectations
{
    private const ErrorAction N = ErrorAction.None;
    private const ErrorAction W = ErrorAction.TreatAsWithdraw;
    private const ErrorAction R = ErrorAction.SessionReset;

    public static readonly IReadOnlyDictionary<string, (ErrorAction[] Actions, string Why)> Actions =
        new Dictionary<string, (ErrorAction[], string)>
        {
            ["tcpdump/bgp-addpath.pcap"] = ([R],
                "MP_REACH_NLRI and MP_UNREACH_NLRI each appear twice: RFC 7606 §3(g), Malformed Attribute List"),
            ["tcpdump/bgp-bgp_capabilities_print-oobr-1.pcap"] = ([R],
                "OPEN whose Optional Parameters Length disagrees with the message: RFC 4271 §6.2"),
            ["tcpdump/bgp-bgp_capabilities_print-oobr-2.pcap"] = ([R],
                "OPEN whose Optional Parameters Length disagrees with the message: RFC 4271 §6.2"),
            ["tcpdump/bgp-infinite-loop.pcap"] = ([R, R, R, R],
                "UPDATEs of length 19, below the 23-octet minimum: RFC 4271 §6.1, Bad Message Length"),
            // NOTIFICATION Cease / Hard Reset without the encapsulated code and subcode RFC 8538 §3 asks for.
            // A NOTIFICATION ends the session whatever it holds; its data is kept, not judged.
            ["tcpdump/bgp-malformed-hard-reset.pcap"] = ([N],
                "a NOTIFICATION closes the session anyway: nothing to classify"),
            // A fuzzed stream of 4708 octets. The clean candidates are well-formed (large-community
            // updates, an MVPN route, a VPNv4 End-of-RIB) or damaged only inside VPNv4 NLRI, which we
            // keep raw and so cannot judge; the others are RFC 7606 §4/§5.3 overruns (withdraw or
            // reset), flag conflicts and bad lengths (§3(c), §7.10: withdraw), unrecognised
            // well-known attributes (RFC 4271 §6.3: reset), and a header with a 10280-octet length.
            ["tcpdump/bgp-ub.pcap"] = ([
                N, W, N, R, W, R, R, R, N, R, N, R, W, N, R, W, R,
                R, R, N, R, N, R, W, R, R, N, W, R, R, N, N, R,
            ], "see the comment above"),
            ["tcpdump/bgp_mp_reach_nlri-oobr.pcap"] = ([R, R, R, R, R, R],
                "Total Path Attribute Length overruns the message: RFC 7606 §4 (the NLRI cannot be found)"),
            ["tcpdump/bgp_mvpn_6_and_7_oobr.pcap"] = ([R],
                "Total Path Attribute Length overruns the message: RFC 7606 §4"),
            ["tcpdump/bgp_pmsi_tunnel-oobr.pcap"] = ([R],
                "Total Path Attribute Length overruns the message: RFC 7606 §4"),
            ["tcpdump/bgp_vpn_rt-oobr.pcap"] = ([R, R, R],
                "Withdrawn Routes Length or Total Path Attribute Length overruns the message: RFC 7606 §4"),
            ["tcpdump/bgpsec_invalid_signature_block_length.pcap"] = ([W],
                "BGPsec_PATH instead of AS_PATH (RFC 8205 §3); we do not implement BGPsec, so AS_PATH is missing: RFC 7606 §3(d)"),
        };
}
