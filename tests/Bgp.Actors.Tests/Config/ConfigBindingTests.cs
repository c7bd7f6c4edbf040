using System.Net;
using System.Text.RegularExpressions;
using Bgp.Actors.Config;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config;

[TestFixture]
public sealed class ConfigBindingTests
{
    private static BgpConfig Bind(string text)
    {
        var result = BgpConfig.Parse(text, "bgp.toml");
        Assert.That(result.Diagnostics, Is.Empty, () => string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    [Test]
    public void A_minimal_file_gets_the_documented_production_defaults()
    {
        var config = Bind("[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n");

        var global = config.Global;
        Assert.That(global.Asn, Is.EqualTo(64500u));
        Assert.That(global.ListenAddresses, Is.EqualTo(new[] { IPAddress.Any, IPAddress.IPv6Any }));
        Assert.That(global.ListenPort, Is.EqualTo(179));
        Assert.That(global.RuntimeStateDir, Is.EqualTo("/var/lib/bgpactors"));
        Assert.That(global.ClusterId, Is.Null);
        Assert.That(global.EffectiveClusterId, Is.EqualTo(IPAddress.Parse("192.0.2.1")), "RFC 4456 §7: defaults to the router ID");
        Assert.That(global.Telemetry.LogFormat, Is.EqualTo(LogFormat.Text));
        Assert.That(global.Telemetry.LogLevel, Is.EqualTo(LogLevel.Info));
        Assert.That(global.Telemetry.PrometheusAddress, Is.Null);
        Assert.That(global.Telemetry.LookingGlassAddress, Is.Null);
        var grpc = global.Telemetry.GrpcListeners.Single();
        Assert.That((grpc.Kind, grpc.Path, grpc.Mode, grpc.ReadOnly), Is.EqualTo((GrpcListenerKind.Unix, "/var/lib/bgpactors/grpc.sock", 0x180, false)));
        Assert.That(config.Neighbors, Is.Empty);
    }

    [Test]
    public void The_default_grpc_socket_lives_in_the_runtime_state_dir()
    {
        var config = Bind("[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\nruntime_state_dir = \"/run/bgp\"\n");

        Assert.That(config.Global.Telemetry.GrpcListeners.Single().Path, Is.EqualTo("/run/bgp/grpc.sock"));
    }

    [Test]
    public void Neighbor_defaults_follow_the_address_family_and_the_global_log_level()
    {
        var config = Bind("[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n[global.telemetry]\nlog_level = \"debug\"\n"
            + "[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 64501\n"
            + "[[neighbors]]\naddress = \"2001:db8::2\"\nremote_asn = 64502\n");

        var v4 = config.Neighbors[0];
        Assert.That((v4.HoldTime, v4.ConnectRetry, v4.Passive, v4.LogLevel), Is.EqualTo((90, 30, false, LogLevel.Debug)));
        Assert.That(v4.Families, Is.EqualTo(new[] { AfiSafi.Ipv4Unicast }));
        Assert.That((v4.Md5Password, v4.TtlSecurityHops, v4.LocalAddress), Is.EqualTo(((string?)null, (int?)null, (IPAddress?)null)));
        Assert.That(v4.MaxPrefixes, Is.Empty);
        Assert.That((v4.Enabled, v4.RemotePort), Is.EqualTo((true, 179)));
        Assert.That(config.Neighbors[1].Families, Is.EqualTo(new[] { AfiSafi.Ipv6Unicast }));
    }

    [Test]
    public void A_neighbor_inherits_from_its_peer_group_and_its_own_values_win()
    {
        var config = Bind("""
            [global]
            asn = 64500
            router_id = "192.0.2.1"

            [peer_groups.members]
            description = "IXP members"
            remote_asn = 64510
            hold_time = 180
            families = ["ipv4-unicast", "ipv6-unicast"]
            max_prefixes = 1000
            route_server_client = true
            log_level = "warn"
            enabled = false
            remote_port = 1179

            [[neighbors]]
            address = "192.0.2.2"
            peer_group = "members"

            [[neighbors]]
            address = "192.0.2.3"
            peer_group = "members"
            remote_asn = 64511
            hold_time = 0
            max_prefixes = { ipv4-unicast = 50 }
            enabled = true
            remote_port = 2179
            """);

        var inherited = config.Neighbors[0];
        Assert.That((inherited.RemoteAsn, inherited.HoldTime, inherited.RouteServerClient, inherited.LogLevel, inherited.PeerGroup),
            Is.EqualTo((64510u, 180, true, LogLevel.Warn, "members")));
        Assert.That(inherited.Description, Is.Null, "a peer group's description describes the group and is not inherited");
        Assert.That(inherited.MaxPrefixes, Is.EqualTo(new[] { new PrefixLimit(AfiSafi.Ipv4Unicast, 1000), new PrefixLimit(AfiSafi.Ipv6Unicast, 1000) }));
        Assert.That((inherited.Enabled, inherited.RemotePort), Is.EqualTo((false, 1179)));

        var overridden = config.Neighbors[1];
        Assert.That((overridden.RemoteAsn, overridden.HoldTime), Is.EqualTo((64511u, 0)));
        Assert.That((overridden.Enabled, overridden.RemotePort), Is.EqualTo((true, 2179)));
        Assert.That(overridden.MaxPrefixes, Is.EqualTo(new[] { new PrefixLimit(AfiSafi.Ipv4Unicast, 50) }));
        Assert.That(config.PeerGroups.Single().Description, Is.EqualTo("IXP members"));
    }

    [Test]
    public void Telemetry_and_grpc_listeners_bind_with_every_option()
    {
        var config = Bind("""
            [global]
            asn = 64500
            router_id = "192.0.2.1"
            listen_addresses = ["192.0.2.1"]
            listen_port = 1179
            cluster_id = "10.0.0.1"

            [global.telemetry]
            log_format = "json"
            prometheus_address = "127.0.0.1:9179"
            looking_glass_address = "[::1]:8080"

            [[global.telemetry.grpc_listeners]]
            unix = "/run/bgpactors/ro.sock"
            mode = 0o660
            read_only = true

            [[global.telemetry.grpc_listeners]]
            tcp = "[2001:db8::1]:50051"
            tls_cert = "/etc/bgpactors/server.pem"
            tls_key = "/etc/bgpactors/server.key"
            tls_client_ca = "/etc/bgpactors/clients.pem"
            token_file = "/etc/bgpactors/token"
            """);

        var telemetry = config.Global.Telemetry;
        Assert.That(telemetry.LogFormat, Is.EqualTo(LogFormat.Json));
        Assert.That(telemetry.PrometheusAddress, Is.EqualTo(new EndpointAddress(IPAddress.Loopback, 9179)));
        Assert.That(telemetry.LookingGlassAddress!.ToString(), Is.EqualTo("[::1]:8080"));
        Assert.That(config.Global.EffectiveClusterId, Is.EqualTo(IPAddress.Parse("10.0.0.1")));
        var (unix, tcp) = (telemetry.GrpcListeners[0], telemetry.GrpcListeners[1]);
        Assert.That((unix.Mode, unix.ReadOnly, unix.TokenFile), Is.EqualTo((0x1B0, true, (string?)null)));
        Assert.That(tcp.Tls, Is.EqualTo(new TlsConfig("/etc/bgpactors/server.pem", "/etc/bgpactors/server.key", "/etc/bgpactors/clients.pem")));
        Assert.That(tcp.TokenFile, Is.EqualTo("/etc/bgpactors/token"));
    }

    [Test]
    public void A_plaintext_tcp_listener_on_loopback_is_allowed()
    {
        var config = Bind("[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\n[[global.telemetry.grpc_listeners]]\ntcp = \"127.0.0.1:50051\"\n");

        Assert.That(config.Global.Telemetry.GrpcListeners.Single().Tls, Is.Null);
    }

    [Test]
    public void The_md5_password_never_appears_in_a_neighbor_printout()
    {
        var config = Bind("[global]\nasn = 1\nrouter_id = \"192.0.2.1\"\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 2\nmd5_password = \"s3cret\"\n");

        Assert.That(config.Neighbors[0].ToString(), Does.Not.Contain("s3cret"));
    }

    [Test]
    public void Every_toml_example_in_the_configuration_guide_is_valid()
    {
        string guide = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "CONFIGURATION.md"));
        var examples = Regex.Matches(guide, "```toml\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();

        Assert.That(examples, Is.Not.Empty);
        foreach (string example in examples)
        {
            var result = BgpConfig.Parse(example, "CONFIGURATION.md");
            Assert.That(result.Diagnostics, Is.Empty, () => example + "\n" + string.Join("\n", result.Diagnostics));
        }
    }
}
