using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// ExaBGP in the foreground with the API process <c>clab/exabgp-api.py</c>, which appends every JSON event
/// (state changes, OPENs, UPDATEs, NOTIFICATIONs) to <c>exabgp-events.jsonl</c> and forwards lines appended to
/// <c>exabgp-commands</c> to ExaBGP. ExaBGP keeps no queryable RIB, so session state and received routes are
/// replayed from the events of the current run.
/// Limits: its teardown sends Cease/Administrative Shutdown with the fixed text "Administrative Shutdown"
/// (no custom communication), and it reconnects by itself afterwards with a growing backoff (0, 1, 2, 3, 4, 5, 7 ... 60 s).
/// ExaBGP 4.2.21 cannot decode a received Cease with a non-empty shutdown communication (a bytes/str TypeError in
/// <c>Notification.__init__</c>): it answers with NOTIFICATION 1/0 "can not decode update message of type 3" and the
/// text never reaches the API, so <see cref="LabSession.LastShutdownCommunication"/> stays null for it.
/// </summary>
public sealed class ExaBgpPeer : LabPeer
{
    internal const string Python = "/usr/bin/python3";

    private long _eventsOffset;

    internal ExaBgpPeer(LabPeerOptions options, string workDir) : base(PeerKind.ExaBgp, options, workDir) { }

    public override LabCapabilities Capabilities { get; } = new(
        Md5: true, TtlSecurity: true, ShutdownCommunication: false, FixedShutdownText: "Administrative Shutdown", ReportsShutdownCommunication: false, StaysDownAfterShutdown: false);

    protected override string ConfigFileName => "exabgp.conf";
    protected override string TemplateName => "exabgp.conf";
    private string EventsPath => Path.Combine(WorkDir, "exabgp-events.jsonl");
    private string CommandsPath => Path.Combine(WorkDir, "exabgp-commands");

    protected override void BeforeStart()
    {
        // Only the events of this run count.
        _eventsOffset = File.Exists(EventsPath) ? new FileInfo(EventsPath).Length : 0;
        if (!File.Exists(CommandsPath)) File.WriteAllText(CommandsPath, "");
    }

    protected override (string, IReadOnlyList<string>, IReadOnlyDictionary<string, string>?) DaemonCommand() =>
        ("exabgp", [ConfigPath], new Dictionary<string, string>
        {
            ["exabgp_daemon_daemonize"] = "false",
            ["exabgp_daemon_user"] = "root",
            ["exabgp_api_cli"] = "false",
            ["exabgp_log_destination"] = "stdout",
            // Listens only on its own address; a passive ExaBGP needs it, an active one does no harm.
            ["exabgp_tcp_bind"] = Options.LocalAddress.ToString(),
            ["exabgp_tcp_port"] = "179",
        });

    protected override Task<bool> IsControlReadyAsync() =>
        Task.FromResult(File.Exists(EventsPath) && File.Exists(CommandsPath));

    protected override IEnumerable<string> LogFiles() => [StdoutPath, StderrPath, EventsPath];

    public override Task<LabSession> GetSessionAsync()
    {
        string state = "Idle";
        double? upSince = null;
        int? peerHold = null;
        var peerFamilies = new List<string>();
        string? lastError = null, shutdownText = null;

        foreach (var ev in ReadEvents())
        {
            var root = ev;
            string type = root.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            var neighbor = root.TryGetProperty("neighbor", out var n) ? n : default;
            switch (type)
            {
                case "state":
                    string s = neighbor.GetProperty("state").GetString() ?? "";
                    state = s switch { "up" => "Established", "connected" => "Connected", "down" => "Idle", _ => s };
                    upSince = s == "up" ? root.GetProperty("time").GetDouble() : null;
                    if (s == "down" && neighbor.TryGetProperty("reason", out var reason)) lastError = reason.GetString();
                    break;
                case "open" when neighbor.TryGetProperty("direction", out var dir) && dir.GetString() == "receive":
                    var open = neighbor.GetProperty("open");
                    peerHold = open.GetProperty("hold_time").GetInt32();
                    peerFamilies.Clear();
                    foreach (var cap in open.GetProperty("capabilities").EnumerateObject())
                        if (cap.Value.TryGetProperty("families", out var fams))
                            peerFamilies.AddRange(fams.EnumerateArray().Select(f => (f.GetString() ?? "").Replace('/', '-')));
                    break;
                case "notification":
                    var note = neighbor.GetProperty("notification");
                    int code = note.GetProperty("code").GetInt32(), sub = note.GetProperty("subcode").GetInt32();
                    string data = note.TryGetProperty("data", out var d) ? d.GetString() ?? "" : "";
                    lastError = $"notification {code}/{sub} {data}";
                    // RFC 9003: Cease/Administrative Shutdown or Reset carries length + UTF-8 text.
                    if (code == 6 && sub is 2 or 4) shutdownText = DecodeShutdownCommunication(data);
                    break;
            }
        }

        bool established = state == "Established";
        var ours = Options.Ipv6 ? new[] { "ipv4-unicast", "ipv6-unicast" } : ["ipv4-unicast"];
        // RFC 4271 §4.2: the smaller of the two hold times (0 wins).
        int? hold = established && peerHold is { } ph ? (ph == 0 || Options.HoldTime == 0 ? 0 : Math.Min(ph, Options.HoldTime)) : null;
        TimeSpan? uptime = established && upSince is { } since
            ? DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds((long)(since * 1000))
            : null;
        var families = established ? ours.Where(peerFamilies.Contains).ToList() : [];
        return Task.FromResult(new LabSession(state, established, uptime, hold, families, lastError, shutdownText));
    }

    public override Task<IReadOnlyList<LabRoute>> GetReceivedRoutesAsync()
    {
        var rib = new Dictionary<string, LabRoute>(StringComparer.OrdinalIgnoreCase);
        foreach (var ev in ReadEvents())
        {
            var root = ev;
            string type = root.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            if (type == "state" && root.GetProperty("neighbor").GetProperty("state").GetString() == "up") rib.Clear();
            if (type != "update") continue;
            var message = root.GetProperty("neighbor").GetProperty("message");
            if (!message.TryGetProperty("update", out var update)) continue;   // End-of-RIB

            List<uint>? asPath = null;
            var communities = new List<string>();
            if (update.TryGetProperty("attribute", out var attrs))
            {
                if (attrs.TryGetProperty("as-path", out var ap)) asPath = [.. ap.EnumerateArray().Select(a => a.GetUInt32())];
                if (attrs.TryGetProperty("community", out var cs))
                    foreach (var c in cs.EnumerateArray())
                        communities.Add(string.Create(CultureInfo.InvariantCulture, $"{c[0].GetUInt32()}:{c[1].GetUInt32()}"));
            }
            if (update.TryGetProperty("withdraw", out var withdraw))
                foreach (var family in withdraw.EnumerateObject())
                    foreach (var nlri in family.Value.EnumerateArray())
                        rib.Remove(nlri.GetProperty("nlri").GetString() ?? "");
            if (update.TryGetProperty("announce", out var announce))
                foreach (var family in announce.EnumerateObject())
                    foreach (var byNextHop in family.Value.EnumerateObject())
                        foreach (var nlri in byNextHop.Value.EnumerateArray())
                        {
                            string prefix = nlri.GetProperty("nlri").GetString() ?? "";
                            rib[prefix] = new LabRoute(prefix, byNextHop.Name, asPath, communities);
                        }
        }
        return Task.FromResult<IReadOnlyList<LabRoute>>([.. rib.Values]);
    }

    /// <summary>Sends Cease/Administrative Shutdown; ExaBGP 4.2 cannot carry <paramref name="text"/> (it sends "Administrative Shutdown").</summary>
    public override Task ShutdownSessionAsync(string text) =>
        File.AppendAllTextAsync(CommandsPath, $"neighbor {Options.RemoteAddress} teardown 2\n");

    /// <summary>Nothing to do: ExaBGP reconnects by itself after a teardown.</summary>
    public override Task EnableSessionAsync() => Task.CompletedTask;

    private List<JsonElement> ReadEvents()
    {
        var events = new List<JsonElement>();
        if (!File.Exists(EventsPath)) return events;
        using var stream = new FileStream(EventsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(_eventsOffset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            // ExaBGP also writes "done"/"error" acknowledgements of our commands; a last line may be half written.
            if (!line.StartsWith('{')) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                events.Add(doc.RootElement.Clone());
            }
            catch (JsonException) { }
        }
        return events;
    }

    private static string? DecodeShutdownCommunication(string data)
    {
        // ExaBGP prints the data as hex ("0x0C6D61696E74...") or as text; accept both.
        string hex = data.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? data[2..] : data;
        try
        {
            byte[] bytes = Convert.FromHexString(hex);
            return bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes, 1, Math.Min(bytes[0], bytes.Length - 1));
        }
        catch (FormatException)
        {
            return data.Length > 0 ? data : null;
        }
    }
}
