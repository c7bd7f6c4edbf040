using NUnit.Framework;

namespace Bgp.Cli.Tests.Mrt;

/// <summary>
/// The acceptance test: for every MRT file in RIPE NCC's bgpdump test suite
/// (testdata/mrt/ripe-bgpdump/test_data), <c>bgpactorsctl mrt dump</c> prints exactly what
/// <c>bgpdump -vm</c> printed (test_expect/NAME.bgp.gz), line for line. The expected file for
/// updates.nlri_mask_trailing_bits has the host bits masked (11.8.0.0/13); so do we.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public class BgpdumpReferenceTests
{
    private static readonly string[] Inputs =
    [
        "bview.20020722.2337.gz",
        "bview.64k_stream_overflow.gz",
        "bview.ipv4_unicast_add_path.gz",
        "bview.ipv6_unicast_add_path.gz",
        "updates.20020722.2238.gz",
        "updates.20070211.0141.gz",
        "updates.20071015.1505.gz",
        "updates.20100722.2015.gz",
        "updates.20160811.1600.gz",
        "updates.et-header.2015.gz",
        "updates.long_withdrawal.gz",
        "updates.nlri_mask_trailing_bits.gz",
    ];

    [Test]
    public void Every_input_of_the_reference_suite_is_covered()
    {
        var present = Directory.GetFiles(TestData.Path("mrt", "ripe-bgpdump", "test_data")).Select(Path.GetFileName).Order();
        Assert.That(present, Is.EqualTo(Inputs.Order()));
    }

    [TestCaseSource(nameof(Inputs))]
    public void Dump_prints_exactly_what_bgpdump_printed(string name)
    {
        string input = TestData.Path("mrt", "ripe-bgpdump", "test_data", name);
        string expected = TestData.Path("mrt", "ripe-bgpdump", "test_expect", name + ".bgp.gz");
        string output = DumpRunner.DumpToFile(input);
        try
        {
            using var actual = DumpRunner.OpenText(output);
            using var reference = DumpRunner.OpenText(expected);
            DumpRunner.AssertSameLines(actual, reference, name);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
