using System.Diagnostics;
using Bgp.Actors.Config;
using NUnit.Framework;

namespace Bgp.Host.Tests;

/// <summary>
/// The files in <c>examples/</c> that operators copy: every configuration passes <c>bgpactorsd --check</c>,
/// and the systemd unit checks and runs the same file, keeps the hardening it documents and leaves
/// writable exactly the directories the daemon writes to.
/// </summary>
[TestFixture]
public sealed class ExampleConfigTests
{
    private static string ExamplesDir => Path.Combine(TestData.RepositoryRoot, "examples");

    private static string UnitPath => Path.Combine(ExamplesDir, "systemd", "bgpactorsd.service");

    /// <summary>The example configurations, by file name (one test case each).</summary>
    private static IEnumerable<string> Examples() =>
        Directory.EnumerateFiles(ExamplesDir, "*.toml").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal);

    [Test]
    public void There_are_at_least_three_example_configurations()
    {
        Assert.That(Examples().ToList(), Has.Count.GreaterThanOrEqualTo(3).And.Contains("minimal.toml"));
    }

    [TestCaseSource(nameof(Examples))]
    public void The_example_configuration_passes_check(string name)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };

        int exit = Program.Run(["--check", Path.Combine(ExamplesDir, name)], stdout, stderr);

        Assert.That((exit, stdout.ToString(), stderr.ToString()), Is.EqualTo((0, "config OK\n", "")));
    }

    [Test]
    public void The_unit_checks_the_file_it_runs_and_reloads_with_SIGHUP()
    {
        var unit = SystemdUnit.Load(UnitPath);

        string[] start = unit.Single("Service", "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(start, Has.Length.EqualTo(2), "ExecStart=DAEMON CONFIG");
        var (daemon, config) = (start[0], start[1]);
        Assert.That(Path.IsPathRooted(daemon) && Path.IsPathRooted(config), Is.True, "systemd wants absolute paths");
        Assert.That(config, Is.EqualTo("/etc/bgpactors/bgpactors.toml"));

        // The same binary validates the same file first, at start and before every reload.
        string check = $"{daemon} --check {config}";
        Assert.That(unit.All("Service", "ExecStartPre"), Does.Contain(check));
        var reload = unit.All("Service", "ExecReload");
        Assert.That(reload, Has.Count.EqualTo(2));
        Assert.That(reload[0], Is.EqualTo(check), "the check runs before the signal");
        Assert.That(reload[1], Does.Match(@"^/(usr/)?bin/kill -HUP \$MAINPID$"));
        Assert.That(unit.Single("Service", "KillSignal"), Is.EqualTo("SIGTERM"), "SIGTERM is what sends every peer a Cease");
    }

    [Test]
    public void The_unit_runs_hardened_and_can_write_only_where_the_daemon_writes()
    {
        var unit = SystemdUnit.Load(UnitPath);
        string config = unit.Single("Service", "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

        Assert.Multiple(() =>
        {
            // A fixed user that can own the config directory (API changes are persisted there), never root.
            Assert.That(unit.Single("Service", "User"), Is.Not.Empty.And.Not.EqualTo("root"));
            Assert.That(unit.All("Service", "DynamicUser"), Is.Empty.Or.EqualTo(new[] { "no" }));

            // The gRPC socket lives in the default runtime_state_dir, which systemd creates for the user.
            Assert.That("/var/lib/" + unit.Single("Service", "StateDirectory"), Is.EqualTo(GlobalConfig.DefaultRuntimeStateDir));
            // The file is rewritten by a rename in its own directory, so that directory must be writable
            // even though ProtectSystem=strict makes /etc read-only.
            Assert.That(unit.Single("Service", "ProtectSystem"), Is.EqualTo("strict"));
            Assert.That(unit.Single("Service", "ReadWritePaths").Split(' '), Does.Contain(Path.GetDirectoryName(config)));

            // Port 179 and nothing more.
            Assert.That(unit.Single("Service", "AmbientCapabilities"), Is.EqualTo("CAP_NET_BIND_SERVICE"));
            Assert.That(unit.Single("Service", "CapabilityBoundingSet"), Is.EqualTo("CAP_NET_BIND_SERVICE"));
            Assert.That(unit.All("Service", "PrivateUsers"), Is.Empty, "capabilities in a user namespace do not cover the host's port 179");
            Assert.That(unit.Single("Service", "RestrictAddressFamilies").Split(' '),
                Is.EquivalentTo(new[] { "AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK" }));
            Assert.That(unit.Single("Service", "SystemCallFilter"), Is.EqualTo("@system-service"));

            foreach (string yes in new[] { "NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "LockPersonality",
                                           "RestrictRealtime", "RestrictSUIDSGID", "ProtectKernelTunables", "ProtectKernelModules",
                                           "ProtectControlGroups", "RestrictNamespaces" })
                Assert.That(unit.All("Service", yes), Is.EqualTo(new[] { "yes" }), yes);

            // The JIT maps the code it writes executable: MemoryDenyWriteExecute=yes would stop the runtime.
            Assert.That(unit.All("Service", "MemoryDenyWriteExecute"), Is.Empty);
        });
    }

    /// <summary>systemd's own parser: no unknown keys or bad values (binaries swapped for one that exists here).</summary>
    [Test]
    public async Task Systemd_analyze_verify_accepts_the_unit()
    {
        string? analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null) Assert.Ignore("systemd-analyze is not installed");
        var unit = SystemdUnit.Load(UnitPath);
        string daemon = unit.Single("Service", "ExecStart").Split(' ')[0];

        var dir = Directory.CreateTempSubdirectory("bgpactors-unit-");
        try
        {
            string copy = Path.Combine(dir.FullName, "bgpactorsd.service");
            await File.WriteAllTextAsync(copy, (await File.ReadAllTextAsync(UnitPath)).Replace(daemon, "/bin/true"));
            var psi = new ProcessStartInfo(analyze) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("verify");
            psi.ArgumentList.Add(copy);
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                Assert.Fail("systemd-analyze verify took longer than 30 s");
            }
            string output = await stdout + await stderr;
            // Only what it says about this unit counts: a container may add unrelated noise.
            var aboutUnit = output.Split('\n').Where(l => l.Contains("bgpactorsd.service", StringComparison.Ordinal)).ToList();
            Assert.That((process.ExitCode, aboutUnit), Is.EqualTo((0, new List<string>())), output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A unit file as systemd reads it: sections of <c>Key=value</c> lines, comments and blank lines ignored, keys may repeat.</summary>
    private sealed class SystemdUnit
    {
        private readonly List<(string Section, string Key, string Value)> _entries = [];

        public static SystemdUnit Load(string path)
        {
            var unit = new SystemdUnit();
            string section = "";
            foreach (string raw in File.ReadAllLines(path))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line[0] is '#' or ';') continue;
                if (line[0] == '[')
                {
                    section = line.Trim('[', ']');
                    continue;
                }
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                Assert.That(eq, Is.GreaterThan(0), $"not Key=value: {line}");
                unit._entries.Add((section, line[..eq].Trim(), line[(eq + 1)..].Trim()));
            }
            return unit;
        }

        public List<string> All(string section, string key) =>
            [.. _entries.Where(e => e.Section == section && e.Key == key).Select(e => e.Value)];

        public string Single(string section, string key)
        {
            var values = All(section, key);
            Assert.That(values, Has.Count.EqualTo(1), $"[{section}] {key}= once");
            return values[0];
        }
    }
}
