using Bgp.Cli.Mrt;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Cli.Tests.Mrt;

/// <summary>
/// The formatting rules no archive exercises, each probed with a hand-made record
/// (Data/make-bgpdump-rules.py writes Data/bgpdump-rules.mrt) and answered by Debian bgpdump 1.6.2
/// (Data/bgpdump-rules.bgpdump is its <c>-m</c> output, kept verbatim).
/// </summary>
public class BgpdumpRulesTests
{
    private static string Data(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Mrt", "Data", name);

    private static readonly Lazy<string[]> Lines = new(() => DumpRunner.DumpLines(Data("bgpdump-rules.mrt")));

    private static string LineAt(uint timestamp, string kind) =>
        Lines.Value.First(l => l.Split('|') is [_, var t, var k, ..] && t.StartsWith(timestamp.ToString()) && k == kind);

    [Test]
    public void Every_probe_prints_what_bgpdump_printed()
    {
        using var actual = new StringReader(string.Join("\n", Lines.Value) + "\n");
        using var expected = DumpRunner.OpenText(Data("bgpdump-rules.bgpdump"));
        DumpRunner.AssertSameLines(actual, expected, "bgpdump-rules.mrt");
    }

    [Test]
    public void Segments_print_as_sequence_set_braces_confed_parentheses_and_confed_set_brackets()
    {
        Assert.That(LineAt(1000, "A").Split('|')[6], Is.EqualTo("1 2 {3,4} (5 6) [7,8] 9"));
    }

    [Test]
    public void Well_known_communities_print_by_name_and_others_as_two_numbers()
    {
        Assert.That(LineAt(1000, "A").Split('|')[11], Is.EqualTo("no-export no-advertise local-AS 65535:666 1:2 65535:0"));
    }

    [Test]
    public void Missing_attributes_show_incomplete_inaddr_none_and_zeros()
    {
        Assert.That(LineAt(1041, "A"), Is.EqualTo("BGP4MP|1041|A|10.0.0.1|65001|21.0.0.0/8||INCOMPLETE|255.255.255.255|0|0||NAG||"));
    }

    [Test]
    public void Body_routes_show_next_hop_and_mp_reach_routes_their_own_next_hop()
    {
        var lines = Lines.Value.Where(l => l.StartsWith("BGP4MP|1002|", StringComparison.Ordinal)).ToArray();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "BGP4MP|1002|A|10.0.0.1|65001|4.0.0.0/24|1|EGP|8.8.8.8|200|0||NAG||",
            "BGP4MP|1002|A|10.0.0.1|65001|3.0.0.0/24|1|EGP|9.9.9.9|200|0||NAG||",
        }));
    }

    [Test]
    public void Withdrawals_come_first_then_announcements_body_before_mp()
    {
        var kinds = Lines.Value.Where(l => l.StartsWith("BGP4MP|1005|", StringComparison.Ordinal)).Select(l => l.Split('|')[5]);
        Assert.That(kinds, Is.EqualTo(new[] { "5.0.0.0/24", "2001:db8:2::/48", "6.0.0.0/24", "2001:db8:3::/48" }));
    }

    [Test]
    public void Local_and_add_path_subtypes_have_their_own_labels()
    {
        Assert.That(LineAt(1008, "A"), Does.StartWith("BGP4MP_LOCAL|1008|A|10.0.0.1|65001|"));
        Assert.That(LineAt(1010, "W"), Is.EqualTo("BGP4MP_ET_AP|1010.000042|W|10.0.0.1|65001|13.0.0.0/8|7"));
        Assert.That(LineAt(2000, "A"), Does.StartWith("BGP4MP_ET_LOCAL|2000.000005|A|"));
        // MESSAGE_AS4_LOCAL_ADDPATH shows the local address and AS.
        Assert.That(LineAt(2001, "W"), Is.EqualTo("BGP4MP_ET_AP|2001.000006|W|10.0.0.2|65002|22.0.0.0/8|3"));
    }

    [Test]
    public void Only_unicast_rib_subtypes_print_and_rib_entries_prefer_the_mp_next_hop()
    {
        Assert.That(Lines.Value.Count(l => l.StartsWith("TABLE_DUMP2", StringComparison.Ordinal)), Is.EqualTo(7));
        Assert.That(Lines.Value, Does.Contain("TABLE_DUMP2|2003|B|10.1.0.1|64500|24.0.0.0/8|64500 1|IGP|4.4.4.4|0|0||NAG||"));
    }

    [TestCase("2001:db8::1", "2001:db8::1")]
    [TestCase("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]
    [TestCase("1:0:0:2:0:0:3:4", "1::2:0:0:3:4")]
    [TestCase("1:0:2:0:3:0:4:0", "1::2:0:3:0:4:0")]
    [TestCase("2001:7f8:30:0:2:1:0:8447", "2001:7f8:30::2:1:0:8447")]
    [TestCase("::", "::")]
    [TestCase("::1", "::1")]
    [TestCase("::0.1.0.1", "::0.1.0.1")]
    [TestCase("::ffff", "::0.0.255.255")]
    [TestCase("::1:0:0", "::1:0:0")]
    [TestCase("::ffff:1.2.3.4", "::ffff:1.2.3.4")]
    [TestCase("::ffff:0:0", "::ffff:0.0.0.0")]
    [TestCase("::1:ffff:102:304", "::1:ffff:102:304")]
    [TestCase("0:1::", "0:1::")]
    [TestCase("1::", "1::")]
    [TestCase("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8")]
    [TestCase("abcd:ef01::", "abcd:ef01::")]
    public void Ipv6_addresses_print_as_bgpdump_prints_them(string address, string printed)
    {
        var b = new LineBuilder();
        b.Append(IpAddr.Parse(address));
        Assert.That(b.Span.ToString(), Is.EqualTo(printed));
    }
}
