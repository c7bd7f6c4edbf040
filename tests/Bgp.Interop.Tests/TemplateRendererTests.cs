using System.Diagnostics;
using System.Net;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

[Category("Interop")]
public sealed class TemplateRendererTests
{
    private static readonly Dictionary<string, string> Vars = new()
    {
        ["A"] = "x", ["LIST"] = "1, 2 3", ["NO"] = "false", ["YES"] = "yes", ["EMPTY"] = "",
    };

    [Test]
    public void Placeholders_are_replaced_and_sections_repeat_per_item_with_the_item_as_dot()
    {
        string template = "a {{A}}!\n{{#LIST}}\n item {{.}} {{A}}\n{{#YES}}\n  nested\n{{/YES}}\n{{/LIST}}\nend\n";

        Assert.That(TemplateRenderer.Render(template, Vars),
            Is.EqualTo("a x!\n item 1 x\n  nested\n item 2 x\n  nested\n item 3 x\n  nested\nend\n"));
    }

    [Test]
    public void Inverted_sections_render_only_for_empty_or_false_values()
    {
        string template = "{{^NO}}\nno\n{{/NO}}\n{{^EMPTY}}\nempty\n{{/EMPTY}}\n{{^YES}}\nyes\n{{/YES}}\n{{#NO}}\nnever\n{{/NO}}\n";

        Assert.That(TemplateRenderer.Render(template, Vars), Is.EqualTo("no\nempty\n"));
    }

    [Test]
    public void An_unknown_placeholder_or_an_unclosed_section_is_an_error()
    {
        Assert.Throws<KeyNotFoundException>(() => TemplateRenderer.Render("{{TYPO}}\n", Vars));
        Assert.Throws<FormatException>(() => TemplateRenderer.Render("{{#YES}}\nx\n", Vars));
    }

    [Test]
    public void Options_outside_ipv4_loopback_are_rejected()
    {
        var options = LabPeerOptions.For(PeerKind.Frr);

        Assert.Throws<ArgumentException>(() => (options with { RemoteAddress = IPAddress.Parse("192.0.2.1") }).Validate());
        Assert.Throws<ArgumentException>(() => (options with { LocalAddress = IPAddress.IPv6Loopback }).Validate());
        Assert.Throws<ArgumentException>(() => (options with { Md5Password = "two words" }).Validate());
        Assert.DoesNotThrow(options.Validate);
    }

    /// <summary>clab/peer.sh renders with render.awk; both must produce the same config from the same variables.</summary>
    [TestCase("frr-bgpd.conf")]
    [TestCase("bird.conf")]
    [TestCase("gobgpd.toml")]
    [TestCase("openbgpd.conf")]
    [TestCase("exabgp.conf")]
    public async Task The_awk_renderer_of_peer_sh_and_the_CSharp_renderer_agree(string template)
    {
        if (LabCommand.Locate("awk") is null) Assert.Ignore("no awk");
        foreach (var vars in new[] { Sample(passive: false, md5: null, ttl: null, ipv6: true), Sample(passive: true, md5: "k3y", ttl: "1", ipv6: false) })
        {
            string varsFile = Path.GetTempFileName();
            try
            {
                await File.WriteAllLinesAsync(varsFile, vars.Select(kv => $"{kv.Key}={kv.Value}"));
                string awkScript = Path.Combine(TestData.RepositoryRoot, "clab", "render.awk");
                string templatePath = Path.Combine(TestData.RepositoryRoot, "clab", "templates", template);
                var result = await LabCommand.RunAsync("awk", ["-v", $"VARS={varsFile}", "-f", awkScript, templatePath]);

                Assert.That(result.ExitCode, Is.Zero, result.Combined);
                Assert.That(TemplateRenderer.Render(TemplateRenderer.LoadTemplate(template), vars), Is.EqualTo(result.Stdout));
            }
            finally
            {
                File.Delete(varsFile);
            }
        }
    }

    private static Dictionary<string, string> Sample(bool passive, string? md5, string? ttl, bool ipv6) => new()
    {
        ["DIR"] = "/tmp/lab", ["CLAB"] = "/repo/clab", ["NAME"] = "lab", ["LOCAL_ADDRESS"] = "127.2.0.1", ["LOCAL_AS"] = "65002",
        ["REMOTE_ADDRESS"] = "127.0.1.1", ["REMOTE_AS"] = "65000", ["ROUTER_ID"] = "127.2.0.1", ["HOLD_TIME"] = "9",
        ["KEEPALIVE"] = "3", ["CONNECT_RETRY"] = "1", ["MULTIHOP"] = "8", ["PASSIVE"] = passive ? "true" : "false",
        ["REMOTE_IS_ROUTE_SERVER"] = passive ? "true" : "false",
        ["IPV6"] = ipv6 ? "true" : "false", ["MD5_PASSWORD"] = md5 ?? "", ["TTL_SECURITY"] = ttl ?? "",
        ["TTL_MIN"] = ttl is null ? "" : "255", ["IPV4_ROUTES"] = "10.2.0.0/24,10.2.1.0/24", ["IPV6_ROUTES"] = "2001:db8:2::/48",
        ["NEXT_HOP4"] = "198.18.0.2", ["NEXT_HOP6"] = "2001:db8:ffff::2", ["API_PORT"] = "50054",
    };
}
