using System.Net;
using System.Net.Sockets;
using Bgp.Api.V1;
using Bgp.TestKit;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Host.Tests;

/// <summary>The metrics of a running daemon: the Prometheus endpoint on prometheus_address and ControlService.GetMetrics.</summary>
public partial class DaemonApiTests
{
    private static int FreePort(string address)
    {
        using var probe = new TcpListener(IPAddress.Parse(address), 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Test]
    public async Task The_metrics_endpoint_reports_sessions_messages_and_prefixes_and_passes_promtool()
    {
        int port = FreePort(Us);
        var listener = _scripted.Listen("127.10.0.8");
        using var daemon = await StartAsync($"""
            prometheus_address = "{Us}:{port}"
            {DaemonConfig.DialedNeighbor("127.10.0.8", 65008, Us)}

            [[neighbors]]
            address = "127.10.0.9"
            remote_asn = 65009
            passive = true
            """);
        await daemon.WaitForLogAsync($"metrics on http://{Us}:{port}/metrics");
        var peer = await _scripted.AcceptAndHandshakeAsync(listener, 65008, 0x7F0A0008, AfiSafi.Ipv4Unicast);
        await peer.SendAsync(Announce("203.0.113.0/24"));
        await peer.SendAsync(Announce("203.0.114.0/24"));

        using var http = new HttpClient { Timeout = Wait };
        string text = "";
        for (int i = 0; i < 100 && !text.Contains("bgpactors_rib_prefixes{} 2", StringComparison.Ordinal); i++)
        {
            if (i > 0) await Task.Delay(100);
            using var response = await http.GetAsync($"http://{Us}:{port}/metrics");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.ToString(), Does.StartWith("text/plain; version=0.0.4"));
            text = await response.Content.ReadAsStringAsync();
        }

        const string a = "peer=\"127.10.0.8\",remote_as=\"65008\"";
        const string b = "peer=\"127.10.0.9\",remote_as=\"65009\"";
        Assert.That(text, Does.Contain("bgpactors_peers_configured{} 2\n"));
        Assert.That(text, Does.Contain("bgpactors_peers_established{} 1\n"));
        Assert.That(text, Does.Contain($"bgpactors_peer_up{{{a}}} 1\n").And.Contain($"bgpactors_peer_up{{{b}}} 0\n"));
        Assert.That(text, Does.Contain($"bgpactors_peer_state{{{a}}} 6\n").And.Contain($"bgpactors_peer_state{{{b}}} 3\n"), "Established; Active");
        Assert.That(text, Does.Contain($"bgpactors_peer_messages_received_total{{{a},type=\"update\"}} 2\n"));
        Assert.That(text, Does.Contain($"bgpactors_peer_messages_received_total{{{a},type=\"open\"}} 1\n"));
        Assert.That(text, Does.Contain($"bgpactors_peer_prefixes_received{{family=\"ipv4-unicast\",{a}}} 2\n"));
        Assert.That(text, Does.Contain($"bgpactors_peer_prefixes_accepted{{family=\"ipv4-unicast\",{a}}} 2\n"));
        Assert.That(text, Does.Contain("bgpactors_rib_prefixes{} 2\n"));
        Assert.That(text, Does.Contain("# TYPE bgpactors_peer_flaps_total counter"));
        Assert.That(text, Does.Contain("bgpactors_rib_queue_depth{} "));
        Assert.That(text, Does.Contain("process_resident_memory_bytes{} "));

        var (exit, output) = await Promtool.CheckMetricsAsync(text);
        Assert.That(exit, Is.Zero, $"promtool check metrics:\n{output}\n---\n{text}");

        var viaApi = await _api!.Unary(_api.Control.GetMetricsAsync, new GetMetricsRequest());
        Assert.That(viaApi.Text, Does.Contain($"bgpactors_peer_up{{{a}}} 1\n"));

        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
        Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{Us}:{port}/metrics"), "the endpoint closes with the daemon");
    }
}
