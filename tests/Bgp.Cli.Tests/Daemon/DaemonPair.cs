using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>
/// Two bgpactorsd processes peering on loopback: A (AS 65000) is the one the CLI is pointed at,
/// B (AS 65001) originates sample routes that A receives. Both stopped by PID on dispose.
/// </summary>
public sealed class DaemonPair : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly string _dir;
    private readonly BgpactorsdProcess _a;
    private readonly BgpactorsdProcess _b;

    public string AddressA { get; }
    public string AddressB { get; }
    public string SocketA => Path.Combine(_dir, "a", "grpc.sock");
    public string SocketB => Path.Combine(_dir, "b", "grpc.sock");
    public string ConfigA => Path.Combine(_dir, "a", "bgpactors.toml");
    public string AddrA => "unix://" + SocketA;
    public string AddrB => "unix://" + SocketB;
    public BgpactorsdProcess A => _a;

    private DaemonPair(string dir, string addressA, string addressB, BgpactorsdProcess a, BgpactorsdProcess b)
    {
        _dir = dir;
        AddressA = addressA;
        AddressB = addressB;
        _a = a;
        _b = b;
    }

    /// <summary>Starts both, waits (bounded) for both gRPC sockets and for the session to be Established.</summary>
    public static async Task<DaemonPair> StartAsync(string addressA, string addressB)
    {
        var dir = Directory.CreateTempSubdirectory("bgpctl-").FullName;
        var a = BgpactorsdProcess.Start(Write(dir, "a", 65000, addressA, 65001, addressB));
        var b = BgpactorsdProcess.Start(Write(dir, "b", 65001, addressB, 65000, addressA));
        var pair = new DaemonPair(dir, addressA, addressB, a, b);
        try
        {
            await a.WaitForLogAsync("gRPC API on");
            await b.WaitForLogAsync("gRPC API on");
            await pair.UntilAsync(() => pair.State(pair.AddressB) == "SESSION_STATE_ESTABLISHED", "the session to be Established");
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    private static string Write(string dir, string name, uint asn, string me, uint remoteAsn, string them)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(path);
        var config = Path.Combine(path, "bgpactors.toml");
        File.WriteAllText(config, BgpactorsdProcess.GlobalConfig(asn, me, path) + $"""

            [[neighbors]]
            address = "{them}"
            remote_asn = {remoteAsn}
            local_address = "{me}"
            description = "daemon {name}'s peer"
            families = ["ipv4-unicast", "ipv6-unicast"]
            connect_retry = 1
            """);
        return config;
    }

    /// <summary>The session state of <paramref name="neighbor"/> as A reports it (proto enum name).</summary>
    public string? State(string neighbor)
    {
        var result = Ctl.Run("--addr", AddrA, "neighbor", neighbor, "--json");
        return result.Exit == 0 ? result.Json.GetProperty("state").GetProperty("state").GetString() : null;
    }

    /// <summary>Originates a route at B (through the CLI).</summary>
    public void InjectAtB(params string[] args)
    {
        var result = Ctl.Run(["--addr", AddrB, "inject", "add", .. args]);
        Assert.That(result.Exit, Is.EqualTo(0), result.ToString());
    }

    /// <summary>The prefixes in A's Loc-RIB.</summary>
    public HashSet<string> BestAtA()
    {
        var result = Ctl.Run("--addr", AddrA, "rib", "--json");
        return result.Exit != 0 ? [] : [.. result.Json.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("prefix").GetString()!)];
    }

    public async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out waiting for {what}; daemon A's log:\n{_a.Log}");
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
