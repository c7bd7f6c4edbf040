using Bgp.Actors.Config;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config;

/// <summary>
/// Every rule of the schema, one case each: the file, the diagnostic code expected and the line and
/// column it must point at (the value at fault, or the key, or the table that lacks a key).
/// </summary>
[TestFixture]
public sealed class ConfigValidationTests
{
    /// <summary>Three lines of valid [global]; an appended snippet starts on line 4.</summary>
    private const string Global = "[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n";

    /// <summary>Global plus an [[neighbors]] header on line 4; a snippet starts on line 5.</summary>
    private const string Neighbor = Global + "[[neighbors]]\naddress = \"192.0.2.2\"\n";

    private const string Grpc = Global + "[[global.telemetry.grpc_listeners]]\n";

    private static IEnumerable<TestCaseData> Cases()
    {
        // [global]
        yield return Case("asn 0 is reserved (RFC 7607)", "[global]\nasn = 0\nrouter_id = \"192.0.2.1\"\n", "out-of-range", 2, 7);
        yield return Case("asn above 32 bits", "[global]\nasn = 4294967296\nrouter_id = \"192.0.2.1\"\n", "out-of-range", 2, 7);
        yield return Case("asn AS_TRANS (RFC 6793)", "[global]\nasn = 23456\nrouter_id = \"192.0.2.1\"\n", "reserved-asn", 2, 7);
        yield return Case("asn as a string", "[global]\nasn = \"64500\"\nrouter_id = \"192.0.2.1\"\n", "wrong-type", 2, 7);
        yield return Case("router_id zero (RFC 6286)", "[global]\nasn = 1\nrouter_id = \"0.0.0.0\"\n", "invalid-address", 3, 13);
        yield return Case("router_id IPv6", "[global]\nasn = 1\nrouter_id = \"2001:db8::1\"\n", "invalid-address", 3, 13);
        yield return Case("router_id not a dotted quad", "[global]\nasn = 1\nrouter_id = \"10.1\"\n", "invalid-address", 3, 13);
        yield return Case("router_id missing", "[global]\nasn = 1\n", "missing-key", 1, 1);
        yield return Case("asn missing", "\n[global]\nrouter_id = \"192.0.2.1\"\n", "missing-key", 2, 1);
        yield return Case("[global] missing", "# nothing\n", "missing-key", 1, 1);
        yield return Case("global not a table", "global = 1\n", "wrong-type", 1, 10);
        yield return Case("listen_port 0", Global + "listen_port = 0\n", "out-of-range", 4, 15);
        yield return Case("listen_port 65536", Global + "listen_port = 65536\n", "out-of-range", 4, 15);
        yield return Case("listen_addresses duplicate", Global + "listen_addresses = [\"::\", \"::\"]\n", "duplicate", 4, 27);
        yield return Case("listen_addresses bad octet", Global + "listen_addresses = [\"256.0.0.1\"]\n", "invalid-address", 4, 21);
        yield return Case("listen_addresses not an array", Global + "listen_addresses = \"::\"\n", "wrong-type", 4, 20);
        yield return Case("runtime_state_dir relative", Global + "runtime_state_dir = \"var/lib\"\n", "invalid-path", 4, 21);
        yield return Case("cluster_id not an address", Global + "cluster_id = \"cluster-1\"\n", "invalid-address", 4, 14);
        yield return Case("unknown key in [global]", Global + "router_name = \"r1\"\n", "unknown-key", 4, 1);
        yield return Case("unknown top-level table", Global + "[bgp]\nx = 1\n", "unknown-key", 4, 2);

        // [global.telemetry]
        yield return Case("log_format unknown", Global + "[global.telemetry]\nlog_format = \"xml\"\n", "invalid-value", 5, 14);
        yield return Case("log_level wrong type", Global + "[global.telemetry]\nlog_level = 3\n", "wrong-type", 5, 13);
        yield return Case("prometheus_address without port", Global + "[global.telemetry]\nprometheus_address = \"127.0.0.1\"\n", "invalid-address", 5, 22);
        yield return Case("prometheus_address unbracketed IPv6", Global + "[global.telemetry]\nprometheus_address = \"::1:9179\"\n", "invalid-address", 5, 22);
        yield return Case("looking_glass_address port 0", Global + "[global.telemetry]\nlooking_glass_address = \"127.0.0.1:0\"\n", "invalid-address", 5, 25);
        yield return Case("unknown key in telemetry", Global + "[global.telemetry]\nlog = \"info\"\n", "unknown-key", 5, 1);

        // [[global.telemetry.grpc_listeners]]
        yield return Case("grpc both unix and tcp", Grpc + "unix = \"/run/a.sock\"\ntcp = \"127.0.0.1:50051\"\n", "conflict", 4, 1);
        yield return Case("grpc neither unix nor tcp", Grpc + "read_only = true\n", "conflict", 4, 1);
        yield return Case("grpc unix path relative", Grpc + "unix = \"grpc.sock\"\n", "invalid-path", 5, 8);
        yield return Case("grpc mode open to others", Grpc + "unix = \"/run/a.sock\"\nmode = 0o666\n", "insecure-listener", 6, 8);
        yield return Case("grpc mode above 0o777", Grpc + "unix = \"/run/a.sock\"\nmode = 0o1777\n", "out-of-range", 6, 8);
        yield return Case("grpc mode on tcp", Grpc + "tcp = \"127.0.0.1:1\"\nmode = 0o600\n", "conflict", 6, 1);
        yield return Case("grpc tls on unix", Grpc + "unix = \"/run/a.sock\"\ntls_key = \"/k\"\n", "conflict", 6, 1);
        yield return Case("grpc plaintext tcp off loopback", Grpc + "tcp = \"0.0.0.0:50051\"\n", "insecure-listener", 5, 7);
        yield return Case("grpc mTLS not all-or-nothing", Grpc + "tcp = \"[::]:50051\"\ntls_cert = \"/c.pem\"\ntls_key = \"/k.pem\"\n", "conflict", 6, 1);
        yield return Case("grpc read_only wrong type", Grpc + "unix = \"/run/a.sock\"\nread_only = \"yes\"\n", "wrong-type", 6, 13);
        yield return Case("grpc token_file relative", Grpc + "unix = \"/run/a.sock\"\ntoken_file = \"token\"\n", "invalid-path", 6, 14);
        yield return Case("grpc duplicate listener", Grpc + "unix = \"/run/a.sock\"\n" + "[[global.telemetry.grpc_listeners]]\nunix = \"/run/a.sock\"\n", "duplicate", 6, 1);
        yield return Case("grpc unknown key", Grpc + "unix = \"/run/a.sock\"\nowner = \"bgp\"\n", "unknown-key", 6, 1);

        // [[neighbors]]
        yield return Case("neighbor without address", Global + "[[neighbors]]\nremote_asn = 1\n", "missing-key", 4, 1);
        yield return Case("neighbor without remote_asn", Neighbor, "missing-key", 4, 1);
        yield return Case("neighbor address multicast", Global + "[[neighbors]]\naddress = \"224.0.0.5\"\nremote_asn = 1\n", "invalid-address", 5, 11);
        yield return Case("neighbor address unspecified", Global + "[[neighbors]]\naddress = \"::\"\nremote_asn = 1\n", "invalid-address", 5, 11);
        yield return Case("neighbor address link-local", Global + "[[neighbors]]\naddress = \"fe80::1\"\nremote_asn = 1\n", "invalid-address", 5, 11);
        yield return Case("neighbor address with zone", Global + "[[neighbors]]\naddress = \"2001:db8::1%eth0\"\nremote_asn = 1\n", "invalid-address", 5, 11);
        yield return Case("neighbor address a name", Global + "[[neighbors]]\naddress = \"peer.example\"\nremote_asn = 1\n", "invalid-address", 5, 11);
        yield return Case("duplicate neighbors", Neighbor + "remote_asn = 1\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 2\n", "duplicate", 8, 11);
        yield return Case("duplicate neighbors written differently", Global + "[[neighbors]]\naddress = \"2001:db8::1\"\nremote_asn = 1\n[[neighbors]]\naddress = \"2001:DB8:0::1\"\nremote_asn = 2\n", "duplicate", 8, 11);
        yield return Case("remote_asn 0", Neighbor + "remote_asn = 0\n", "out-of-range", 6, 14);
        yield return Case("hold_time 1 (RFC 4271 §4.2)", Neighbor + "remote_asn = 1\nhold_time = 1\n", "out-of-range", 7, 13);
        yield return Case("hold_time 2 (RFC 4271 §4.2)", Neighbor + "remote_asn = 1\nhold_time = 2\n", "out-of-range", 7, 13);
        yield return Case("hold_time above 16 bits", Neighbor + "remote_asn = 1\nhold_time = 65536\n", "out-of-range", 7, 13);
        yield return Case("hold_time float", Neighbor + "remote_asn = 1\nhold_time = 90.0\n", "wrong-type", 7, 13);
        yield return Case("connect_retry 0", Neighbor + "remote_asn = 1\nconnect_retry = 0\n", "out-of-range", 7, 17);
        yield return Case("families empty", Neighbor + "remote_asn = 1\nfamilies = []\n", "invalid-value", 7, 12);
        yield return Case("families unknown", Neighbor + "remote_asn = 1\nfamilies = [\"ipv4-unicast\", \"ipv4-vpn\"]\n", "invalid-value", 7, 29);
        yield return Case("families duplicate", Neighbor + "remote_asn = 1\nfamilies = [\"ipv4-unicast\", \"ipv4-unicast\"]\n", "duplicate", 7, 29);
        yield return Case("families a string", Neighbor + "remote_asn = 1\nfamilies = \"ipv4-unicast\"\n", "wrong-type", 7, 12);
        yield return Case("md5_password too long", Neighbor + "remote_asn = 1\nmd5_password = \"" + new string('x', 81) + "\"\n", "invalid-value", 7, 16);
        yield return Case("md5_password empty", Neighbor + "remote_asn = 1\nmd5_password = \"\"\n", "invalid-value", 7, 16);
        yield return Case("ttl_security 255 (RFC 5082)", Neighbor + "remote_asn = 1\nttl_security = 255\n", "out-of-range", 7, 16);
        yield return Case("ttl_security boolean", Neighbor + "remote_asn = 1\nttl_security = true\n", "wrong-type", 7, 16);
        yield return Case("max_prefixes 0", Neighbor + "remote_asn = 1\nmax_prefixes = 0\n", "out-of-range", 7, 16);
        yield return Case("max_prefixes unknown family", Neighbor + "remote_asn = 1\nmax_prefixes = { ipv4-unicat = 10 }\n", "invalid-value", 7, 18);
        yield return Case("max_prefixes for a family not enabled", Neighbor + "remote_asn = 1\nmax_prefixes = { ipv6-unicast = 10 }\n", "conflict", 7, 16);
        yield return Case("local_address other family", Neighbor + "remote_asn = 1\nlocal_address = \"2001:db8::1\"\n", "conflict", 7, 17);
        yield return Case("local_address invalid", Neighbor + "remote_asn = 1\nlocal_address = \"192.0.2\"\n", "invalid-address", 7, 17);
        yield return Case("passive wrong type", Neighbor + "remote_asn = 1\npassive = \"yes\"\n", "wrong-type", 7, 11);
        yield return Case("enabled wrong type", Neighbor + "remote_asn = 1\nenabled = \"no\"\n", "wrong-type", 7, 11);
        yield return Case("remote_port 0", Neighbor + "remote_asn = 1\nremote_port = 0\n", "out-of-range", 7, 15);
        yield return Case("remote_port above 16 bits", Neighbor + "remote_asn = 1\nremote_port = 65536\n", "out-of-range", 7, 15);
        yield return Case("remote_port a string", Neighbor + "remote_asn = 1\nremote_port = \"bgp\"\n", "wrong-type", 7, 15);
        yield return Case("description empty", Neighbor + "remote_asn = 1\ndescription = \"\"\n", "invalid-value", 7, 15);
        yield return Case("description too long", Neighbor + "remote_asn = 1\ndescription = \"" + new string('d', 256) + "\"\n", "invalid-value", 7, 15);
        yield return Case("route server and reflector client", Neighbor + "remote_asn = 1\nroute_server_client = true\nroute_reflector_client = true\n", "conflict", 8, 26);
        yield return Case("route reflector client over eBGP (RFC 4456)", Neighbor + "remote_asn = 1\nroute_reflector_client = true\n", "conflict", 7, 26);
        yield return Case("route server client over iBGP (RFC 7947)", Neighbor + "remote_asn = 64500\nroute_server_client = true\n", "conflict", 7, 23);
        yield return Case("neighbor log_level unknown", Neighbor + "remote_asn = 1\nlog_level = \"loud\"\n", "invalid-value", 7, 13);
        yield return Case("unknown peer group", Neighbor + "remote_asn = 1\npeer_group = \"transit\"\n", "unknown-reference", 7, 14);
        yield return Case("peer_group not a string", Neighbor + "remote_asn = 1\npeer_group = 1\n", "wrong-type", 7, 14);
        yield return Case("unknown neighbor key", Neighbor + "remote_as = 1\n", "unknown-key", 6, 1);
        yield return Case("neighbors not an array of tables", "neighbors = 1\n" + Global, "wrong-type", 1, 13);

        // [peer_groups.NAME]
        yield return Case("peer group name with a space", Global + "[peer_groups.\"route servers\"]\nremote_asn = 1\n", "invalid-name", 4, 14);
        yield return Case("peer group hold_time", Global + "[peer_groups.rs]\nhold_time = 1\n", "out-of-range", 5, 13);
        yield return Case("peer group cannot set address", Global + "[peer_groups.rs]\naddress = \"192.0.2.2\"\n", "unknown-key", 5, 1);
        yield return Case("peer group cannot nest", Global + "[peer_groups.rs]\npeer_group = \"other\"\n", "unknown-key", 5, 1);
        yield return Case("peer_groups entry not a table", Global + "[peer_groups]\nrs = 1\n", "wrong-type", 5, 6);
        yield return Case("inherited conflict points at the group",
            Global + "[peer_groups.rr]\nroute_reflector_client = true\n[[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 1\npeer_group = \"rr\"\n",
            "conflict", 5, 26);

        // TOML syntax errors come through the same pipeline.
        yield return Case("TOML syntax error", Global + "listen_port = \n", "expected-value", 4, 15);
        yield return Case("TOML duplicate key", Global + "asn = 1\n", "duplicate-key", 4, 1);
    }

    private static TestCaseData Case(string name, string text, string code, int line, int column) =>
        new TestCaseData(text, code, line, column).SetName(name.Replace('.', '·'));

    [TestCaseSource(nameof(Cases))]
    public void An_invalid_value_is_reported_at_its_line_and_column(string text, string code, int line, int column)
    {
        var result = BgpConfig.Parse(text, "bgp.toml");

        Assert.That(result.Success, Is.False);
        Assert.That(result.Diagnostics, Has.Count.GreaterThanOrEqualTo(1));
        var first = result.Diagnostics.FirstOrDefault(d => d.Code == code);
        Assert.That(first, Is.Not.Null, () => "got: " + string.Join("\n", result.Diagnostics));
        Assert.That((first!.Line, first.Column), Is.EqualTo((line, column)), () => string.Join("\n", result.Diagnostics));
        Assert.That(first.FileName, Is.EqualTo("bgp.toml"));
    }

    [Test]
    public void All_errors_in_a_file_are_reported_at_once_in_file_order()
    {
        string text = "[global]\nasn = 0\nrouter_id = \"0.0.0.0\"\nlisten_port = 0\n"
            + "[[neighbors]]\naddress = \"192.0.2.300\"\nremote_asn = 1\nhold_time = 1\n"
            + "[[neighbors]]\naddress = \"192.0.2.2\"\npeer_group = \"none\"\n";

        var result = BgpConfig.Parse(text, "bgp.toml");

        Assert.That(result.Diagnostics.Select(d => (d.Code, d.Line)), Is.EqualTo(new[]
        {
            ("out-of-range", 2), ("invalid-address", 3), ("out-of-range", 4),
            ("invalid-address", 6), ("out-of-range", 8), ("unknown-reference", 11),
        }));
    }

    [Test]
    public void An_unknown_key_close_to_a_known_one_suggests_it()
    {
        var result = BgpConfig.Parse("[global]\nasn = 1\nrouter-id = \"192.0.2.1\"\nrouter_id = \"192.0.2.1\"\n", "bgp.toml");

        var diagnostic = result.Diagnostics.Single();
        Assert.That(diagnostic.Message, Is.EqualTo("unknown key `router-id` in [global]"));
        Assert.That(diagnostic.Label, Is.EqualTo("did you mean `router_id`?"));
    }

    [Test]
    public void A_missing_file_is_a_diagnostic_not_an_exception()
    {
        var result = BgpConfig.Load(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "bgp.toml"));

        Assert.That(result.Diagnostics.Single().Code, Is.EqualTo("unreadable-file"));
    }
}
