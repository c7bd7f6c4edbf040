using System.Security.Cryptography.X509Certificates;
using Bgp.Actors.Config;
using Bgp.Api.Client;
using Grpc.Core;
using Grpc.Net.Client;
using Bgp.Api.Tests.Echo;
using Bgp.Api.Tests.Support;

namespace Bgp.Api.Tests;

/// <summary>A TCP listener on 127.0.0.1 (port chosen by the kernel) with mutual TLS.</summary>
[CancelAfter(60_000)]
public sealed class MutualTlsTests
{
    private static DateTime Bounded => DateTime.UtcNow.AddSeconds(10);

    private static async Task<(TestServer Server, TestPki Pki)> StartAsync(bool readOnly = false)
    {
        var directory = TestServer.NewDirectory();
        var pki = TestPki.Create(directory);
        var server = await TestServer.StartAsync(_ => [TestServer.Tcp(pki.ServerTls, readOnly)], directory: directory);
        return (server, pki);
    }

    private static GrpcChannel Client(TestServer server, TestPki pki, string? certFile, string? keyFile) =>
        DaemonChannel.ForAddress(new Uri($"https://localhost:{server.TcpPort()}"), new DaemonChannelOptions
        {
            ServerCertificateAuthorities = CertificateTrust.LoadCas(pki.CaFile),
            ClientCertificate = certFile is null ? null : X509Certificate2.CreateFromPemFile(certFile, keyFile),
        });

    [Test]
    public async Task A_client_certificate_from_the_configured_ca_is_accepted()
    {
        var (server, pki) = await StartAsync();
        await using (server)
        {
            using var client = Client(server, pki, pki.ClientCertFile, pki.ClientKeyFile);
            var reply = await new Echo.Echo.EchoClient(client).SayAsync(new EchoRequest { Text = "over mtls" }, deadline: Bounded);
            Assert.That(reply.Text, Is.EqualTo("over mtls"));
            Assert.That(server.Server.Listeners[0].Config.Kind, Is.EqualTo(GrpcListenerKind.Tcp));
        }
    }

    [Test]
    public async Task A_client_without_a_certificate_is_refused()
    {
        var (server, pki) = await StartAsync();
        await using (server)
        {
            using var client = Client(server, pki, null, null);
            var e = Assert.ThrowsAsync<RpcException>(async () =>
                await new Echo.Echo.EchoClient(client).SayAsync(new EchoRequest(), deadline: Bounded));
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        }
    }

    [Test]
    public async Task A_client_certificate_from_another_ca_is_refused()
    {
        var (server, pki) = await StartAsync();
        await using (server)
        {
            using var client = Client(server, pki, pki.RogueCertFile, pki.RogueKeyFile);
            var e = Assert.ThrowsAsync<RpcException>(async () =>
                await new Echo.Echo.EchoClient(client).SayAsync(new EchoRequest(), deadline: Bounded));
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        }
    }

    [Test]
    public async Task Python_with_the_client_certificate_is_accepted_and_without_it_refused()
    {
        PythonGrpc.RequireOrIgnore();
        var (server, pki) = await StartAsync();
        await using (server)
        {
            var address = $"localhost:{server.TcpPort()}";
            var accepted = await PythonGrpc.RunAsync(new PythonTarget(address, pki.CaFile, pki.ClientCertFile, pki.ClientKeyFile), "say", "py mtls");
            Assert.That(accepted.GetProperty("text").GetString(), Is.EqualTo("py mtls"), accepted.ToString());
            var refused = await PythonGrpc.RunAsync(new PythonTarget(address, pki.CaFile), "say", "no cert");
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("UNAVAILABLE"), refused.ToString());
            var rogue = await PythonGrpc.RunAsync(new PythonTarget(address, pki.CaFile, pki.RogueCertFile, pki.RogueKeyFile), "say", "rogue");
            Assert.That(rogue.GetProperty("code").GetString(), Is.EqualTo("UNAVAILABLE"), rogue.ToString());
        }
    }

    [Test]
    public async Task Plaintext_tcp_on_loopback_serves_h2c()
    {
        var directory = TestServer.NewDirectory();
        await using var server = await TestServer.StartAsync(_ => [TestServer.Tcp()], directory: directory);
        using var client = DaemonChannel.ForAddress(new Uri($"http://127.0.0.1:{server.TcpPort()}"));
        var reply = await new Echo.Echo.EchoClient(client).SayAsync(new EchoRequest { Text = "h2c" }, deadline: Bounded);
        Assert.That(reply.Text, Is.EqualTo("h2c"));
        if (PythonGrpc.Ready)
        {
            var python = await PythonGrpc.RunAsync($"127.0.0.1:{server.TcpPort()}", "say", "py h2c");
            Assert.That(python.GetProperty("text").GetString(), Is.EqualTo("py h2c"), python.ToString());
        }
    }
}
