using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Host.Tests;

/// <summary>
/// The runtime settings bgpactorsd ships with. docs/BENCHMARKS.md measures the first full table
/// under quick JIT off; this keeps the project file and that claim together.
/// </summary>
[TestFixture]
public sealed class RuntimeConfigTests
{
    [Test]
    public void Daemon_compiles_optimised_on_first_call()
    {
        var dll = typeof(Program).Assembly.Location;
        var path = Path.ChangeExtension(dll, ".runtimeconfig.json");
        Assert.That(File.Exists(path), Is.True, path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var props = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.That(props.TryGetProperty("System.Runtime.TieredCompilation.QuickJit", out var quickJit), Is.True,
            "bgpactorsd.runtimeconfig.json has no QuickJit setting");
        Assert.That(quickJit.GetBoolean(), Is.False);
    }
}
