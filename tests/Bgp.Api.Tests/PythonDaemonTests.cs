using System.Text.Json;
using Bgp.Api.Tests.Support;
using Bgp.Api.V1;
using Bgp.TestKit;

namespace Bgp.Api.Tests;

/// <summary>
/// An independent client that has no .proto of ours (Python grpcio, descriptors from server reflection v1 only) against
/// a running bgpactorsd on its Unix socket.
/// </summary>
[CancelAfter(90_000)]
[NonParallelizable]
public sealed class PythonDaemonTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Python_with_reflection_alone_lists_the_services_calls_ListNeighbors_and_watches_events()
    {
        PythonGrpc.RequireOrIgnore();
        var dir = TestServer.NewDirectory();
        try
        {
            var config = Path.Combine(dir, "bgpactors.toml");
            await File.WriteAllTextAsync(config, BgpactorsdProcess.GlobalConfig(65000, "127.10.1.1", dir) + """

                [[neighbors]]
                address = "127.10.1.2"
                remote_asn = 65002
                passive = true
                """);
            using var daemon = BgpactorsdProcess.Start(config);
            await daemon.WaitForLogAsync("gRPC API on");
            var socket = Path.Combine(dir, "grpc.sock");
            using (var api = ApiClients.ForUnixSocket(socket))
                await api.Unary(api.Neighbors.DisableNeighborAsync, new DisableNeighborRequest { Address = "127.10.1.2", ShutdownText = "seen from python" });

            await using var python = PythonGrpc.Start(PythonTarget.Unix(socket), "daemon", "10");
            var listing = await python.ReadLineAsync(Timeout) ?? throw new AssertionException("no answer: " + await python.StandardErrorAsync());
            Assert.That(listing.GetProperty("ok").GetBoolean(), Is.True, listing.ToString());
            Assert.That(listing.GetProperty("services").EnumerateArray().Select(e => e.GetString()), Is.SupersetOf(new[]
            {
                "bgpactors.v1.ControlService", "bgpactors.v1.EventService", "bgpactors.v1.GlobalService", "bgpactors.v1.InjectionService",
                "bgpactors.v1.NeighborService", "bgpactors.v1.PeerGroupService", "bgpactors.v1.PolicyService", "bgpactors.v1.RibService",
                "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
            }));
            Assert.That(listing.GetProperty("neighbors").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "127.10.1.2" }));

            // the watch starts with the kept history (the session's start, then the disable)
            var events = new List<JsonElement>();
            for (int i = 0; i < 10 && !events.Any(IsTheDisable); i++)
                events.Add(await python.ReadLineAsync(Timeout) ?? throw new AssertionException($"after {events.Count} events ({string.Join(" ", events)}): " + await python.StandardErrorAsync()));
            Assert.That(events.Any(IsTheDisable), Is.True, string.Join("\n", events));

            daemon.Signal("TERM");
            Assert.That(await daemon.WaitForExitAsync(Timeout), Is.Zero);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool IsTheDisable(JsonElement line) =>
        line.TryGetProperty("event", out var e) && e.TryGetProperty("neighbor", out var n)
        && n.GetProperty("neighbor").GetString() == "127.10.1.2" && n.GetProperty("change").GetString() == "disabled: seen from python";
}
