using System.Text.Json;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// FRR's bgpd alone (no zebra, no kernel routes, no vty TCP port), queried with vtysh over the vty socket in
/// the work directory. FRR coalesces outbound UPDATEs for about a second.
/// </summary>
public sealed class FrrPeer : LabPeer
{
    internal const string BgpdPath = "/usr/lib/frr/bgpd";

    internal FrrPeer(LabPeerOptions options, string workDir) : base(PeerKind.Frr, options, workDir) { }

    public override LabCapabilities Capabilities { get; } = new(
        Md5: true, TtlSecurity: true, ShutdownCommunication: true, FixedShutdownText: null, ReportsShutdownCommunication: true, StaysDownAfterShutdown: true);

    protected override string ConfigFileName => "bgpd.conf";
    protected override string TemplateName => "frr-bgpd.conf";

    protected override (string, IReadOnlyList<string>, IReadOnlyDictionary<string, string>?) DaemonCommand() =>
        (BgpdPath,
        [
            "-f", ConfigPath, "-i", Path.Combine(WorkDir, "bgpd.pid"), "--vty_socket", WorkDir,
            "-p", "179", "-l", Options.LocalAddress.ToString(),
            "-Z", "-n", "-S", "-P", "0", "-u", "root", "-g", "root",
        ], null);

    protected override async Task<bool> IsControlReadyAsync() =>
        (await LabCommand.RunAsync("vtysh", ["--vty_socket", WorkDir, "-c", "show bgp summary json"]).ConfigureAwait(false)).Ok;

    private Task<string> VtyshAsync(params string[] commands) =>
        ControlAsync("vtysh", ["--vty_socket", WorkDir, .. commands.SelectMany(c => new[] { "-c", c })]);

    public override async Task<LabSession> GetSessionAsync()
    {
        string remote = Options.RemoteAddress.ToString();
        using var doc = JsonDocument.Parse(await VtyshAsync($"show bgp neighbors {remote} json").ConfigureAwait(false));
        var n = doc.RootElement.GetProperty(remote);
        string state = n.GetProperty("bgpState").GetString() ?? "?";
        bool established = state == "Established";
        TimeSpan? uptime = established && n.TryGetProperty("bgpTimerUpMsec", out var up) ? TimeSpan.FromMilliseconds(up.GetInt64()) : null;
        int? hold = established && n.TryGetProperty("bgpTimerHoldTimeMsecs", out var h) ? h.GetInt32() / 1000 : null;

        var families = new List<string>();
        if (established && n.TryGetProperty("neighborCapabilities", out var caps) && caps.TryGetProperty("multiprotocolExtensions", out var mp))
            foreach (var f in mp.EnumerateObject())
                if (f.Value.TryGetProperty("advertisedAndReceived", out var both) && both.GetBoolean())
                    families.Add(FrrFamily(f.Name));

        string? reason = n.TryGetProperty("lastNotificationReason", out var r) ? r.GetString() : null;
        string? dueTo = n.TryGetProperty("lastResetDueTo", out var d) ? d.GetString() : null;
        string? shutdownText = n.TryGetProperty("lastShutdownDescription", out var s) ? s.GetString() : null;
        string? lastError = (reason, dueTo) switch
        {
            (null, null) => null,
            (null, _) => dueTo,
            (_, null) => reason,
            _ => $"{reason} ({dueTo})",
        };
        return new LabSession(state, established, uptime, hold, families, lastError, shutdownText);
    }

    // "ipv4Unicast" -> "ipv4-unicast"
    private static string FrrFamily(string name)
    {
        int split = name.IndexOfAny("ABCDEFGHIJKLMNOPQRSTUVWXYZ".ToCharArray());
        return split < 0 ? name.ToLowerInvariant() : FamilyName(name[..split], name[split..]);
    }

    public override async Task<IReadOnlyList<LabRoute>> GetReceivedRoutesAsync()
    {
        var routes = new List<LabRoute>();
        string remote = Options.RemoteAddress.ToString();
        foreach (string afi in Options.Ipv6 ? new[] { "ipv4", "ipv6" } : ["ipv4"])
        {
            using var doc = JsonDocument.Parse(await VtyshAsync($"show bgp {afi} unicast neighbors {remote} routes json").ConfigureAwait(false));
            if (!doc.RootElement.TryGetProperty("routes", out var table)) continue;
            foreach (var prefix in table.EnumerateObject())
            {
                foreach (var path in prefix.Value.EnumerateArray())
                {
                    string? nextHop = null;
                    if (path.TryGetProperty("nexthops", out var nhs))
                        foreach (var nh in nhs.EnumerateArray())
                            if (!nh.TryGetProperty("scope", out var scope) || scope.GetString() != "link-local")
                            {
                                nextHop = nh.GetProperty("ip").GetString();
                                break;
                            }
                    var asPath = path.TryGetProperty("path", out var p) ? ParseAsPath(p.GetString()) : null;
                    routes.Add(new LabRoute(prefix.Name, nextHop, asPath, null));
                }
            }
        }
        return routes;
    }

    internal static List<uint> ParseAsPath(string? text) =>
        (text ?? "").Split([' ', '{', '}', ',', '(', ')', '[', ']'], StringSplitOptions.RemoveEmptyEntries)
            .Where(t => uint.TryParse(t, out _)).Select(t => uint.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public override Task ShutdownSessionAsync(string text) =>
        VtyshAsync("configure terminal", $"router bgp {Options.LocalAs}",
            $"neighbor {Options.RemoteAddress} shutdown message {text}");

    public override Task EnableSessionAsync() =>
        VtyshAsync("configure terminal", $"router bgp {Options.LocalAs}", $"no neighbor {Options.RemoteAddress} shutdown");
}
