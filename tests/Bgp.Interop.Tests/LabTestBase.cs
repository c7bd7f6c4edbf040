using System.Net;
using Bgp.Interop.Tests.Lab;
using NUnit.Framework.Interfaces;

namespace Bgp.Interop.Tests;

/// <summary>
/// Base for tests that run lab daemons: one temp directory per test, peers started through <see cref="StartAsync"/>
/// (and bgpactorsd, when a test sets <see cref="Daemon"/>) are stopped in TearDown whatever the outcome,
/// bgpactorsd first, and a failing test prints bgpactorsd's log tail and every peer's
/// <see cref="LabPeer.DescribeAsync"/> (session, routes, log tails) and keeps its directory.
/// </summary>
[Category("Interop")]
[NonParallelizable]
public abstract class LabTestBase
{
    protected static readonly TimeSpan EstablishTimeout = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan RouteTimeout = TimeSpan.FromSeconds(15);

    private readonly List<LabPeer> _peers = [];

    /// <summary>The bgpactorsd this test started, if any; stopped before the peers.</summary>
    protected BgpActorsUnderTest? Daemon { get; set; }

    /// <summary>This test's directory under /tmp/bgplab (short: unix socket paths are limited to 107 bytes).</summary>
    protected string TestDir { get; private set; } = "";

    [SetUp]
    public void CreateTestDirectory()
    {
        string name = new(TestContext.CurrentContext.Test.Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(32).ToArray());
        TestDir = Path.Combine(Path.GetTempPath(), "bgplab", $"{name}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(TestDir);
    }

    [TearDown]
    public async Task StopDaemonAndPeers()
    {
        bool failed = TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed;
        if (Daemon is { } daemon)
        {
            if (failed) await TestContext.Out.WriteLineAsync(daemon.Tail(80));
            await daemon.DisposeAsync();
            Daemon = null;
        }
        if (failed)
            foreach (var peer in _peers)
                await TestContext.Out.WriteLineAsync(await peer.DescribeAsync());
        foreach (var peer in _peers)
        {
            try { await peer.StopAsync(); }
            catch (Exception e) { await TestContext.Out.WriteLineAsync($"stopping {peer.Kind} (pid {peer.Pid}) failed: {e}"); }
        }
        _peers.Clear();
        if (failed) await TestContext.Out.WriteLineAsync($"lab files kept in {TestDir}");
        else if (Directory.Exists(TestDir)) Directory.Delete(TestDir, recursive: true);
    }

    /// <summary>Starts a lab daemon owned by this test, or ignores the test when the daemon is not installed.</summary>
    protected async Task<LabPeer> StartAsync(PeerKind kind, LabPeerOptions options, string? tag = null)
    {
        if (!LabPeer.IsAvailable(kind))
            Assert.Ignore($"{kind} is not installed (missing {string.Join(", ", LabPeer.MissingBinaries(kind))})");
        string dir = Path.Combine(TestDir, kind.ToString().ToLowerInvariant() + tag);
        var peer = await LabPeer.StartAsync(kind, options, dir);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>
    /// Self-tests pair lab daemons with each other on 127.20.N.1 (N as in <see cref="LabAddresses"/>), away from
    /// the 127.N.0.1 addresses interop tests with our daemon use, so both can run on one machine.
    /// </summary>
    protected static IPAddress SelfTestAddress(PeerKind kind) => IPAddress.Parse($"127.20.{LabAddresses.Index(kind)}.1");

    /// <summary>Options for <paramref name="kind"/> peering with <paramref name="other"/> on the self-test addresses.</summary>
    protected static LabPeerOptions Between(PeerKind kind, PeerKind other) => LabPeerOptions.For(kind) with
    {
        LocalAddress = SelfTestAddress(kind),
        RemoteAddress = SelfTestAddress(other),
        RemoteAs = LabAddresses.AsOf(other),
    };

    /// <summary>Waits until <paramref name="receiver"/> has every prefix <paramref name="sender"/> announces, with the sender's next hops and AS first.</summary>
    protected static async Task AssertReceivesRoutesOfAsync(LabPeer receiver, LabPeer sender)
    {
        var o = sender.Options;
        var expected = o.Ipv4Routes.Select(p => (Prefix: p, NextHop: o.NextHop4)).ToList();
        if (o.Ipv6 && receiver.Options.Ipv6) expected.AddRange(o.Ipv6Routes.Select(p => (Prefix: p, NextHop: o.NextHop6)));

        var routes = await receiver.WaitForPrefixesAsync(expected.Select(e => e.Prefix), RouteTimeout);
        foreach (var (prefix, nextHop) in expected)
        {
            var route = routes.First(r => string.Equals(r.Prefix, prefix, StringComparison.OrdinalIgnoreCase));
            Assert.That(IPAddress.Parse(route.NextHop ?? "0.0.0.0"), Is.EqualTo(IPAddress.Parse(nextHop)),
                () => $"{receiver.Kind} got {route} from {sender.Kind}\n{receiver.LogTail()}");
            Assert.That(route.AsPath, Is.Not.Null.And.Not.Empty, () => $"{receiver.Kind} got {route}");
            Assert.That(route.AsPath![0], Is.EqualTo(o.LocalAs), () => $"{receiver.Kind} got {route} from AS{o.LocalAs}");
        }
    }

    /// <summary>Asserts the session is Established with the configured hold time and, when both ask for it, IPv6 unicast too.</summary>
    protected static void AssertEstablishedWithFamilies(LabPeer peer, LabSession session, LabPeer other)
    {
        Assert.That(session.Established, Is.True, () => $"{peer.Kind}: {session}\n{peer.LogTail()}");
        Assert.That(session.NegotiatedHoldTime, Is.EqualTo(Math.Min(peer.Options.HoldTime, other.Options.HoldTime)),
            () => $"{peer.Kind}: {session}");
        var families = peer.Options.Ipv6 && other.Options.Ipv6 ? new[] { "ipv4-unicast", "ipv6-unicast" } : ["ipv4-unicast"];
        Assert.That(session.Families, Is.SupersetOf(families), () => $"{peer.Kind}: {session}");
    }
}
