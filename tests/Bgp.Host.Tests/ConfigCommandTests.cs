using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Host.Tests;

/// <summary><c>bgpactorsd --check</c> and <c>--diff</c>, run in-process: exit codes and exact output.</summary>
[TestFixture]
public sealed class ConfigCommandTests
{
    private const string Valid = """
        [global]
        asn = 64500
        router_id = "192.0.2.1"

        [[neighbors]]
        address = "192.0.2.2"
        remote_asn = 64501
        description = "transit"
        """;

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bgpactorsd-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Check_prints_config_ok_and_exits_0_for_a_valid_file()
    {
        var (exit, stdout, stderr) = Run("--check", Write("bgp.toml", Valid));

        Assert.That((exit, stdout, stderr), Is.EqualTo((0, "config OK\n", "")));
    }

    [Test]
    public void Check_prints_every_diagnostic_and_exits_1_for_an_invalid_file()
    {
        string path = Write("bgp.toml", Valid.Replace("asn = 64500", "asn = 0").Replace("remote_asn = 64501", "remote_asn = 64501\nhold_time = 2"));

        var (exit, stdout, stderr) = Run("--check", path);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Is.EqualTo($"""
            error: `asn` must be an AS number between 1 and 4294967295
             --> {path}:2:7
              |
            2 | asn = 0
              |       ^ 0 is out of range
              |
              = help: RFC 7607: AS 0 must not be used

            error: `hold_time` must be 0 or between 3 and 65535 seconds
             --> {path}:8:13
              |
            8 | hold_time = 2
              |             ^ 2 is out of range
              |
              = help: RFC 4271 §4.2: the hold time is zero (no keepalives) or at least three seconds

            error: could not load `{path}` due to 2 errors

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Check_reports_a_missing_file_as_a_diagnostic_and_exits_1()
    {
        string path = Path.Combine(_dir, "absent.toml");

        var (exit, _, stderr) = Run("--check", path);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith($"error: cannot read `{path}`: no such file\n --> {path}\n"));
    }

    [Test]
    public void Check_with_json_lists_the_errors_with_positions()
    {
        var (exit, stdout, _) = Run("--check", Write("bgp.toml", Valid.Replace("\"192.0.2.2\"", "\"192.0.2\"")), "--json");

        Assert.That(exit, Is.EqualTo(1));
        using var json = JsonDocument.Parse(stdout);
        Assert.That(json.RootElement.GetProperty("ok").GetBoolean(), Is.False);
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.That((error.GetProperty("code").GetString(), error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()),
            Is.EqualTo(("invalid-address", 6, 11)));
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("`address` must be an IPv4 or IPv6 address"));
    }

    [Test]
    public void Check_with_json_on_a_valid_file_says_ok()
    {
        var (exit, stdout, _) = Run("--check", Write("bgp.toml", Valid), "--json");

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Is.EqualTo("{\n  \"ok\": true,\n  \"errors\": []\n}\n"));
    }

    [Test]
    public void Diff_of_identical_files_exits_0()
    {
        var (exit, stdout, _) = Run("--diff", Write("new.toml", Valid + "\n# comment\n"), Write("cur.toml", Valid));

        Assert.That((exit, stdout), Is.EqualTo((0, "no changes\n")));
    }

    [Test]
    public void Diff_with_only_informational_changes_exits_0()
    {
        var (exit, stdout, _) = Run("--diff", Write("new.toml", Valid.Replace("transit", "transit (backup)")), Write("cur.toml", Valid));

        Assert.That((exit, stdout), Is.EqualTo((0, "informational:\n  neighbors[192.0.2.2].description: transit -> transit (backup)\n")));
    }

    [Test]
    public void Diff_with_actionable_changes_exits_1_and_groups_them()
    {
        string next = Valid.Replace("router_id = \"192.0.2.1\"", "router_id = \"192.0.2.1\"\nlisten_port = 1179")
            + "\n[[neighbors]]\naddress = \"2001:db8::3\"\nremote_asn = 64503\n";

        var (exit, stdout, stderr) = Run("--diff", Write("new.toml", next), Write("cur.toml", Valid));

        Assert.That(exit, Is.EqualTo(1), stderr);
        Assert.That(stdout, Is.EqualTo("""
            restart required:
              global.listen_port: 179 -> 1179
            applied on reload:
              neighbors[2001:db8::3]: added (neighbor 2001:db8::3 AS64503)

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Diff_with_json_prints_the_classified_changes()
    {
        var (exit, stdout, _) = Run("--diff", Write("new.toml", Valid.Replace("64501", "64509")), Write("cur.toml", Valid), "--json");

        Assert.That(exit, Is.EqualTo(1));
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.That(root.GetProperty("actionable").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("restart_needed").GetBoolean(), Is.False);
        var change = root.GetProperty("applied_on_reload").EnumerateArray().Single();
        Assert.That((change.GetProperty("path").GetString(), change.GetProperty("old").GetString(), change.GetProperty("new").GetString(),
            change.GetProperty("resets_session").GetBoolean()), Is.EqualTo(("neighbors[192.0.2.2].remote_asn", "64501", "64509", true)));
    }

    [Test]
    public void Diff_with_json_and_nothing_actionable_exits_0()
    {
        var (exit, stdout, _) = Run("--diff", Write("new.toml", Valid), Write("cur.toml", Valid), "--json");

        Assert.That(exit, Is.Zero);
        Assert.That(JsonDocument.Parse(stdout).RootElement.GetProperty("actionable").GetBoolean(), Is.False);
    }

    [Test]
    public void Diff_exits_2_when_either_file_is_invalid_and_says_why()
    {
        string bad = Write("new.toml", Valid.Replace("asn = 64500", "asn = -1"));

        var (exit, stdout, stderr) = Run("--diff", bad, Write("cur.toml", Valid));

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain($" --> {bad}:2:7").And.Contain("-1 is out of range"));
    }

    [Test]
    public void Diff_exits_2_for_a_missing_file_and_with_json_lists_the_error()
    {
        var (exit, stdout, _) = Run("--diff", Write("new.toml", Valid), Path.Combine(_dir, "absent.toml"), "--json");

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(JsonDocument.Parse(stdout).RootElement.GetProperty("errors")[0].GetProperty("code").GetString(), Is.EqualTo("unreadable-file"));
    }

    [Test]
    public void Diff_with_one_file_is_a_usage_error_exiting_2()
    {
        var (exit, _, stderr) = Run("--diff", Write("new.toml", Valid));

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--diff"));
    }

    [Test]
    public void Check_and_diff_together_are_a_usage_error()
    {
        string path = Write("bgp.toml", Valid);

        Assert.That(Run("--check", path, "--diff", path, path).Exit, Is.EqualTo(2));
    }

    [Test]
    public void Version_prints_the_daemon_name_and_version()
    {
        var (exit, stdout, _) = Run("--version");

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Does.Match(@"^bgpactorsd \S+\n$"));
    }

    [Test]
    public void Without_a_config_file_or_command_the_daemon_says_what_it_needs()
    {
        var (exit, _, stderr) = Run();

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("give a configuration file to run"));
    }

    [Test]
    public void An_unknown_option_is_a_usage_error()
    {
        Assert.That(Run("--frobnicate").Exit, Is.EqualTo(2));
    }
}
