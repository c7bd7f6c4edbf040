using System.Diagnostics;
using System.Text.Json;

namespace Bgp.Api.Tests.Support;

/// <summary>
/// Runs tests/Bgp.Api.Tests/python/grpc_probe.py under Debian's python3-grpcio: a gRPC client we
/// did not write. The message modules are generated once per test run with protoc.
/// </summary>
internal static class PythonGrpc
{
    private const string Python = "/usr/bin/python3";    // not a pyenv python3 that may shadow it
    private static readonly Lazy<string?> Missing = new(FindMissing);
    private static readonly Lazy<string> Generated = new(Generate);

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "python", "grpc_probe.py");

    public static bool Ready => Missing.Value is null;

    /// <summary>Ignores the test when the Python client or protoc is not installed (.ci/run installs them).</summary>
    public static void RequireOrIgnore()
    {
        if (Missing.Value is { } missing) Assert.Ignore($"Python gRPC client unavailable: {missing}");
    }

    public static async Task<JsonElement> RunAsync(string target, params string[] command) =>
        await RunAsync(new PythonTarget(target), command);

    /// <summary>Runs one command to completion and returns its last JSON line.</summary>
    public static async Task<JsonElement> RunAsync(PythonTarget target, params string[] command)
    {
        await using var process = Start(target, command);
        var last = default(JsonElement?);
        while (await process.ReadLineAsync(TimeSpan.FromSeconds(40)) is { } line) last = line;
        return last ?? throw new AssertionException($"grpc_probe.py printed nothing; stderr:\n{await process.StandardErrorAsync()}");
    }

    public static PythonProcess Start(PythonTarget target, params string[] command)
    {
        RequireOrIgnore();
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add("--gen");
        start.ArgumentList.Add(Generated.Value);
        start.ArgumentList.Add("--target");
        start.ArgumentList.Add(target.Address);
        foreach (var (option, value) in new[] { ("--ca", target.CaFile), ("--cert", target.CertFile), ("--key", target.KeyFile), ("--token", target.Token) })
        {
            if (value is null) continue;
            start.ArgumentList.Add(option);
            start.ArgumentList.Add(value);
        }
        foreach (var argument in command) start.ArgumentList.Add(argument);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return new PythonProcess(Process.Start(start) ?? throw new InvalidOperationException("python3 did not start"));
    }

    public static void DeleteGenerated()
    {
        if (Generated.IsValueCreated) Directory.Delete(Generated.Value, recursive: true);
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} (apt-get install python3-grpcio python3-protobuf)";
        if (Run(Python, "-c", "import grpc, google.protobuf") != 0) return "python3-grpcio / python3-protobuf";
        if (Run("protoc", "--version") != 0) return "protoc (apt-get install protobuf-compiler)";
        if (!File.Exists("/usr/include/google/protobuf/duration.proto")) return "the well-known .proto files (apt-get install libprotobuf-dev)";
        return null;
    }

    private static string Generate()
    {
        var output = Path.Combine(Path.GetTempPath(), "bgpapi-py-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(output);
        var protos = Path.Combine(AppContext.BaseDirectory, "protos");
        var status = Run("protoc", $"--python_out={output}", $"-I{protos}", "-I/usr/include",
            "echo.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto", "grpc/reflection/v1/reflection.proto");
        if (status != 0) throw new InvalidOperationException($"protoc failed with {status}");
        return output;
    }

    private static int Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return -1;
            }
            if (process.ExitCode != 0) TestContext.Progress.WriteLine($"{file}: {errors}");
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}

/// <summary>Where and how the Python client connects: <c>unix:///path</c> or <c>127.0.0.1:port</c>.</summary>
internal sealed record PythonTarget(string Address, string? CaFile = null, string? CertFile = null, string? KeyFile = null, string? Token = null)
{
    public static PythonTarget Unix(string path, string? token = null) => new($"unix://{path}", Token: token);
}

/// <summary>A running grpc_probe.py; killed on dispose if it is still running.</summary>
internal sealed class PythonProcess(Process process) : IAsyncDisposable
{
    private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

    /// <summary>The next JSON line, or null when the script has ended.</summary>
    public async Task<JsonElement?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"grpc_probe.py said nothing for {timeout}");
        }
        if (line is null) return null;
        try
        {
            return JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException)
        {
            throw new AssertionException($"grpc_probe.py printed '{line}'");
        }
    }

    public async Task<string> StandardErrorAsync()
    {
        if (!process.HasExited) return "(still running)";
        return await _stderr;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        process.Dispose();
    }
}
