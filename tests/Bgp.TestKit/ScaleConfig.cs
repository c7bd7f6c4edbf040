using System.Globalization;
using System.Text;

namespace Bgp.TestKit;

/// <summary>
/// A generated route-server configuration at scale, for the 10,000-neighbor parse budget: used by
/// the config tests and, linked as source, by bench/Bgp.Benchmarks (which must not depend on NUnit).
/// </summary>
public static class ScaleConfig
{
    /// <summary>A [global] section, one peer group and <paramref name="neighbors"/> [[neighbors]] entries of ten keys.</summary>
    public static string Generate(int neighbors)
    {
        var text = new StringBuilder(neighbors * 256);
        text.Append("# generated route-server configuration\n[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n\n")
            .Append("[peer_groups.members]\nroute_server_client = true\nhold_time = 180\nfamilies = [\"ipv4-unicast\", \"ipv6-unicast\"]\n");
        for (int i = 0; i < neighbors; i++)
        {
            string n = i.ToString(CultureInfo.InvariantCulture);
            text.Append("\n# member ").Append(n).Append('\n')
                .Append("[[neighbors]]\n")
                .Append("address = \"2001:db8::").Append(i.ToString("x", CultureInfo.InvariantCulture)).Append("\"\n")
                .Append("remote_asn = ").Append(65536 + i).Append('\n')
                .Append("description = 'IXP member ").Append(n).Append("'\n")
                .Append("peer_group = \"members\"\n")
                .Append("passive = ").Append(i % 2 == 0 ? "true" : "false").Append('\n')
                .Append("max_prefixes = { ipv4-unicast = 1_000, ipv6-unicast = 500 }\n")
                .Append("md5_password = \"secret-").Append(n).Append("\"\n");
        }
        return text.ToString();
    }
}
