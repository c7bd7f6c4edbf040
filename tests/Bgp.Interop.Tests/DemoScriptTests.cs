using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// <c>demo.sh</c>, the command a newcomer runs first: with <c>--once --no-build</c> it starts BIRD and
/// bgpactorsd, shows the Established neighbor and BIRD's routes through bgpactorsctl, and stops
/// everything it started, leaving no process and no directory behind.
/// </summary>
[Category("Interop")]
[NonParallelizable]
public sealed partial class DemoScriptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    // What demo.sh has BIRD announce, and where the two daemons (and the metrics endpoint) listen.
    private static readonly string[] Prefixes = ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24", "2001:db8:100::/48", "2001:db8:200::/48"];
    private const string BirdAddress = "127.77.0.2";
    private static readonly (string Address, int Port)[] Listeners = [("127.77.0.1", 1179), ("127.77.0.2", 1790), ("127.77.0.1", 9179)];

    [Test]
    public async Task Demo_once_shows_the_established_neighbor_and_the_routes_and_leaves_nothing_running()
    {
        foreach (string tool in new[] { "bash", "bird", "birdc", "timeout", "setsid" })
            if (LabCommand.Locate(tool) is null) Assert.Ignore($"{tool} is not installed");
        // --no-build runs the Release builds in src/*/bin; this project references Host and Cli so that
        // a Release test build has just built both.
        if (!TestContext.CurrentContext.TestDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            Assert.Ignore("demo.sh --no-build runs the Release builds: run this test with -c Release");

        string repo = TestData.RepositoryRoot;
        var (exit, output) = await RunAsync(LabCommand.Locate("bash")!, [Path.Combine(repo, "demo.sh"), "--once", "--no-build"], repo);

        string? dir = DemoDir().Match(output) is { Success: true } m ? m.Groups[1].Value.Trim() : null;
        Assert.That(dir, Is.Not.Null.And.StartsWith("/"), $"no 'demo dir: ...' line\n{output}");
        // Every process the demo starts names its directory (config, socket, logs) on its command line.
        var leftovers = ProcessesMentioning(dir!);
        foreach (int pid in leftovers.Keys) DaemonProcess.Signal(pid, 9);   // fail, but leave nothing running
        var listening = Listeners.Where(l => Accepts(l.Address, l.Port)).ToList();

        Assert.That(exit, Is.Zero, output);
        Assert.That(leftovers.Values, Is.Empty, $"still running after demo.sh exited\n{output}");
        Assert.That(listening, Is.Empty, "something still listens where the demo's daemons did");
        Assert.That(Directory.Exists(dir), Is.False, $"{dir} was not removed");

        var neighbors = Section(output, "==> bgpactorsctl neighbor");
        Assert.That(neighbors.Any(l => l.Contains(BirdAddress, StringComparison.Ordinal) && l.Contains("Established", StringComparison.Ordinal)),
            Is.True, $"no Established row for {BirdAddress} in\n{string.Join('\n', neighbors)}");
        string rib = string.Join('\n', Section(output, "==> bgpactorsctl rib"));
        Assert.That(Prefixes.Where(p => !rib.Contains(p, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"missing from\n{rib}");

        Assert.That(output, Does.Contain("stopped bgpactorsd").And.Contain("stopped BIRD"), output);
    }

    /// <summary>The lines after <paramref name="header"/> up to the next <c>==&gt;</c> header or the "What to try next" block.</summary>
    private static List<string> Section(string output, string header) =>
        [.. output.Split('\n').SkipWhile(l => l.TrimEnd() != header).Skip(1)
            .TakeWhile(l => !l.StartsWith("==> ", StringComparison.Ordinal) && !l.StartsWith("What to try next", StringComparison.Ordinal))];

    /// <summary>Runs the script with stdin closed; past <see cref="Limit"/> it and everything it started are killed by PID.</summary>
    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments, string workingDirectory)
    {
        try
        {
            var result = await LabCommand.RunAsync(file, arguments, Limit, workingDirectory);
            return (result.ExitCode, result.Stdout + result.Stderr);
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"demo.sh was killed: {e.Message}");
            throw;
        }
    }

    /// <summary>Live processes (PID to command line) whose command line contains <paramref name="needle"/>.</summary>
    private static Dictionary<int, string> ProcessesMentioning(string needle)
    {
        var found = new Dictionary<int, string>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId) continue;
            string commandLine;
            try { commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ').Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (commandLine.Contains(needle, StringComparison.Ordinal)) found[pid] = commandLine;
        }
        return found;
    }

    /// <summary>Whether a TCP connection to the loopback endpoint succeeds within 2 s.</summary>
    private static bool Accepts(string address, int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            return client.ConnectAsync(System.Net.IPAddress.Parse(address), port).Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^demo dir: (.+)$", RegexOptions.Multiline)]
    private static partial Regex DemoDir();
}
