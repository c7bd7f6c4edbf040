using System.Diagnostics;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// Debian's <c>promtool</c> (package prometheus): the Prometheus project's own parser and linter
/// for the text exposition format. .ci/run installs it, so a missing promtool fails the test.
/// </summary>
public static class Promtool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string Path => FindOnPath("promtool") ?? "/usr/bin/promtool";

    /// <summary>Runs <c>promtool check metrics</c> with the exposition on stdin; kills it after 30 s.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        if (!File.Exists(Path))
            Assert.Fail($"promtool not found at {Path}: apt-get install prometheus (.ci/run installs it)");
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.StandardInput.WriteAsync(exposition.AsMemory(), cts.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"promtool check metrics did not finish within {Timeout.TotalSeconds} s");
        }
        catch (IOException)
        {
            // promtool stopped reading (it exits at the first parse error): its exit code says why.
            await process.WaitForExitAsync(cts.Token);
        }
        return (process.ExitCode, (await output + await errors).Trim());
    }

    private static string? FindOnPath(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, file))
            .FirstOrDefault(File.Exists);
}
