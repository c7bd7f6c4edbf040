using System.Diagnostics;

namespace Bgp.Interop.Tests.Lab;

/// <summary>The result of a control command (birdc, vtysh, gobgp, bgpctl).</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;

    public string Combined => Stderr.Length == 0 ? Stdout : $"{Stdout}\n[stderr] {Stderr}";
}

/// <summary>Runs a command with a hard time limit; one that overruns is killed by its PID, with every process it started.</summary>
public static class LabCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Children may run in their own sessions but are still descendants: collect them first.
            var tree = DaemonProcess.Descendants(process.Id);
            DaemonProcess.Signal(process.Id, 9);
            foreach (var (pid, _) in tree) DaemonProcess.Signal(pid, 9);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} took longer than {timeout ?? DefaultTimeout}");
        }
        return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>The absolute path of an executable: <paramref name="name"/> itself when it has a slash, else the first hit on PATH and the sbin directories.</summary>
    public static string? Locate(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        string path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin:/usr/local/sbin";
        foreach (string dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
