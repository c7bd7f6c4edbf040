using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Persistence;
using Bgp.Actors.Config.Toml;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Persistence;

[TestFixture]
public sealed class ConfigStoreTests
{
    private const string Original = """
        # Route server, London. Managed by the daemon and by hand.
        [global]
        asn = 64500                  # our AS
        router_id = "192.0.2.1"

        [global.telemetry]
        log_level = "info"   # raise to debug when chasing a flap

        # Transit
        [[neighbors]]
        address = "192.0.2.2"
        remote_asn = 64501
        hold_time = 90 # agreed with the peer

        # Member
        [[neighbors]]
        address = "192.0.2.3"
        remote_asn = 64502

        """;

    private string _dir = "";
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bgpactors-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _path = Path.Combine(_dir, "bgp.toml");
        File.WriteAllText(_path, Original.ReplaceLineEndings("\n"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private ConfigStore OpenStore(ConfigStoreOptions? options = null)
    {
        var (store, diagnostics) = ConfigStore.Open(_path, options);
        Assert.That(diagnostics, Is.Empty, () => string.Join("\n", diagnostics));
        return store!;
    }

    private static TomlPath P(string path) => TomlPath.Parse(path);

    [Test]
    public async Task A_mutation_round_trips_through_the_file_with_comments_and_other_sections_kept()
    {
        using var store = OpenStore();

        var result = await store.SetAsync(P("neighbors[1].hold_time"), new TomlInteger(30));

        Assert.That(result.Success, Is.True, result.Error);
        string expected = Original.ReplaceLineEndings("\n").Replace("remote_asn = 64502\n", "remote_asn = 64502\nhold_time = 30\n");
        Assert.That(File.ReadAllText(_path), Is.EqualTo(expected));
        Assert.That(store.Current.Neighbors[1].HoldTime, Is.EqualTo(30));
        Assert.That(BgpConfig.Load(_path).Config, Is.EqualTo(store.Current), "what is on disk is what is in force");
        Assert.That(result.Diff!.Changes.Single().Path, Is.EqualTo("neighbors[192.0.2.3].hold_time"));
    }

    [Test]
    public async Task A_change_the_daemon_cannot_apply_leaves_the_file_and_the_configuration_as_they_were()
    {
        using var store = OpenStore();
        var before = File.ReadAllBytes(_path);
        var current = store.Current;
        BgpConfig? offered = null;

        var result = await store.SetAsync(P("neighbors[1].hold_time"), new TomlInteger(30), candidate =>
        {
            offered = candidate;
            Assert.That(File.ReadAllText(_path), Does.Contain("hold_time = 30"), "applied once written");
            return Task.FromResult<string?>("neighbor 192.0.2.3: cannot bind its local address");
        });

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("could not be applied").And.Contain("cannot bind its local address"));
        Assert.That(offered!.Neighbors[1].HoldTime, Is.EqualTo(30), "the applier saw the edited configuration");
        Assert.That(File.ReadAllBytes(_path), Is.EqualTo(before), "the file is written back byte for byte");
        Assert.That(store.Current, Is.SameAs(current));
        Assert.That(store.Text, Is.EqualTo(Original.ReplaceLineEndings("\n")));

        // nothing is left half-done: the next change goes through (the file is not seen as edited behind our back)
        var next = await store.SetAsync(P("neighbors[1].hold_time"), new TomlInteger(60), _ => Task.FromResult<string?>(null));
        Assert.That(next.Success, Is.True, next.Error);
        Assert.That(store.Current.Neighbors[1].HoldTime, Is.EqualTo(60));
    }

    [Test]
    public async Task A_reload_the_daemon_cannot_apply_keeps_the_running_configuration_and_an_applier_that_throws_counts_as_a_refusal()
    {
        using var store = OpenStore();
        var current = store.Current;
        File.WriteAllText(_path, Original.ReplaceLineEndings("\n").Replace("hold_time = 90", "hold_time = 30"));

        var refused = await store.ReloadAsync(_ => throw new InvalidOperationException("the RIB did not answer"));
        Assert.That(refused.Success, Is.False);
        Assert.That(refused.Error, Does.Contain("valid but could not be applied").And.Contain("the RIB did not answer"));
        Assert.That(store.Current, Is.SameAs(current));
        Assert.That(store.Current.Neighbors[0].HoldTime, Is.EqualTo(90));
        // the file on disk is not what is in force: API changes are refused until it is reloaded
        var blocked = await store.SetAsync(P("neighbors[1].hold_time"), new TomlInteger(60), _ => Task.FromResult<string?>(null));
        Assert.That(blocked.Error, Does.Contain("changed on disk"));

        var reloaded = await store.ReloadAsync(_ => Task.FromResult<string?>(null));
        Assert.That(reloaded.Success, Is.True, reloaded.Error);
        Assert.That(store.Current.Neighbors[0].HoldTime, Is.EqualTo(30));
    }

    [Test]
    public async Task Adding_and_removing_a_neighbor_keeps_the_rest_of_the_file_byte_for_byte()
    {
        using var store = OpenStore();

        var added = await store.AddNeighborAsync([
            KeyValuePair.Create<string, TomlValue>("address", new TomlString("2001:db8::7")),
            KeyValuePair.Create<string, TomlValue>("remote_asn", new TomlInteger(64507)),
        ]);
        Assert.That(added.Success, Is.True, added.Error);
        Assert.That(File.ReadAllText(_path), Does.StartWith(Original.ReplaceLineEndings("\n").TrimEnd('\n')));
        Assert.That(store.Current.FindNeighbor(IPAddress.Parse("2001:db8::7"))!.RemoteAsn, Is.EqualTo(64507u));

        var removed = await store.RemoveNeighborAsync(IPAddress.Parse("2001:db8::7"));
        Assert.That(removed.Success, Is.True, removed.Error);
        Assert.That(File.ReadAllText(_path).TrimEnd('\n'), Is.EqualTo(Original.ReplaceLineEndings("\n").TrimEnd('\n')));
    }

    [Test]
    public async Task Removing_a_neighbor_takes_its_comment_and_leaves_the_others()
    {
        using var store = OpenStore();

        var result = await store.RemoveNeighborAsync(IPAddress.Parse("192.0.2.2"));

        Assert.That(result.Success, Is.True, result.Error);
        string text = File.ReadAllText(_path);
        Assert.That(text, Does.Not.Contain("192.0.2.2").And.Contain("# Member\n[[neighbors]]\naddress = \"192.0.2.3\""));
        Assert.That(store.Current.Neighbors.Select(n => n.Address.ToString()), Is.EqualTo(new[] { "192.0.2.3" }));
    }

    [Test]
    public async Task A_mutation_that_breaks_the_schema_fails_and_changes_nothing()
    {
        using var store = OpenStore();
        var before = store.Current;

        var result = await store.SetAsync(P("neighbors[0].hold_time"), new TomlInteger(1));

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("`hold_time` must be 0 or between 3 and 65535 seconds"));
        Assert.That(result.Diagnostics.Single().Code, Is.EqualTo("out-of-range"));
        Assert.That(File.ReadAllText(_path), Is.EqualTo(Original.ReplaceLineEndings("\n")));
        Assert.That(store.Current, Is.SameAs(before));
    }

    [Test]
    public async Task A_refused_edit_fails_with_the_editors_reason()
    {
        using var store = OpenStore();

        var result = await store.RemoveNeighborAsync(IPAddress.Parse("198.51.100.1"));

        Assert.That((result.Success, result.Error), Is.EqualTo((false, "edit refused: there is no neighbor 198.51.100.1")));
        Assert.That(File.ReadAllText(_path), Is.EqualTo(Original.ReplaceLineEndings("\n")));
    }

    [Test]
    public async Task A_crash_between_write_and_rename_leaves_the_original_file_intact_and_valid()
    {
        string? tempSeen = null;
        using var store = OpenStore(new ConfigStoreOptions
        {
            BeforeRename = temp =>
            {
                tempSeen = temp;
                Assert.That(File.ReadAllText(temp), Does.Contain("hold_time = 30"), "the new content was fully written first");
                throw new IOException("simulated crash before rename");
            },
        });
        var before = store.Current;

        var result = await store.SetAsync(P("neighbors[0].hold_time"), new TomlInteger(30));

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("simulated crash before rename").And.Contain("the file is unchanged"));
        Assert.That(File.ReadAllText(_path), Is.EqualTo(Original.ReplaceLineEndings("\n")));
        Assert.That(BgpConfig.Load(_path).Success, Is.True);
        Assert.That(store.Current, Is.SameAs(before));
        Assert.That(tempSeen, Is.Not.Null);
        Assert.That(File.Exists(tempSeen), Is.False, "a failed write removes its temporary file");
    }

    [Test]
    public void A_temporary_file_left_by_a_hard_crash_is_ignored_and_removed_at_start()
    {
        // A kill -9 between write and rename leaves a (possibly torn) temporary file beside the config.
        string leftover = Path.Combine(_dir, ".bgp.toml.0123456789abcdef.tmp");
        File.WriteAllText(leftover, "[global]\nasn = 64500\nrouter_id = \"19");
        string unrelated = Path.Combine(_dir, "notes.tmp");
        File.WriteAllText(unrelated, "keep me");

        using var store = OpenStore();

        Assert.That(store.Current.Neighbors, Has.Count.EqualTo(2));
        Assert.That(File.Exists(leftover), Is.False);
        Assert.That(File.Exists(unrelated), Is.True, "only our own temporary files are cleaned");
    }

    [Test]
    public async Task A_file_edited_behind_the_daemons_back_is_not_overwritten()
    {
        using var store = OpenStore();
        File.AppendAllText(_path, "# hand edit\n");

        var result = await store.SetAsync(P("neighbors[0].hold_time"), new TomlInteger(30));

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("was changed on disk"));
        Assert.That(File.ReadAllText(_path), Does.EndWith("# hand edit\n"));
    }

    [Test]
    public async Task Concurrent_mutations_are_serialised_by_the_single_writer()
    {
        using var store = OpenStore();

        var results = await Task.WhenAll(Enumerable.Range(10, 16).Select(i => Task.Run(() => store.AddNeighborAsync([
            KeyValuePair.Create<string, TomlValue>("address", new TomlString($"198.51.100.{i}")),
            KeyValuePair.Create<string, TomlValue>("remote_asn", new TomlInteger(65000 + i)),
        ]))));

        Assert.That(results.Select(r => r.Error), Is.All.Null);
        Assert.That(store.Current.Neighbors, Has.Count.EqualTo(18));
        Assert.That(BgpConfig.Load(_path).Config, Is.EqualTo(store.Current));
    }

    [Test]
    public async Task The_rewritten_file_keeps_its_permissions()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix permissions");
            return;
        }
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var store = OpenStore();

        var result = await store.SetAsync(P("neighbors[0].md5_password"), new TomlString("s3cret"));

        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Opening_an_invalid_file_returns_its_diagnostics()
    {
        File.WriteAllText(_path, "[global]\nasn = 0\nrouter_id = \"192.0.2.1\"\n");

        var (store, diagnostics) = ConfigStore.Open(_path);

        Assert.That(store, Is.Null);
        Assert.That(diagnostics.Single().Code, Is.EqualTo("out-of-range"));
    }
}
