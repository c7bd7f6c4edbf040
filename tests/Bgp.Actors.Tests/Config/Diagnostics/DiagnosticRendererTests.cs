using Bgp.Actors.Config;
using Bgp.Actors.Config.Diagnostics;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Diagnostics;

/// <summary>Golden output: the exact text an operator sees, rustc style.</summary>
[TestFixture]
public sealed class DiagnosticRendererTests
{
    private static string Render(string text) => DiagnosticRenderer.Render(BgpConfig.Parse(text, "bgp.toml").Diagnostics);

    [Test]
    public void One_error_prints_the_line_a_caret_under_the_value_the_reason_and_a_summary()
    {
        string text = "[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 64501\nhold_time = 2\n";

        Assert.That(Render(text), Is.EqualTo("""
            error: `hold_time` must be 0 or between 3 and 65535 seconds
             --> bgp.toml:7:13
              |
            7 | hold_time = 2
              |             ^ 2 is out of range
              |
              = help: RFC 4271 §4.2: the hold time is zero (no keepalives) or at least three seconds

            error: could not load `bgp.toml` due to 1 error

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Several_errors_print_in_file_order_and_the_gutter_widens_for_two_digit_lines()
    {
        string text = "[global]\nasn = 0\nrouter_id = \"192.0.2.1\"\n\n\n\n\n\n\n[[neighbors]]\naddress = \"192.0.2.256\"\nremote_asn = 1\n";

        Assert.That(Render(text), Is.EqualTo("""
            error: `asn` must be an AS number between 1 and 4294967295
             --> bgp.toml:2:7
              |
            2 | asn = 0
              |       ^ 0 is out of range
              |
              = help: RFC 7607: AS 0 must not be used

            error: `address` must be an IPv4 or IPv6 address
              --> bgp.toml:11:11
               |
            11 | address = "192.0.2.256"
               |           ^^^^^^^^^^^^^ "192.0.2.256" is not an IPv4 or IPv6 address

            error: could not load `bgp.toml` due to 2 errors

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void An_unknown_key_is_underlined_with_a_suggestion_and_the_valid_keys()
    {
        string text = "[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\nlisten-port = 179\n";

        Assert.That(Render(text), Is.EqualTo("""
            error: unknown key `listen-port` in [global]
             --> bgp.toml:4:1
              |
            4 | listen-port = 179
              | ^^^^^^^^^^^ did you mean `listen_port`?
              |
              = help: valid keys here: asn, router_id, listen_addresses, listen_port, runtime_state_dir, cluster_id, always_compare_med, deterministic_med, import_policy, export_policy, telemetry

            error: could not load `bgp.toml` due to 1 error

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void A_toml_syntax_error_renders_the_same_way()
    {
        string text = "[global]\nasn = 1\nasn = 2\n";

        Assert.That(Render(text), Is.EqualTo("""
            error: key 'asn' is already defined at bgp.toml:2:1
             --> bgp.toml:3:1
              |
            3 | asn = 2
              | ^^^ invalid TOML here

            error: could not load `bgp.toml` due to 1 error

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Tabs_expand_to_four_columns_and_the_caret_follows()
    {
        string text = "[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\n\tlisten_port = 0\n";

        Assert.That(DiagnosticRenderer.RenderOne(BgpConfig.Parse(text, "bgp.toml").Diagnostics.Single()), Is.EqualTo("""
            error: `listen_port` must be a TCP port between 1 and 65535
             --> bgp.toml:4:16
              |
            4 |     listen_port = 0
              |                   ^ 0 is out of range

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void A_value_spanning_lines_is_underlined_to_the_end_of_its_first_line()
    {
        string text = "[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\nlisten_addresses = [\n  \"::\",\n]\nlisten_port = \"x\"\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 2\nfamilies = [\n]\n";

        var rendered = BgpConfig.Parse(text, "bgp.toml").Diagnostics.Select(DiagnosticRenderer.RenderOne).ToList();

        Assert.That(rendered[1], Is.EqualTo("""
            error: `families` must name at least one family
              --> bgp.toml:11:12
               |
            11 | families = [
               |            ^ empty list
               |
               = help: leave `families` out for the default (the neighbor address's unicast family)

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void A_diagnostic_without_a_span_names_the_file()
    {
        var diagnostic = ConfigDiagnostic.ForFile("/etc/bgp.toml", "unreadable-file", "cannot read `/etc/bgp.toml`: no such file");

        Assert.That(DiagnosticRenderer.Render([diagnostic]), Is.EqualTo("""
            error: cannot read `/etc/bgp.toml`: no such file
             --> /etc/bgp.toml

            error: could not load `/etc/bgp.toml` due to 1 error

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Columns_count_characters_not_utf16_units()
    {
        string text = "[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 2\ndescription = \"🚀\"; hold_time = 1\n";

        var diagnostic = BgpConfig.Parse(text, "bgp.toml").Diagnostics.Single();

        Assert.That(DiagnosticRenderer.RenderOne(diagnostic), Does.Contain("7 | description = \"🚀\"; hold_time = 1\n  |                  ^ invalid TOML here"));
    }

    [TestCase("")]
    [TestCase("\n")]
    [TestCase("# only a comment")]
    public void An_empty_file_points_at_its_first_line(string text)
    {
        string first = text.Split('\n')[0];

        Assert.That(Render(text), Does.StartWith($"""
            error: missing table `[global]`
             --> bgp.toml:1:1
              |
            1 | {first}
            """.TrimEnd() + "\n  | ^ expected `[global]` with `asn` and `router_id`\n"));
    }

    [Test]
    public void Crlf_line_endings_do_not_leak_into_the_printed_line()
    {
        string text = "[global]\r\nasn = 0\r\nrouter_id = \"192.0.2.1\"\r\n";

        Assert.That(Render(text), Does.Contain("2 | asn = 0\n  |       ^ 0 is out of range\n"));
    }
}
