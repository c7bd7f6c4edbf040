using System.Diagnostics;
using System.Text.Json;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>One bgpactorsctl run: exit code, stdout and stderr.</summary>
public sealed record CtlResult(int Exit, string Out, string Err)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    /// <summary>The table row whose first cell (after a best marker) is <paramref name="first"/>.</summary>
    public string Row(string first) =>
        Out.Split('\n').SingleOrDefault(l => l.TrimStart('*', ' ').StartsWith(first + " ", StringComparison.Ordinal))
        ?? throw new NUnit.Framework.AssertionException($"no row starting with {first}:\n{Out}");

    public override string ToString() => $"exit {Exit}\nstdout:\n{Out}\nstderr:\n{Err}";
}

/// <summary>Runs bgpactorsctl in-process (fast; what most tests use) or as a real process (environment, terminal).</summary>
public static class Ctl
{
    public static CtlResult Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = Program.Run(args, stdout, stderr);
        return new CtlResult(exit, stdout.ToString(), stderr.ToString());
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "bgpactorsctl.dll");

    /// <summary>The real executable, with extra environment variables; killed after <paramref name="wait"/>.</summary>
    public static async Task<CtlResult> ProcessAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? wait = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CtlResult(process.ExitCode, await stdout, await stderr);
    }
}
