using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// One daemon started in the foreground by the harness, with stdout and stderr appended to files by the shell
/// that execs it (so the PID we hold is the daemon's, and its children write to the same files).
/// It is stopped by PID only: SIGTERM, a bounded wait, then SIGKILL; descendants seen before the stop
/// (OpenBGPD's engines, ExaBGP's API process) are killed by PID if they outlive their parent.
/// Every live instance is also killed when the test host exits normally.
/// </summary>
public sealed class DaemonProcess
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private static readonly ConcurrentDictionary<int, DaemonProcess> Live = new();

    static DaemonProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var daemon in Live.Values) daemon.KillNow();
        };
    }

    private readonly Process _process;
    private readonly ulong _startTime;

    private DaemonProcess(Process process, string stdoutPath, string stderrPath)
    {
        _process = process;
        Pid = process.Id;
        StdoutPath = stdoutPath;
        StderrPath = stderrPath;
        _startTime = StartTimeOf(Pid) ?? 0;
    }

    public int Pid { get; }
    public string StdoutPath { get; }
    public string StderrPath { get; }
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="file"/> with stdin from /dev/null and output appended to the two files.</summary>
    public static DaemonProcess Start(string file, IEnumerable<string> arguments, string workingDirectory,
        string stdoutPath, string stderrPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // $1/$2 are the log files; exec keeps the PID so Process.Id is the daemon itself.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec >>\"$1\" 2>>\"$2\" </dev/null; shift 2; exec \"$@\"");
        psi.ArgumentList.Add("lab-daemon");
        psi.ArgumentList.Add(stdoutPath);
        psi.ArgumentList.Add(stderrPath);
        psi.ArgumentList.Add(file);
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var daemon = new DaemonProcess(process, stdoutPath, stderrPath);
        Live[daemon.Pid] = daemon;
        return daemon;
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, SIGKILL; then SIGKILL any descendant still alive.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        try
        {
            if (_process.HasExited) return;
            var descendants = Descendants(Pid);
            Signal(Pid, SigTerm);
            using (var cts = new CancellationTokenSource(grace))
            {
                try { await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
            if (!_process.HasExited)
            {
                Signal(Pid, SigKill);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
            // Children get a moment to follow their parent out, then are killed by PID.
            for (int i = 0; i < 20 && descendants.Any(d => IsSameProcess(d.Pid, d.StartTime)); i++)
                await Task.Delay(50).ConfigureAwait(false);
            foreach (var (pid, start) in descendants)
                if (IsSameProcess(pid, start)) Signal(pid, SigKill);
        }
        finally
        {
            if (_process.HasExited) Live.TryRemove(Pid, out _);
        }
    }

    private void KillNow()
    {
        try
        {
            if (_process.HasExited) return;
            var descendants = Descendants(Pid);
            Signal(Pid, SigKill);
            foreach (var (pid, start) in descendants)
                if (IsSameProcess(pid, start)) Signal(pid, SigKill);
        }
        catch (InvalidOperationException) { }
    }

    private bool IsSameProcess(int pid, ulong startTime) => StartTimeOf(pid) == startTime;

    /// <summary>Sends a signal to one PID (no process groups, no names).</summary>
    public static void Signal(int pid, int signal)
    {
        if (pid <= 1) throw new ArgumentOutOfRangeException(nameof(pid), pid, "refusing to signal init or a group");
        _ = NativeMethods.kill(pid, signal);
    }

    /// <summary>All descendants of <paramref name="root"/> now, with their start times (to rule out PID reuse).</summary>
    public static List<(int Pid, ulong StartTime)> Descendants(int root)
    {
        var parents = new Dictionary<int, (int Parent, ulong Start)>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (ReadStat(pid) is { } stat) parents[pid] = stat;
        }
        var result = new List<(int, ulong)>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            int p = frontier.Dequeue();
            foreach (var (pid, info) in parents)
                if (info.Parent == p) { result.Add((pid, info.Start)); frontier.Enqueue(pid); }
        }
        return result;
    }

    private static ulong? StartTimeOf(int pid) => ReadStat(pid)?.Start;

    // /proc/PID/stat: "pid (comm) state ppid ... starttime(22nd field)"; comm may hold spaces and parens.
    private static (int Parent, ulong Start)? ReadStat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(rest[1], CultureInfo.InvariantCulture), ulong.Parse(rest[19], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int kill(int pid, int sig);
    }
}
