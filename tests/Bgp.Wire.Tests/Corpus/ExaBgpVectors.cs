using System.Text.Json;
using System.Text.RegularExpressions;
using Bgp.TestKit;
using Bgp.Wire.Tests.TestKit;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// Reads ExaBGP's QA vectors (testdata/bgp-vectors/exabgp):
/// <list type="bullet">
/// <item><c>decoding/X</c>: line 1 the family, line 2 a message in hex (whole, or the body alone), line 3 ExaBGP's JSON.</item>
/// <item><c>encoding/X.ci</c>: <c>N:raw:</c> messages ExaBGP sends under the session of the <c>.conf</c> the file names,
/// each followed by its <c>N:json:</c> (or <c>N:jsv6:</c>) decoding where there is one.</item>
/// </list>
/// </summary>
public static partial class ExaBgpVectors
{
    public static string Dir(string sub) => TestData.Path("bgp-vectors", "exabgp", sub);

    /// <summary>A vector that is a bare NLRI, not a message (<c>decoding/bgp-ls-1</c>).</summary>
    public sealed class NlriVector(string source, AfiSafi family, byte[] nlri, JsonElement expected)
    {
        public string Source { get; } = source;
        public AfiSafi Family { get; } = family;
        public byte[] Nlri { get; } = nlri;
        public JsonElement Expected { get; } = expected;
    }

    private static readonly Lazy<IReadOnlyList<CorpusMessage>> LazyDecoding = new(LoadDecoding);
    private static readonly Lazy<IReadOnlyList<CorpusMessage>> LazyEncoding = new(LoadEncoding);

    public static IReadOnlyList<CorpusMessage> Decoding => LazyDecoding.Value;
    public static IReadOnlyList<CorpusMessage> Encoding => LazyEncoding.Value;
    public static IEnumerable<CorpusMessage> All => Decoding.Concat(Encoding);

    public static IEnumerable<NlriVector> NlriOnly()
    {
        foreach (var f in Directory.GetFiles(Dir("decoding")).Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(f);
            var words = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] != "nlri") continue;
            yield return new NlriVector("exabgp/decoding/" + Path.GetFileName(f), Family(words[1], words[2]),
                Hex.Bytes(lines[1]), ParseJson(lines[2]));
        }
    }

    private static IReadOnlyList<CorpusMessage> LoadDecoding()
    {
        var list = new List<CorpusMessage>();
        foreach (var f in Directory.GetFiles(Dir("decoding")).Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(f);
            string kind = lines[0].Split(' ')[0];
            if (kind == "nlri") continue;
            var hex = Hex.Bytes(lines[1]);
            var type = kind == "open" ? MessageType.Open : MessageType.Update;
            var bytes = Wire.HasMarker(hex) ? hex : Wire.WithHeader(type, hex);
            JsonElement? json = lines.Length > 2 && lines[2].TrimStart().StartsWith('{') ? ParseJson(lines[2]) : null;
            // The vectors were captured on iBGP sessions between 4-octet speakers (JSON: asn local = peer).
            var ctx = CodecContext.Default with { PeerKind = PeerKindOf(json) };
            list.Add(new CorpusMessage("exabgp/decoding/" + Path.GetFileName(f), bytes, ctx, json));
        }
        return list;
    }

    private static IReadOnlyList<CorpusMessage> LoadEncoding()
    {
        var list = new List<CorpusMessage>();
        foreach (var ci in Directory.GetFiles(Dir("encoding"), "*.ci").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(ci);
            var lines = File.ReadAllLines(ci);
            string conf = lines.Select(l => OptionFile().Match(l)).First(m => m.Success).Groups[1].Value;
            var ctx = ExaBgpConf.Parse(File.ReadAllText(Path.Combine(Dir("encoding"), conf))).Context;
            int index = 0;
            int? pending = null; // the raw message a following json line describes
            foreach (var line in lines)
            {
                var m = Step().Match(line);
                if (!m.Success) continue;
                switch (m.Groups[1].Value)
                {
                    case "raw":
                        list.Add(new CorpusMessage($"exabgp/encoding/{name}#{++index}", Hex.Bytes(m.Groups[2].Value), ctx));
                        pending = list.Count - 1;
                        break;
                    case "json" or "jsv6" when pending is { } p:
                        list[p] = list[p].WithExpected(ParseJson(m.Groups[2].Value));
                        pending = null;
                        break;
                }
            }
        }
        return list;
    }

    private static JsonElement ParseJson(string s)
    {
        using var doc = JsonDocument.Parse(s);
        return doc.RootElement.Clone();
    }

    private static PeerKind PeerKindOf(JsonElement? json)
    {
        if (json is not { } j || !j.TryGetProperty("neighbor", out var n) || !n.TryGetProperty("asn", out var asn))
            return PeerKind.Unknown;
        return asn.GetProperty("local").GetUInt32() == asn.GetProperty("peer").GetUInt32() ? PeerKind.Internal : PeerKind.External;
    }

    /// <summary>ExaBGP's family names ("ipv4 unicast", "l2vpn evpn", "bgp-ls bgp-ls") as AFI/SAFI.</summary>
    public static AfiSafi Family(string afi, string safi)
    {
        var a = afi switch
        {
            "ipv4" => Afi.Ipv4, "ipv6" => Afi.Ipv6, "l2vpn" => Afi.L2vpn, "bgp-ls" => Afi.BgpLs,
            _ => throw new FormatException($"unknown ExaBGP AFI '{afi}'"),
        };
        var s = safi switch
        {
            "unicast" => Safi.Unicast, "multicast" => Safi.Multicast, "nlri-mpls" or "labeled-unicast" => Safi.MplsLabel,
            "mcast-vpn" => Safi.Mvpn, "vpls" => Safi.Vpls, "evpn" => Safi.Evpn, "bgp-ls" => Safi.BgpLs,
            "bgp-ls-vpn" => Safi.BgpLsVpn, "sr-policy" => Safi.SrPolicy, "mup" => Safi.Mup, "mpls-vpn" => Safi.MplsVpn,
            "rtc" => Safi.RouteTarget, "flow" => Safi.FlowSpec, "flow-vpn" => Safi.FlowSpecVpn,
            _ => throw new FormatException($"unknown ExaBGP SAFI '{safi}'"),
        };
        return new AfiSafi(a, s);
    }

    /// <summary>"ipv4 unicast" → AFI/SAFI.</summary>
    public static AfiSafi Family(string both)
    {
        var w = both.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Family(w[0], w[1]);
    }

    [GeneratedRegex(@"^option:file:(\S+)")]
    private static partial Regex OptionFile();

    [GeneratedRegex(@"^\d+:(raw|json|jsv6):(.*)$")]
    private static partial Regex Step();
}

/// <summary>
/// The few settings of an ExaBGP neighbour configuration that change the encoding: 4-octet AS
/// (<c>asn4 disable</c>), add-path (the <c>capability</c> mode and the <c>add-path</c> family list,
/// which defaults to every configured family), and whether the session is iBGP.
/// </summary>
public sealed partial record ExaBgpConf(bool FourOctetAs, bool SendsAddPath, EquatableArray<AfiSafi> AddPathFamilies, PeerKind Kind)
{
    /// <summary>The context of the receiving side: path identifiers come in where ExaBGP sends them.</summary>
    public CodecContext Context => CodecContext.Default with
    {
        FourOctetAs = FourOctetAs,
        ReceiveAddPath = SendsAddPath ? new FamilySet([.. AddPathFamilies]) : FamilySet.None,
        PeerKind = Kind,
    };

    public static ExaBgpConf Parse(string text)
    {
        // Comments out, so that a commented-out setting does not count.
        text = Comment().Replace(text, "");
        bool four = !AsnDisable().IsMatch(text);
        var mode = AddPathMode().Match(text);
        bool sends = mode.Success && mode.Groups[1].Value.Contains("send", StringComparison.Ordinal);
        var families = Block(text, "add-path") ?? Block(text, "family") ?? [AfiSafi.Ipv4Unicast];
        var local = LocalAs().Match(text);
        var peer = PeerAs().Match(text);
        var kind = local.Success && peer.Success
            ? local.Groups[1].Value == peer.Groups[1].Value ? PeerKind.Internal : PeerKind.External
            : PeerKind.Unknown;
        return new ExaBgpConf(four, sends, families.ToArray(), kind);
    }

    /// <summary>The families listed in a <c>name { afi safi; ... }</c> block, or null when there is none.</summary>
    private static List<AfiSafi>? Block(string text, string name)
    {
        var m = Regex.Match(text, @"(?m)^\s*" + Regex.Escape(name) + @"\s*\{([^}]*)\}");
        if (!m.Success) return null;
        var list = new List<AfiSafi>();
        foreach (var entry in m.Groups[1].Value.Split(';'))
        {
            var w = entry.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (w.Length >= 2) list.Add(ExaBgpVectors.Family(w[0], w[1]));
        }
        return list;
    }

    [GeneratedRegex(@"#[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\basn4\s+disable\b")]
    private static partial Regex AsnDisable();

    [GeneratedRegex(@"\badd-path\s+(send/receive|send|receive)\s*;")]
    private static partial Regex AddPathMode();

    [GeneratedRegex(@"\blocal-as\s+(\d+)")]
    private static partial Regex LocalAs();

    [GeneratedRegex(@"\bpeer-as\s+(\d+)")]
    private static partial Regex PeerAs();
}
