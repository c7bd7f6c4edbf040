using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// GoBGP (gobgpd, no kernel FIB) with its gRPC API on 127.0.0.1 at a free or given port; the TOML config has no
/// static routes, so the routes are injected through the API after each start. A global export policy sets the
/// lab next hops: GoBGP would use its own address on eBGP, and drops routes with 127/8 next hops.
/// </summary>
public sealed partial class GoBgpPeer : LabPeer
{
    // apipb.PeerState.SessionState
    private static readonly string[] SessionStates = ["Unknown", "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established"];

    internal GoBgpPeer(LabPeerOptions options, string workDir) : base(PeerKind.GoBgp, options, workDir)
    {
        ApiPort = options.GoBgpApiPort ?? FreeLoopbackPort();
    }

    /// <summary>The gRPC port on 127.0.0.1.</summary>
    public int ApiPort { get; }

    public override LabCapabilities Capabilities { get; } = new(
        Md5: true, TtlSecurity: true, ShutdownCommunication: true, FixedShutdownText: null, ReportsShutdownCommunication: true, StaysDownAfterShutdown: true);

    protected override string ConfigFileName => "gobgpd.toml";
    protected override string TemplateName => "gobgpd.toml";

    protected override Dictionary<string, string> TemplateVariables()
    {
        var v = base.TemplateVariables();
        v["API_PORT"] = Invariant(ApiPort);
        return v;
    }

    protected override (string, IReadOnlyList<string>, IReadOnlyDictionary<string, string>?) DaemonCommand() =>
        ("gobgpd", ["-f", ConfigPath, "-t", "toml", "--api-hosts", $"127.0.0.1:{ApiPort}", "--pprof-disable", "-p"], null);

    protected override async Task<bool> IsControlReadyAsync() =>
        (await LabCommand.RunAsync("gobgp", ["-p", Invariant(ApiPort), "global"]).ConfigureAwait(false)).Ok;

    protected override async Task AfterStartAsync()
    {
        foreach (string prefix in Options.Ipv4Routes)
            await GobgpAsync("global", "rib", "add", "-a", "ipv4", prefix, "nexthop", Options.NextHop4).ConfigureAwait(false);
        if (Options.Ipv6)
            foreach (string prefix in Options.Ipv6Routes)
                await GobgpAsync("global", "rib", "add", "-a", "ipv6", prefix, "nexthop", Options.NextHop6).ConfigureAwait(false);
    }

    private Task<string> GobgpAsync(params string[] words) => ControlAsync("gobgp", ["-p", Invariant(ApiPort), .. words]);

    public override async Task<LabSession> GetSessionAsync()
    {
        string remote = Options.RemoteAddress.ToString();
        using var doc = JsonDocument.Parse(await GobgpAsync("-j", "neighbor", remote).ConfigureAwait(false));
        var root = doc.RootElement;
        int code = root.GetProperty("state").TryGetProperty("session_state", out var ss) ? ss.GetInt32() : 0;
        string state = code >= 0 && code < SessionStates.Length ? SessionStates[code] : $"state {code}";
        bool established = code == 6;

        TimeSpan? uptime = null;
        int? hold = null;
        if (established && root.TryGetProperty("timers", out var timers) && timers.TryGetProperty("state", out var ts))
        {
            if (ts.TryGetProperty("uptime", out var up) && up.TryGetProperty("seconds", out var sec))
                uptime = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(sec.GetInt64());
            if (ts.TryGetProperty("negotiated_hold_time", out var nh)) hold = nh.GetInt32();
        }

        // The JSON holds the capabilities as protobuf Any; the text view names the negotiated families.
        var families = new List<string>();
        if (established)
        {
            string text = await GobgpAsync("neighbor", remote).ConfigureAwait(false);
            foreach (Match m in NegotiatedFamily().Matches(text)) families.Add(m.Groups[1].Value);
        }

        var (lastError, shutdownText) = LastReceivedNotification();
        return new LabSession(state, established, uptime, hold, families, lastError, shutdownText);
    }

    // GoBGP reports a received NOTIFICATION and its shutdown communication only in its log:
    // level=warning msg="received notification" Code=6 Communicated-Reason="bye" Data="[]" Key=... Subcode=2
    private (string? Error, string? ShutdownText) LastReceivedNotification()
    {
        if (!File.Exists(StdoutPath)) return (null, null);
        string? last = null;
        try
        {
            foreach (string line in File.ReadLines(StdoutPath))
                if (line.Contains("msg=\"received notification\"", StringComparison.Ordinal)) last = line;
        }
        catch (IOException) { return (null, null); }
        if (last is null) return (null, null);
        var m = NotificationLine().Match(last);
        if (!m.Success) return (last, null);
        string reason = m.Groups["reason"].Value;
        return ($"received notification {m.Groups["code"].Value}/{m.Groups["sub"].Value}" + (reason.Length > 0 ? $" \"{reason}\"" : ""),
            reason.Length > 0 ? reason : null);
    }

    public override async Task<IReadOnlyList<LabRoute>> GetReceivedRoutesAsync()
    {
        var routes = new List<LabRoute>();
        string remote = Options.RemoteAddress.ToString();
        foreach (string afi in Options.Ipv6 ? new[] { "ipv4", "ipv6" } : ["ipv4"])
        {
            string json = await GobgpAsync("-j", "neighbor", remote, "adj-in", "-a", afi).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(json) || json.Trim() == "null") continue;
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
            foreach (var prefix in doc.RootElement.EnumerateObject())
                foreach (var path in prefix.Value.EnumerateArray())
                    routes.Add(ParsePath(prefix.Name, path));
        }
        return routes;
    }

    private static LabRoute ParsePath(string prefix, JsonElement path)
    {
        string? nextHop = null;
        List<uint>? asPath = null;
        var communities = new List<string>();
        foreach (var attr in path.GetProperty("attrs").EnumerateArray())
        {
            switch (attr.GetProperty("type").GetInt32())
            {
                case 2:     // AS_PATH
                    asPath = [];
                    if (attr.TryGetProperty("as_paths", out var segments))
                        foreach (var seg in segments.EnumerateArray())
                            if (seg.TryGetProperty("asns", out var asns))
                                asPath.AddRange(asns.EnumerateArray().Select(a => a.GetUInt32()));
                    break;
                case 3:     // NEXT_HOP
                case 14:    // MP_REACH_NLRI
                    nextHop = attr.GetProperty("nexthop").GetString();
                    break;
                case 8:     // COMMUNITIES, as 32-bit integers
                    if (attr.TryGetProperty("communities", out var cs))
                        foreach (var c in cs.EnumerateArray())
                        {
                            uint v = c.GetUInt32();
                            communities.Add(string.Create(CultureInfo.InvariantCulture, $"{v >> 16}:{v & 0xFFFF}"));
                        }
                    break;
            }
        }
        return new LabRoute(prefix, nextHop, asPath, communities);
    }

    /// <summary>Uses the deprecated <c>shutdown</c> verb: GoBGP 3.10's <c>disable --reason</c> sends no communication.</summary>
    public override Task ShutdownSessionAsync(string text) =>
        GobgpAsync("neighbor", Options.RemoteAddress.ToString(), "shutdown", "--reason", text);

    public override Task EnableSessionAsync() => GobgpAsync("neighbor", Options.RemoteAddress.ToString(), "enable");

    [GeneratedRegex(@"^\s+(ipv[46]-unicast):\s+advertised and received", RegexOptions.Multiline)]
    private static partial Regex NegotiatedFamily();

    [GeneratedRegex(@"Code=(?<code>\d+) Communicated-Reason=""(?<reason>[^""]*)"".*Subcode=(?<sub>\d+)")]
    private static partial Regex NotificationLine();
}
