using System.Diagnostics;
using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>
/// <c>bgpactorsctl top</c> in a real terminal: tmux (its own server socket, killed afterwards) runs
/// it against a daemon with two neighbors; capture-pane reads the screen after each key.
/// </summary>
[TestFixture]
[NonParallelizable]
public class TopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _server = $"bgpctl-top-{Environment.ProcessId}";

    private (int Exit, string Out) Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-L");
        info.ArgumentList.Add(_server);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit(10_000);
        return (process.ExitCode, stdout);
    }

    private string Screen() => Tmux("capture-pane", "-p", "-t", "top").Out;

    private async Task<string> ScreenWhenAsync(Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        string screen = "";
        while (DateTime.UtcNow < deadline)
        {
            screen = Screen();
            if (condition(screen)) return screen;
            await Task.Delay(200);
        }
        Assert.Fail($"top did not show {what}; the screen:\n{screen}");
        return screen;
    }

    private static int Line(string screen, string text) =>
        Array.FindIndex(screen.Split('\n'), l => l.Contains(text, StringComparison.Ordinal));

    [Test]
    public async Task Top_renders_sessions_and_reacts_to_sort_detail_events_and_quit()
    {
        if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "tmux"))))
            Assert.Fail("tmux is not installed (.ci/run installs it)");
        using var pair = await DaemonPair.StartAsync("127.31.3.1", "127.31.3.2");
        var added = Ctl.Run("--addr", pair.AddrA, "neighbor", "add", "127.31.3.9", "--remote-as", "65009", "--passive", "--description", "waiting member");
        Assert.That(added.Exit, Is.EqualTo(0), added.ToString());
        pair.InjectAtB("198.51.100.0/24", "--next-hop", "127.31.3.2");
        try
        {
            var command = $"dotnet {Ctl.Dll} --addr {pair.AddrA} top --interval 0.5; echo TOP-EXITED $?; sleep 120";
            Assert.That(Tmux("new-session", "-d", "-s", "top", "-x", "160", "-y", "40", command).Exit, Is.EqualTo(0));

            var screen = await ScreenWhenAsync(
                s => s.Contains("127.31.3.2") && s.Contains("127.31.3.9") && s.Contains("Established") && s.Contains("session       127.31.3.2"),
                "both neighbors and the session events");
            Assert.That(screen, Does.Contain("sort: address"));
            Assert.That(screen, Does.Match(@"neighbors 1/2 established"));
            Assert.That(screen, Does.Contain("waiting member"));
            Assert.That(screen, Does.Contain("events"), "the event panel");
            Assert.That(screen, Does.Match(@"session\s+127\.31\.3\.2 AS65001 \w+ -> "), "session events from the watch stream");
            Assert.That(Line(screen, "127.31.3.2"), Is.LessThan(Line(screen, "127.31.3.9")), "by address");

            Tmux("send-keys", "-t", "top", "r");
            screen = await ScreenWhenAsync(s => s.Contains("sort: address (reversed)"), "the reversed order");
            Assert.That(Line(screen, "127.31.3.9"), Is.LessThan(Line(screen, "127.31.3.2")));

            Tmux("send-keys", "-t", "top", "s");
            screen = await ScreenWhenAsync(s => s.Contains("sort: state (reversed)"), "sorting by state");
            Assert.That(Line(screen, "127.31.3.9"), Is.LessThan(Line(screen, "127.31.3.2")), "reversed: the idle one before Established");
            Tmux("send-keys", "-t", "top", "r");
            screen = await ScreenWhenAsync(s => s.Contains("sort: state") && !s.Contains("(reversed)"), "state order");
            Assert.That(Line(screen, "127.31.3.2"), Is.LessThan(Line(screen, "127.31.3.9")), "Established first");

            Tmux("send-keys", "-t", "top", "Enter");
            screen = await ScreenWhenAsync(s => s.Contains("127.31.3.2 AS65001") && s.Contains("ipv4-unicast: 1 in"), "the selected neighbor's details");

            Tmux("send-keys", "-t", "top", "e");
            await ScreenWhenAsync(s => !s.Contains("╭─events"), "the event panel hidden");

            Tmux("send-keys", "-t", "top", "q");
            await ScreenWhenAsync(s => s.Contains("TOP-EXITED 0"), "top to quit with exit 0");
        }
        finally
        {
            Tmux("kill-server");
        }
    }
}
