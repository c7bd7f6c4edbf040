using NUnit.Framework;

namespace Bgp.Cli.Tests.Mrt;

public class MrtDumpCommandTests
{
    [Test]
    public void A_missing_file_exits_non_zero_with_the_reason_on_stderr()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int rc = Program.Run(["mrt", "dump", "/nonexistent/updates.gz"], stdout, stderr);
        Assert.That(rc, Is.Not.Zero);
        Assert.That(stderr.ToString(), Does.Contain("cannot open").And.Contain("/nonexistent/updates.gz"));
        Assert.That(stdout.ToString(), Is.Empty);
    }

    [Test]
    public void A_directory_is_not_a_readable_file()
    {
        var stderr = new StringWriter();
        int rc = Program.Run(["mrt", "dump", Path.GetTempPath()], new StringWriter(), stderr);
        Assert.That(rc, Is.Not.Zero);
        Assert.That(stderr.ToString(), Does.Contain("cannot open"));
    }

    [Test]
    public void Without_a_file_argument_the_command_is_a_usage_error()
    {
        var stderr = new StringWriter();
        int rc = Program.Run(["mrt", "dump"], new StringWriter(), stderr);
        Assert.That(rc, Is.Not.Zero);
        Assert.That(stderr.ToString(), Does.Contain("FILE").Or.Contain("argument"));
    }

    [Test]
    public void A_truncated_file_prints_the_whole_records_and_reports_the_cut()
    {
        string cut = Path.Combine(Path.GetTempPath(), $"cut-{Guid.NewGuid():N}.mrt");
        try
        {
            string path = TestData.Path("mrt", "mrtparse", "quagga_bgp");
            var whole = File.ReadAllBytes(path);
            File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int rc = Program.Run(["mrt", "dump", cut], stdout, stderr);
            Assert.That(rc, Is.Zero);
            var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var all = DumpRunner.DumpLines(path);
            Assert.That(lines, Is.Not.Empty.And.Length.LessThan(all.Length));
            Assert.That(lines, Is.EqualTo(all.Take(lines.Length)));
            Assert.That(stderr.ToString(), Does.Contain("truncated"));
        }
        finally
        {
            File.Delete(cut);
        }
    }
}
