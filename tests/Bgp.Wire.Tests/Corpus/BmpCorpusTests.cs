using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// The BGP messages inside the NetGauze/pmacct BMP captures (see <see cref="BmpCorpus"/>): each
/// decodes cleanly unless listed, and each equals NetGauze's decoding in <c>X-bmp.json</c>.
/// </summary>
public class BmpCorpusTests
{
    public static IEnumerable<TestCaseData> Sources() =>
        BmpCorpus.Files().Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));

    public static IEnumerable<TestCaseData> WithJson() =>
        BmpCorpus.Files().Where(f => File.Exists(BmpJsonPath(f)))
            .Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));

    /// <summary>
    /// Non-clean UPDATEs, all from the FRR/6WIND router of pmacct's tests 205, 206 and 208 and all
    /// treat-as-withdraw (RFC 7606 §3(d), §7.2): post-policy UPDATEs without NEXT_HOP, and UPDATEs
    /// with a 2-octet AS_PATH although the per-peer A flag says 4-octet (NetGauze rejects those too).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, (int NoNextHop, int TwoOctetPath)> Frr =
        new Dictionary<string, (int, int)>
        {
            ["netgauze/pmacct-tests_205-BMP-6wind-FRR-peer_down/traffic-00.pcap"] = (140, 2),
            ["netgauze/pmacct-tests_206-BMP-high-availability/traffic-00.pcap"] = (140, 2),
            ["netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-route-monitoring.pcap"] = (187, 3),
        };

    [Test]
    public void Every_bmp_capture_is_read_and_carries_the_bgp_messages_netgauze_counts()
    {
        var files = BmpCorpus.Files();
        Assert.That(files, Has.Count.EqualTo(15));
        Assert.That(files.Sum(f => f.Messages.Count), Is.EqualTo(12913), "BMP messages (as many as NetGauze's JSON lines where it has them)");
        TestContext.Out.WriteLine($"{files.Sum(f => f.Messages.Sum(m => m.Bgp.Count))} BGP messages in {files.Sum(f => f.Messages.Count)} BMP messages");
    }

    [TestCaseSource(nameof(Sources))]
    public void Each_bgp_message_carried_in_bmp_decodes_cleanly_unless_it_is_frrs_RFC7854(BmpCorpus.BmpSource file)
    {
        int noNextHop = 0, twoOctet = 0;
        Assert.Multiple(() =>
        {
            foreach (var m in file.Messages.SelectMany(x => x.Bgp))
            {
                var r = m.Decode();
                if (r.IsClean) continue;
                var only = r.Errors!.All.Count == 1 ? r.Errors.All[0] : null;
                if (only is { Action: ErrorAction.TreatAsWithdraw, Attribute: AttrType.NextHop, Subcode: (byte)UpdateErrorSubcode.MissingWellKnownAttribute })
                    noNextHop++;
                else if (only is { Action: ErrorAction.TreatAsWithdraw, Attribute: AttrType.AsPath }
                    && MessageDecoder.Decode(m.Bytes, m.Context with { FourOctetAs = false }).IsClean)
                    twoOctet++;
                else
                    Assert.Fail($"{m.Source}: {r.Errors}");
            }
        });
        Assert.That((noNextHop, twoOctet), Is.EqualTo(Frr.GetValueOrDefault(file.Name)), "(missing NEXT_HOP, 2-octet AS_PATH)");
    }

    [TestCaseSource(nameof(WithJson))]
    public void NetGauzes_decoding_of_each_bmp_message_matches_ours(BmpCorpus.BmpSource file)
    {
        var lines = File.ReadAllLines(BmpJsonPath(file)).Select(l => { using var d = JsonDocument.Parse(l); return d.RootElement.Clone(); }).ToList();
        Assert.That(file.Messages, Has.Count.EqualTo(lines.Count), "one JSON line per BMP message");
        int updates = 0, opens = 0;
        Assert.Multiple(() =>
        {
            for (int i = 0; i < lines.Count; i++)
            {
                var (line, m) = (lines[i], file.Messages[i]);
                var top = line.EnumerateObject().First();
                if (top.Name == "BmpMessageParsingError")
                {
                    CheckNetGauzeError(top.Value.GetRawText(), m);
                    continue;
                }
                var kind = top.Value.EnumerateObject().First();
                Assert.That(($"V{m.Version}", TypeOf(kind.Name)), Is.EqualTo((top.Name, m.Type)), m.Source);
                switch (kind.Name)
                {
                    case "RouteMonitoring":
                        var update = m.Version == 3 ? kind.Value.GetProperty("update_message")
                            : kind.Value.GetProperty("update_pdu").GetProperty("value").GetProperty("BgpUpdate");
                        Assert.That(Ours(m.Bgp.Single()), Is.EqualTo(NetGauzeJson.Theirs(update)), m.Source);
                        updates++;
                        break;
                    case "PeerUpNotification":
                        Assert.That(Ours(m.Bgp[0]), Is.EqualTo(NetGauzeJson.Theirs(kind.Value.GetProperty("sent_message"))), m.Source + " sent OPEN");
                        Assert.That(Ours(m.Bgp[1]), Is.EqualTo(NetGauzeJson.Theirs(kind.Value.GetProperty("received_message"))), m.Source + " received OPEN");
                        opens += 2;
                        break;
                    case "PeerDownNotification" when kind.Value.GetProperty("reason").GetRawText().Contains("\"Notification\"", StringComparison.Ordinal):
                        Assert.That(m.Bgp.Single().Decode().Message, Is.TypeOf<NotificationMessage>(), m.Source);
                        break;
                }
            }
        });
        TestContext.Out.WriteLine($"{file.Name}: {lines.Count} BMP messages matched, with {updates} UPDATEs and {opens} OPENs compared");
    }

    /// <summary>Where NetGauze rejects a message, we must have a reason to differ or to agree.</summary>
    private static void CheckNetGauzeError(string error, BmpCorpus.BmpMessage m)
    {
        if (error.Contains("InvalidAsPathLength", StringComparison.Ordinal))
        {
            // We agree: a 2-octet AS_PATH where the A flag promises 4 octets (RFC 7606 §7.2).
            var r = m.Bgp.Single().Decode();
            Assert.That(r.Action, Is.EqualTo(ErrorAction.TreatAsWithdraw), m.Source);
            Assert.That(r.Errors!.Decisive!.Attribute, Is.EqualTo(AttrType.AsPath), m.Source);
        }
        else if (error.Contains("InvalidBgpId", StringComparison.Ordinal))
        {
            // NetGauze rejects a zero BGP Identifier (RFC 6286 §2.2). The codec only parses OPENs; judging
            // the version, hold time and identifier (RFC 4271 §6.2) is the session's job, so it decodes.
            Assert.That(m.Bgp.Select(b => b.Decode().Message).OfType<OpenMessage>().Any(o => o.BgpIdentifier == 0), m.Source);
        }
        else
        {
            Assert.Fail($"{m.Source}: NetGauze error not accounted for: {error}");
        }
    }

    private static string BmpJsonPath(BmpCorpus.BmpSource f) => Path.ChangeExtension(f.Path, null) + "-bmp.json";

    private static byte TypeOf(string kind) => kind switch
    {
        "RouteMonitoring" => 0, "StatisticsReport" => 1, "PeerDownNotification" => 2, "PeerUpNotification" => 3,
        "Initiation" => 4, "Termination" => 5, "RouteMirroring" => 6,
        _ => throw new FormatException($"NetGauze BMP kind {kind}"),
    };

    private static List<string>? Ours(CorpusMessage m) => m.Decode().Message is { } msg ? NetGauzeJson.Ours(msg, m.Context) : null;
}
