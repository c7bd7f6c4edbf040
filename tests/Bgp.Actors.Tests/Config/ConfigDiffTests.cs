using System.Text.Json;
using Bgp.Actors.Config;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config;

[TestFixture]
public sealed class ConfigDiffTests
{
    private const string Base = """
        [global]
        asn = 64500
        router_id = "192.0.2.1"

        [peer_groups.members]
        remote_asn = 64510
        hold_time = 180

        [[neighbors]]
        address = "192.0.2.2"
        peer_group = "members"
        description = "member A"
        md5_password = "one"

        [[neighbors]]
        address = "192.0.2.3"
        remote_asn = 64511
        """;

    private static BgpConfig Bind(string text)
    {
        var result = BgpConfig.Parse(text, "bgp.toml");
        Assert.That(result.Diagnostics, Is.Empty, () => string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    private static ConfigDiff Diff(string next) => ConfigDiff.Compute(Bind(Base), Bind(next));

    [Test]
    public void Identical_configurations_have_no_changes_and_nothing_actionable()
    {
        var diff = Diff(Base + "\n# a comment only\n");

        Assert.That(diff.Changes, Is.Empty);
        Assert.That(diff.IsActionable, Is.False);
        Assert.That(diff.ToText(), Is.EqualTo("no changes\n"));
    }

    [TestCase("asn = 64500", "asn = 64501", "global.asn")]
    [TestCase("router_id = \"192.0.2.1\"", "router_id = \"192.0.2.1\"\ncluster_id = \"10.0.0.1\"", "global.cluster_id")]
    [TestCase("asn = 64500", "asn = 64500\nlisten_port = 1179", "global.listen_port")]
    [TestCase("asn = 64500", "asn = 64500\nlisten_addresses = [\"::\"]", "global.listen_addresses")]
    [TestCase("asn = 64500", "asn = 64500\nruntime_state_dir = \"/run/bgp\"", "global.runtime_state_dir")]
    [TestCase("router_id = \"192.0.2.1\"", "router_id = \"192.0.2.1\"\n[global.telemetry]\nlog_format = \"json\"", "global.telemetry.log_format")]
    [TestCase("router_id = \"192.0.2.1\"", "router_id = \"192.0.2.1\"\n[global.telemetry]\nprometheus_address = \"127.0.0.1:9179\"", "global.telemetry.prometheus_address")]
    [TestCase("router_id = \"192.0.2.1\"", "router_id = \"192.0.2.1\"\n[[global.telemetry.grpc_listeners]]\nunix = \"/run/x.sock\"", "global.telemetry.grpc_listeners")]
    public void Identity_listeners_and_the_logging_pipeline_require_a_restart(string from, string to, string path)
    {
        var diff = Diff(Base.Replace(from, to));

        Assert.That(diff.Changes.Single(c => c.Path == path).Class, Is.EqualTo(ChangeClass.RestartRequired));
        Assert.That(diff.IsActionable && diff.RequiresRestart, Is.True);
    }

    [Test]
    public void The_log_level_is_applied_on_reload()
    {
        var diff = Diff(Base.Replace("router_id = \"192.0.2.1\"", "router_id = \"192.0.2.1\"\n[global.telemetry]\nlog_level = \"debug\""));

        var levels = diff.Changes.Select(c => (c.Path, c.Class)).ToList();
        Assert.That(levels, Does.Contain(("global.telemetry.log_level", ChangeClass.AppliedOnReload)));
        Assert.That(levels, Does.Contain(("neighbors[192.0.2.3].log_level", ChangeClass.AppliedOnReload)), "neighbors inherit the global level");
        Assert.That(diff.RequiresRestart, Is.False);
    }

    [Test]
    public void Added_and_removed_neighbors_are_applied_on_reload()
    {
        var diff = Diff(Base.Replace("address = \"192.0.2.3\"", "address = \"192.0.2.4\""));

        Assert.That(diff.Changes.Select(c => (c.Path, c.Kind, c.Class)), Is.EquivalentTo(new[]
        {
            ("neighbors[192.0.2.3]", ChangeKind.Removed, ChangeClass.AppliedOnReload),
            ("neighbors[192.0.2.4]", ChangeKind.Added, ChangeClass.AppliedOnReload),
        }));
    }

    [Test]
    public void A_peer_group_edit_shows_on_each_member_with_whether_the_session_resets()
    {
        var diff = Diff(Base.Replace("hold_time = 180", "hold_time = 90\nmax_prefixes = 100"));

        var hold = diff.Changes.Single(c => c.Path == "neighbors[192.0.2.2].hold_time");
        Assert.That((hold.Old, hold.New, hold.Class, hold.ResetsSession), Is.EqualTo(("180", "90", ChangeClass.AppliedOnReload, true)));
        var limit = diff.Changes.Single(c => c.Path == "neighbors[192.0.2.2].max_prefixes");
        Assert.That((limit.Old, limit.New, limit.ResetsSession), Is.EqualTo(("(unset)", "[ipv4-unicast=100]", false)));
        Assert.That(diff.Changes.Single(c => c.Path == "peer_groups.members").Class, Is.EqualTo(ChangeClass.Informational));
    }

    [Test]
    public void Disabling_a_group_and_moving_a_port_apply_on_reload_without_a_reset()
    {
        var diff = Diff(Base.Replace("hold_time = 180", "hold_time = 180\nenabled = false")
            .Replace("remote_asn = 64511", "remote_asn = 64511\nremote_port = 1179"));

        var enabled = diff.Changes.Single(c => c.Path == "neighbors[192.0.2.2].enabled");
        Assert.That((enabled.Old, enabled.New, enabled.Class, enabled.ResetsSession), Is.EqualTo(("true", "false", ChangeClass.AppliedOnReload, false)));
        var port = diff.Changes.Single(c => c.Path == "neighbors[192.0.2.3].remote_port");
        Assert.That((port.Old, port.New, port.Class, port.ResetsSession), Is.EqualTo(("179", "1179", ChangeClass.AppliedOnReload, false)));
        Assert.That(diff.IsActionable, Is.True);
    }

    [Test]
    public void A_description_change_alone_is_informational_and_not_actionable()
    {
        var diff = Diff(Base.Replace("member A", "member A (London)"));

        var change = diff.Changes.Single();
        Assert.That((change.Path, change.Class), Is.EqualTo(("neighbors[192.0.2.2].description", ChangeClass.Informational)));
        Assert.That(diff.IsActionable, Is.False);
    }

    [Test]
    public void A_password_change_is_reported_without_revealing_either_password()
    {
        var diff = Diff(Base.Replace("md5_password = \"one\"", "md5_password = \"two\""));

        var change = diff.Changes.Single();
        Assert.That((change.Path, change.Old, change.New, change.ResetsSession), Is.EqualTo(("neighbors[192.0.2.2].md5_password", "(set)", "(changed)", true)));
        Assert.That(diff.ToText() + diff.ToJson(), Does.Not.Contain("one\"").And.Not.Contain("two"));
    }

    [Test]
    public void The_text_output_groups_changes_most_disruptive_first()
    {
        var diff = Diff(Base.Replace("asn = 64500", "asn = 64501").Replace("member A", "member B").Replace("remote_asn = 64511", "remote_asn = 64512"));

        Assert.That(diff.ToText(), Is.EqualTo("""
            restart required:
              global.asn: 64500 -> 64501
            applied on reload:
              neighbors[192.0.2.3].remote_asn: 64511 -> 64512 (resets the session)
            informational:
              neighbors[192.0.2.2].description: member A -> member B

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void The_json_output_has_one_array_per_class()
    {
        var diff = Diff(Base.Replace("asn = 64500", "asn = 64501").Replace("address = \"192.0.2.3\"", "address = \"192.0.2.4\""));

        using var json = JsonDocument.Parse(diff.ToJson());
        var root = json.RootElement;
        Assert.That(root.GetProperty("actionable").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("restart_needed").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("restart_required")[0].GetProperty("path").GetString(), Is.EqualTo("global.asn"));
        var applied = root.GetProperty("applied_on_reload").EnumerateArray().ToList();
        Assert.That(applied.Select(c => c.GetProperty("kind").GetString()), Is.EquivalentTo(new[] { "removed", "added" }));
        Assert.That(applied.Single(c => c.GetProperty("kind").GetString() == "added").GetProperty("old").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(root.GetProperty("informational").GetArrayLength(), Is.Zero);
    }
}
