using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config;
using Bgp.Actors.Rib;
using Akka.TestKit;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Sessions;

/// <summary>Builds session settings from TOML, the way the daemon does.</summary>
public static class TestConfigs
{
    public static BgpConfig Load(string toml)
    {
        var load = BgpConfig.Parse(toml, "test.toml");
        Assert.That(load.Config, Is.Not.Null, () => string.Join("\n", load.Diagnostics));
        return load.Config!;
    }

    public static PeerSessionSettings Session(uint localAs, string routerId, string neighbor, uint remoteAs, int holdTime = 90,
        bool passive = false, string families = "\"ipv4-unicast\", \"ipv6-unicast\"")
    {
        var config = Load($$"""
            [global]
            asn = {{localAs}}
            router_id = "{{routerId}}"
            listen_addresses = []

            [[neighbors]]
            address = "{{neighbor}}"
            remote_asn = {{remoteAs}}
            hold_time = {{holdTime}}
            connect_retry = 1
            passive = {{(passive ? "true" : "false")}}
            families = [{{families}}]
            """);
        return new PeerSessionSettings(config.Neighbors[0], config.Global) { Seed = 42 };
    }
}

/// <summary>A connector that hands out the ends of in-memory pipes instead of dialling.</summary>
public sealed class InMemoryConnector(Func<ConnectRequest, BgpTransport?> connect) : IBgpConnector
{
    public Task<BgpTransport> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken) =>
        connect(request) is { } transport
            ? Task.FromResult(transport)
            : Task.FromException<BgpTransport>(new SocketException((int)SocketError.ConnectionRefused));

    /// <summary>Two transports joined back to back, with plausible endpoints.</summary>
    public static (BgpTransport Client, BgpTransport Server) Pair(IPAddress client, IPAddress server)
    {
        var (a, b) = DuplexPipes.CreatePair();
        var c = new IPEndPoint(client, 40000 + Random.Shared.Next(20000));
        var s = new IPEndPoint(server, 179);
        return (new BgpTransport(a, c, s), new BgpTransport(b, s, c));
    }
}

public static class SessionAsk
{
    /// <summary>The next UPDATE a session handed the RIB, which must come alone in its batch.</summary>
    public static async Task<UpdateMessage> ExpectUpdateAsync(this Probe<RibCommand> rib)
    {
        var received = await rib.ExpectAsync<RibCommand.UpdatesReceived>();
        Assert.That(received.Updates, Has.Count.EqualTo(1), "one UPDATE in the batch");
        return received.Updates[0];
    }

    public static Task<PeerStatus> StatusAsync(this ActorRef<SessionCommand> session) =>
        session.AskAsync<SessionCommand, PeerStatus>(r => new SessionCommand.GetStatus(r), TimeSpan.FromSeconds(5));

    /// <summary>Asks for the status until it satisfies the condition (the TestKit's AwaitAssert: at most 10 s).</summary>
    public static async Task<PeerStatus> WaitForAsync(this ActorRef<SessionCommand> session, TestKitBase kit, Func<PeerStatus, bool> condition, string what)
    {
        PeerStatus status = null!;
        await kit.AwaitTrueAsync(async () => condition(status = await session.StatusAsync()), () => $"{what}; last status {status}");
        return status;
    }
}
