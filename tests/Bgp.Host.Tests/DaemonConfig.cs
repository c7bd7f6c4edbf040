namespace Bgp.Host.Tests;

/// <summary>Config pieces the daemon tests share.</summary>
internal static class DaemonConfig
{
    /// <summary>
    /// A neighbor the daemon dials from <paramref name="localAddress"/> (a scripted peer listening on
    /// its own 127.10.0.x), retried every second; with <paramref name="holdTime"/> when given.
    /// </summary>
    public static string DialedNeighbor(string address, uint asn, string localAddress, int? holdTime = null) => $"""

        [[neighbors]]
        address = "{address}"
        remote_asn = {asn}
        local_address = "{localAddress}"{(holdTime is int h ? $"\nhold_time = {h}" : "")}
        connect_retry = 1
        """;
}
