using System.Collections.Concurrent;
using System.Diagnostics;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// bgpactorsd as a child process with JSON logs on stdout, for tests that need the real thing:
/// signals, sockets, exit codes. Stopped by PID on dispose, whatever happened. The test project
/// references src/Bgp.Host, so bgpactorsd.dll sits beside the tests.
/// </summary>
public sealed class BgpactorsdProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<string> _all = [];
    private readonly object _gate = new();

    private BgpactorsdProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>
    /// The [global] section every daemon test starts from: one address as router ID and listener,
    /// the gRPC socket in <paramref name="stateDirectory"/>, JSON logs; <paramref name="telemetry"/>
    /// lines go on in [global.telemetry].
    /// </summary>
    public static string GlobalConfig(uint asn, string address, string stateDirectory, string telemetry = "") => $$"""
        [global]
        asn = {{asn}}
        router_id = "{{address}}"
        listen_addresses = ["{{address}}"]
        runtime_state_dir = "{{stateDirectory}}"

        [global.telemetry]
        log_format = "json"
        {{telemetry}}
        """;

    /// <param name="hangupIgnored">Start it the way <c>nohup</c> does: SIGHUP ignored (a shell sets it, exec keeps it).</param>
    public static BgpactorsdProcess Start(string configPath, bool hangupIgnored = false)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "bgpactorsd.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("bgpactorsd.dll is not beside the tests: reference src/Bgp.Host from the test project", dll);
        var info = new ProcessStartInfo(hangupIgnored ? "/bin/sh" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (hangupIgnored)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("trap '' HUP; exec dotnet \"$0\" \"$1\"");
        }
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(configPath);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bgpactorsd");
        var daemon = new BgpactorsdProcess(process);
        process.OutputDataReceived += (_, e) => daemon.Add(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Add(e.Data is null ? null : "stderr: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_gate) _all.Add(line);
        _lines.Enqueue(line);
    }

    public string Log
    {
        get { lock (_gate) return string.Join("\n", _all); }
    }

    /// <summary>The rendered message (<c>@m</c>) of every JSON log line so far.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            List<string> lines;
            lock (_gate) lines = [.. _all];
            return JsonLog.Messages(lines);
        }
    }

    /// <summary>Waits (bounded) until a log message contains <paramref name="text"/>; returns it.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan? wait = null, int skip = 0)
    {
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages.Where(m => m.Contains(text, StringComparison.Ordinal)).Skip(skip).FirstOrDefault();
            if (found is not null) return found;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new AssertionException($"bgpactorsd did not log \"{text}\" (exited: {_process.HasExited}). Log:\n{Log}");
    }

    public int Count(string text) => Messages.Count(m => m.Contains(text, StringComparison.Ordinal));

    public bool HasExited => _process.HasExited;

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Pid.ToString()]);
        kill.WaitForExit(5000);
    }

    public async Task<int> WaitForExitAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
        }
        _process.Dispose();
    }
}
