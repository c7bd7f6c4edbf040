using System.Net;
using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>
/// bgpactorsd as the lab sees it: a config written for one neighbor, the daemon started by PID
/// on 127.0.1.1:179 with JSON logs in a file, and waits on those log lines (bounded).
/// </summary>
public sealed class BgpActorsUnderTest : IAsyncDisposable
{
    private readonly DaemonProcess _process;

    private BgpActorsUnderTest(DaemonProcess process, string dir)
    {
        _process = process;
        Dir = dir;
    }

    public string Dir { get; }
    public string LogPath => _process.StdoutPath;

    public static BgpActorsUnderTest Start(string dir, LabPeer peer, bool passive, int holdTime = 3, string? extra = null) =>
        StartWith(dir, [(peer, extra)], passive, holdTime);

    /// <summary>
    /// One <c>[[neighbors]]</c> entry per lab peer, each with its own extra keys; <paramref name="sections"/>
    /// (sets, policies, peer groups) is appended after them.
    /// </summary>
    public static BgpActorsUnderTest StartWith(string dir, IReadOnlyList<(LabPeer Peer, string? Extra)> neighbors, bool passive = true,
        int holdTime = 9, string? sections = null)
    {
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "bgpactors.toml");
        var text = new System.Text.StringBuilder($"""
            [global]
            asn = {LabAddresses.DaemonAs}
            router_id = "{LabAddresses.Daemon}"
            listen_addresses = ["{LabAddresses.Daemon}"]
            runtime_state_dir = "{dir}"

            [global.telemetry]
            log_format = "json"
            log_level = "info"

            """);
        foreach (var (peer, extra) in neighbors)
        {
            var o = peer.Options;
            text.Append($"""

                [[neighbors]]
                address = "{o.LocalAddress}"
                remote_asn = {o.LocalAs}
                description = "{peer.Kind} lab peer"
                local_address = "{LabAddresses.Daemon}"
                passive = {(passive ? "true" : "false")}
                hold_time = {holdTime}
                connect_retry = 1
                families = ["ipv4-unicast", "ipv6-unicast"]
                {extra}

                """);
        }
        if (sections is not null) text.Append('\n').Append(sections).Append('\n');
        File.WriteAllText(config, text.ToString());
        var dll = typeof(Bgp.Host.Program).Assembly.Location;
        var process = DaemonProcess.Start("dotnet", [dll, config], dir, Path.Combine(dir, "bgpactorsd.log"), Path.Combine(dir, "bgpactorsd.err"));
        return new BgpActorsUnderTest(process, dir);
    }

    public IReadOnlyList<string> Messages()
    {
        if (!File.Exists(LogPath)) return [];
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return JsonLog.Messages(lines);
    }

    public int Count(string text) => Messages().Count(m => m.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits until at least <paramref name="occurrences"/> log messages contain <paramref name="text"/>; returns the last.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan wait, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages().Where(m => m.Contains(text, StringComparison.Ordinal)).ToList();
            if (found.Count >= occurrences) return found[^1];
            if (_process.HasExited) break;
            await Task.Delay(100);
        }
        throw new AssertionException($"bgpactorsd did not log \"{text}\" ×{occurrences} within {wait.TotalSeconds} s (exited: {_process.HasExited}).\n{Tail()}");
    }

    public string Tail(int lines = 40)
    {
        var all = Messages();
        var err = File.Exists(_process.StderrPath) ? File.ReadAllText(_process.StderrPath) : "";
        return "bgpactorsd log tail:\n  " + string.Join("\n  ", all.Skip(Math.Max(0, all.Count - lines))) + (err.Length > 0 ? "\nstderr:\n" + err : "");
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync() => await _process.StopAsync(TimeSpan.FromSeconds(10));
}
