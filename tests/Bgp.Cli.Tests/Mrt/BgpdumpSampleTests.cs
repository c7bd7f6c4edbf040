using NUnit.Framework;

namespace Bgp.Cli.Tests.Mrt;

/// <summary>
/// Other MRT samples in testdata/ (daemon-written dumps from mrtparse, RIS and RouteViews files
/// from libbgpstream, bgp-rs and bgpkit-parser). Each expectation was taken from Debian bgpdump
/// 1.6.2 (<c>bgpdump -m FILE</c>) once, by hand, and is hard-coded here: CI has no bgpdump.
/// The hash is SHA-256 over bgpdump's whole output; the line is its last one.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public class BgpdumpSampleTests
{
    public sealed record Sample(string File, int Lines, string Sha256, string? LastLine)
    {
        public override string ToString() => File;
    }

    public static readonly Sample[] IdenticalToBgpdump =
    [
        new("mrtparse/bird-mrtdump_bgp", 24, "f3565f70aca00d217f528d4b390aca6875876c3812bea2df2e897b97ec2cc5b4",
            "BGP4MP_AP|1486801742|A|192.168.0.10|65000|172.17.2.0/24|1|4294967194 4294967194 4294967194 65534 65534 65534|IGP|192.168.0.10|100|20|65000:400 65000:500 65000:600|NAG||"),
        new("mrtparse/bird-mrtdump_rib", 18, "75983ed05e81fc68cb0f68351136dd0896a59065caab138ae6036c9fe3ecf9b7",
            "TABLE_DUMP2_AP|1486801747|B|192.168.0.10|65000|172.17.2.0/24|1|4294967194 4294967194 4294967194 65534 65534 65534|IGP|192.168.0.10|100|20|65000:400 65000:500 65000:600|NAG||"),
        new("mrtparse/bird6-mrtdump_bgp", 24, "c1e364c63282695618364e67a5834ee956f16f179d905acdb163a81952c814fe",
            "BGP4MP_AP|1486801744|A|fd02::10|65000|fd01:1:2::/64|2|4294967194 4294967194 4294967194 65534 65534 65534|IGP|fd02::10|100|20|65000:400 65000:500 65000:600|NAG||"),
        new("mrtparse/bird6-mrtdump_rib", 10, "ceff2c2fa8a42bb19706813da62aafdf869e31c76a8832bd184146140e54d895",
            "TABLE_DUMP2_AP|1486801744|B|::|0|fd02::/64|0||INCOMPLETE|255.255.255.255|0|0||NAG||"),
        new("mrtparse/openbgpd_bgp", 109, "218c091b3699c2f4815ac70876a32cad8224ab9aad68c0e68bff4d88dfb581f4",
            "BGP4MP|1444841628|A|2001:db8:0:1::10|65000|2001:db8:0:4::/64||INCOMPLETE|2001:db8:0:1::10|100|2||NAG||"),
        // Its first line shows bgpdump reading OpenBGPD's 8-octet AGGREGATOR with a 2-octet AS: "0 253.232.192.168".
        new("mrtparse/openbgpd_rib_table", 31, "36278ee2e32c71cc2a162b57cde53b8f5418050cff614917c6cd0abd2c9adc8e",
            "TABLE_DUMP|1444843994|B|c0a8:10a::|65000|2001:db8:0:6::/64||INCOMPLETE|2001:db8:0:1::10|100|0||NAG||"),
        // BGP4MP_ENTRY (deprecated): bgpdump prints nothing.
        new("mrtparse/openbgpd_rib_table-mp", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", null),
        new("mrtparse/openbgpd_rib_table-v2", 31, "8082bc18f837cbc91e00f326b167cf818b865831811c5f218ff9be725c70a94c",
            "TABLE_DUMP2|1444842656|B|192.168.1.10|65000|2001:db8:0:6::/64||INCOMPLETE|2001:db8:0:1::10|100|0||NAG||"),
        new("mrtparse/quagga_bgp", 38, "d8fa804aa7bd528399db9e1aa3de5f9d437e3f204f39962a32612366333e7681",
            "BGP4MP|1486802244|A|fd02::10|65000|fd01:1:2::/64|4200000000 4200000000 4200000000 64512 64512 64512|IGP|fd02::10|100|10|65000:100 65000:200 65000:300|NAG||"),
        new("mrtparse/quagga_rib", 9, "c50f2640df0c1f0119a42ae78a1fdf96f3a28b82aaacded455535cc0fe0e11a3",
            "TABLE_DUMP2|1486802400|B|192.168.0.10|65000|fd01:1:2::/64|4200000000 4200000000 4200000000 64512 64512 64512|IGP|::ffff:192.168.0.10|100|10|65000:100 65000:200 65000:300|NAG||"),
        new("libbgpstream/ris.rrc06.updates.1427846400.gz", 1561, "af07bbfd069d58e55487b259df9f6c7d5c9bffc54d0c9022caf7d52aebe6fe55",
            "BGP4MP|1427846699|A|202.249.2.185|25152|214.1.211.0/24|25152 2914 209 721 27064 5972 5972 5972 5972|INCOMPLETE|202.249.2.185|0|0|2914:420 2914:1007 2914:2000 2914:3000|NAG||"),
        new("libbgpstream/routeviews.route-views.jinx.updates.1427846400.bz2", 8611, "e2001c336a3e105854683b2f08e6a5026950c021a2faaf7c224e098bb3316a87",
            "BGP4MP|1427847270|A|196.223.14.55|30844|104.192.87.0/24|30844 6939 46230|IGP|196.223.14.55|0|0||NAG||"),
        new("bgp-rs/updates.20190101.0000.gz", 162617, "5c786406f8e46f60d3fafa7a8348990701972d9baa06ee58c6a3959f0c1b40a3",
            "BGP4MP|1546301099|A|12.0.1.63|7018|194.190.89.0/24|7018 3491 20485 20485 15835 51039|IGP|12.0.1.63|0|0|7018:5000 7018:34011|NAG||"),
        // Records declare lengths 4 octets short; bgpdump and we print the first entry, then lose the framing.
        new("bgpkit-parser/rrc00.bview.20000111.0032.gz", 1, "cf974a9ef67bab9fe79e1a3524b1c742a324f652f3453e1a0c05102872ef0a89",
            "TABLE_DUMP|947550744|B|204.152.166.29|3549|3.0.0.0/8|3549 701 80|IGP|204.152.166.29|0|0||NAG||"),
        // Deprecated type 5 (BGP) records: no separator between MED and communities, withdrawals show the peer's address.
        new("bgpkit-parser/rrc00.updates.19990903.1041.gz", 65315, "6958b84262a7b86eaf18c9dde9fb43483f10b9f3b3ea7d14557b6da169cafcdc",
            "BGP|936348698|A|193.0.0.56|3333|195.154.146.128/26|3333 1103 8651 8355 1290|IGP|193.0.0.56|0|0|NAG||"),
        new("bgpkit-parser/rrc00.updates.19991214.1621.gz", 55516, "584433c507d19c537a1211ee84b7fafcec0ddc16873396abda315c8319c07e57",
            "BGP|945189375|STATE|206.251.0.85|3549|6|1"),
        new("bgpkit-parser/rrc00.updates.20000102.2014.gz", 6359, "45d05a29829fb509cc8fa98ef398629191b084c209f9c8ffc1eafeb0f7acd39e",
            "BGP|946844989|W|195.211.222.254|5409|195.211.222.254/19"),
        // Zebra's 8-octet state changes and truncated OPENs.
        new("bgpkit-parser/rrc01.updates.20001104.0124.gz", 883, "6885be98409933fd6affc87a0e782e60fe85e82f6a2536fc0d91758f5cb5be5b",
            "BGP4MP|973301945|STATE|195.66.224.128|6774|2|3"),
        new("bgpkit-parser/rrc03.updates.20100227.1600.first-796-records.gz", 1363, "62c9c7d5e04de7ccd28369f3422e5813c0fa95eb28252c04f67644d817e55502",
            "BGP4MP|1267286433|STATE|195.69.145.56|29686|7|1"),
        // AS4_PATH merged although AGGREGATOR is not AS_TRANS, as bgpdump does.
        new("bgpkit-parser/rrc15.updates.20100227.1600.gz", 53806, "a58a92b6d0bde5e1666bbbf9f7622621a909cc6342b9f47a1cb8a6bcc6d0412f",
            "BGP4MP|1267286700|A|200.219.130.4|1916|216.77.68.0/24|1916 20080 23148 7018 6389|IGP|200.219.130.4|0|0|1916:300|NAG||"),
        new("bgpkit-parser/rrc15.updates.20100227.1610.gz", 7485, "f0b4cfefa67744d5d362f29e120fe99377d2466b44ddeb346b89a083a93ca6f6",
            "BGP4MP|1267287300|A|200.160.0.137|22548|62.168.199.0/24|22548 3549 6762 10026 31055 31055|INCOMPLETE|200.160.0.137|0|0|3549:2835 3549:34076|NAG||"),
    ];

    [TestCaseSource(nameof(IdenticalToBgpdump))]
    public void Dump_prints_what_bgpdump_printed(Sample sample)
    {
        var lines = DumpRunner.DumpLines(TestData.Path(["mrt", .. sample.File.Split('/')]));
        Assert.That(lines, Has.Length.EqualTo(sample.Lines));
        if (sample.LastLine is not null) Assert.That(lines[^1], Is.EqualTo(sample.LastLine));
        Assert.That(DumpRunner.Sha256(lines), Is.EqualTo(sample.Sha256));
    }

    [Test]
    public void Bird_add_path_updates_mask_host_bits_where_debian_bgpdump_does_not()
    {
        // BIRD wrote add-path NLRI under the plain MESSAGE_AS4 subtype; read without path ids,
        // some prefixes come out with host bits set. Debian's bgpdump 1.6.2 prints them unmasked
        // ("24.0.0.0/2"); the newer bgpdump that made the reference suite masks them (see
        // updates.nlri_mask_trailing_bits), and so do we. The hash is of bgpdump's output with its
        // six "|24.0.0.0/1|" and "|24.0.0.0/2|" prefixes masked to 0.0.0.0; the other 30 lines are as it printed them.
        var lines = DumpRunner.DumpLines(TestData.Path("mrt", "mrtparse", "bird_bgp"));
        Assert.That(lines, Has.Length.EqualTo(36));
        Assert.That(lines[8], Is.EqualTo("BGP4MP|1486805565|A|192.168.0.10|65000|0.0.0.0/2|4200000000 4200000000 4200000000 64512 64512 64512|IGP|192.168.0.10|100|10|65000:100 65000:200 65000:300|NAG||"));
        Assert.That(lines[^1], Is.EqualTo("BGP4MP|1486805643|A|192.168.0.10|65000|0.0.0.0/1||IGP|192.168.0.10|100|0||NAG||"));
        Assert.That(DumpRunner.Sha256(lines), Is.EqualTo("1cb9f1d72991c096d3750f38d3b5be1d1ea925800f59046cc59896e0e1b3df41"));
    }

    [Test]
    public void Bird6_add_path_updates_whose_nlri_do_not_parse_print_nothing()
    {
        // The same add-path confusion inside MP_REACH_NLRI leaves an NLRI field that does not parse
        // (RFC 7606: the attribute is dropped). bgpdump prints 32 invented routes (::/0,
        // 100:100::140:fd01:1/0, ...) from it; we print the other 12 lines exactly as it does.
        var lines = DumpRunner.DumpLines(TestData.Path("mrt", "mrtparse", "bird6_bgp"));
        Assert.That(lines, Has.Length.EqualTo(12));
        Assert.That(lines.Count(l => l.Contains("|STATE|")), Is.EqualTo(12));
        Assert.That(lines[0], Is.EqualTo("BGP4MP|1486805561|STATE|::|65000|1|3"));
    }

    [Test]
    public void A_file_with_damaged_record_boundaries_prints_the_records_before_the_damage()
    {
        // bgpkit-parser's notes: two damaged MRT record boundaries. bgpdump reads the garbage on as
        // updates (2,046 lines, prefix lengths up to /117); we stop at the first unusable length.
        var lines = DumpRunner.DumpLines(TestData.Path("mrt", "bgpkit-parser", "rrc00.updates.20000325.0345.gz"));
        Assert.That(lines, Is.EqualTo(new[]
        {
            "BGP|953955943|W|203.37.255.126|4608|203.37.255.126/24",
            "BGP|953955943|W|203.37.255.126|4608|203.37.255.126/24",
            "BGP|953955944|A|203.37.255.126|4608|204.92.84.0/24|4608 4777 2516 6461 1239 1800 701 705|IGP|203.37.255.126|0|0|NAG||",
            "BGP|953955944|A|203.37.255.126|4608|194.141.31.0/24|4608 4777 2497 3320 8866 8717 8717 8877|IGP|203.37.255.126|0|0|NAG||",
            "BGP|953955944|W|0.5.0.3|13937|0.5.0.3/0",
        }));
    }
}
