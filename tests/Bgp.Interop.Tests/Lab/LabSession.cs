namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// A lab daemon's view of its one session, as far as the daemon reports it.
/// </summary>
/// <param name="State">The daemon's own state name (e.g. "Established", "Active", "Idle").</param>
/// <param name="Established">True when the session is in Established.</param>
/// <param name="Uptime">Time since the session came up, when established and reported.</param>
/// <param name="NegotiatedHoldTime">Hold time in use (seconds), when established and reported.</param>
/// <param name="Families">Negotiated AFI/SAFIs as "ipv4-unicast", "ipv6-unicast"; empty when not reported.</param>
/// <param name="LastError">The last error or NOTIFICATION text the daemon reports, if any.</param>
/// <param name="LastShutdownCommunication">The last RFC 8203/9003 shutdown communication received, where reported.</param>
public sealed record LabSession(
    string State,
    bool Established,
    TimeSpan? Uptime,
    int? NegotiatedHoldTime,
    IReadOnlyList<string> Families,
    string? LastError,
    string? LastShutdownCommunication)
{
    public override string ToString() =>
        $"{State} up={Uptime?.ToString(@"hh\:mm\:ss") ?? "-"} hold={NegotiatedHoldTime?.ToString() ?? "-"} " +
        $"families=[{string.Join(",", Families)}] lastError={LastError ?? "-"} shutdownText={LastShutdownCommunication ?? "-"}";
}

/// <summary>A route the lab daemon received from its peer (Adj-RIB-In or its closest equivalent).</summary>
/// <param name="Prefix">Prefix in canonical form, e.g. "10.2.0.0/24", "2001:db8:2::/48".</param>
/// <param name="NextHop">The (global) next hop, when reported.</param>
/// <param name="AsPath">AS_PATH as the daemon prints it, flattened to AS numbers; null when not reported.</param>
/// <param name="Communities">RFC 1997 communities as "asn:value"; null when the daemon does not report them.</param>
public sealed record LabRoute(string Prefix, string? NextHop, IReadOnlyList<uint>? AsPath, IReadOnlyList<string>? Communities)
{
    public override string ToString() =>
        $"{Prefix} via {NextHop ?? "?"} path [{(AsPath is null ? "?" : string.Join(' ', AsPath))}]" +
        (Communities is { Count: > 0 } ? $" comm {string.Join(' ', Communities)}" : "");
}

/// <summary>What a kind of lab daemon can do in this harness (verified ones are exercised by the self-tests).</summary>
/// <param name="Md5">TCP MD5 (RFC 2385).</param>
/// <param name="TtlSecurity">GTSM (RFC 5082).</param>
/// <param name="ShutdownCommunication">Sends a Cease/Administrative Shutdown carrying our text (RFC 8203/9003).</param>
/// <param name="FixedShutdownText">The shutdown communication a daemon that cannot carry ours sends instead (null: ours, or none).</param>
/// <param name="ReportsShutdownCommunication">Shows a received shutdown communication in <see cref="LabSession"/>.</param>
/// <param name="StaysDownAfterShutdown">After <c>ShutdownSessionAsync</c> the session stays down until <c>EnableSessionAsync</c>.</param>
public sealed record LabCapabilities(
    bool Md5,
    bool TtlSecurity,
    bool ShutdownCommunication,
    string? FixedShutdownText,
    bool ReportsShutdownCommunication,
    bool StaysDownAfterShutdown);
