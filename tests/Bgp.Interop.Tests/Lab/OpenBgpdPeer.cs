using System.Text.Json;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// OpenBGPD (portable) in the foreground (<c>bgpd -d</c>) with fib-update off, its control socket in the work
/// directory; queried with <c>bgpctl -j</c>. It runs as three processes (parent, session and route engines)
/// that the stop kills by PID. Its privilege-separated children chroot into /run/openbgpd, created here.
/// </summary>
public sealed class OpenBgpdPeer : LabPeer
{
    internal const string BgpdPath = "/usr/sbin/bgpd";

    internal OpenBgpdPeer(LabPeerOptions options, string workDir) : base(PeerKind.OpenBgpd, options, workDir) { }

    public override LabCapabilities Capabilities { get; } = new(
        Md5: true, TtlSecurity: true, ShutdownCommunication: true, FixedShutdownText: null, ReportsShutdownCommunication: true, StaysDownAfterShutdown: true);

    protected override string ConfigFileName => "bgpd.conf";
    protected override string TemplateName => "openbgpd.conf";
    private string ControlSocket => Path.Combine(WorkDir, "bgpd.sock");

    protected override void BeforeStart()
    {
        Directory.CreateDirectory("/run/openbgpd");
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    protected override (string, IReadOnlyList<string>, IReadOnlyDictionary<string, string>?) DaemonCommand() =>
        (BgpdPath, ["-d", "-f", ConfigPath], null);

    protected override async Task<bool> IsControlReadyAsync() =>
        (await LabCommand.RunAsync("bgpctl", ["-s", ControlSocket, "show"]).ConfigureAwait(false)).Ok;

    private Task<string> BgpctlAsync(params string[] words) => ControlAsync("bgpctl", ["-s", ControlSocket, .. words]);

    public override async Task<LabSession> GetSessionAsync()
    {
        using var doc = JsonDocument.Parse(await BgpctlAsync("-j", "show", "neighbor", Options.RemoteAddress.ToString()).ConfigureAwait(false));
        var n = doc.RootElement.GetProperty("neighbors")[0];
        string state = n.GetProperty("state").GetString() ?? "?";
        bool established = state == "Established";
        TimeSpan? uptime = established && n.TryGetProperty("last_updown_sec", out var up) ? TimeSpan.FromSeconds(up.GetInt64()) : null;

        int? hold = null;
        var families = new List<string>();
        if (established && n.TryGetProperty("session", out var session))
        {
            if (session.TryGetProperty("holdtime", out var h)) hold = h.GetInt32();
            if (session.TryGetProperty("capabilities", out var caps) && caps.TryGetProperty("multiprotocol", out var mp))
                foreach (var f in mp.EnumerateArray())
                    if (f.GetString()?.Split(' ') is [var afi, var safi]) families.Add(FamilyName(afi, safi));
        }

        string? received = n.TryGetProperty("last_error_received", out var er) ? er.GetString() : null;
        string? sent = n.TryGetProperty("last_error_sent", out var es) ? es.GetString() : null;
        string? shutdown = n.TryGetProperty("last_shutdown_reason", out var sr) ? sr.GetString() : null;
        string? lastError = received is not null ? $"received: {received}" : sent is not null ? $"sent: {sent}" : null;
        return new LabSession(state, established, uptime, hold, families, lastError, shutdown);
    }

    public override async Task<IReadOnlyList<LabRoute>> GetReceivedRoutesAsync()
    {
        string json = await BgpctlAsync("-j", "show", "rib", "in", "neighbor", Options.RemoteAddress.ToString()).ConfigureAwait(false);
        var routes = new List<LabRoute>();
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("rib", out var rib)) return routes;
        foreach (var r in rib.EnumerateArray())
        {
            List<string>? communities = null;
            if (r.TryGetProperty("communities", out var cs))
                communities = [.. cs.EnumerateArray().Select(c => c.GetString() ?? "")];
            routes.Add(new LabRoute(
                r.GetProperty("prefix").GetString() ?? "?",
                r.TryGetProperty("exit_nexthop", out var nh) ? nh.GetString() : null,
                r.TryGetProperty("aspath", out var p) ? FrrPeer.ParseAsPath(p.GetString()) : null,
                communities ?? []));
        }
        return routes;
    }

    public override Task ShutdownSessionAsync(string text) =>
        BgpctlAsync("neighbor", Options.RemoteAddress.ToString(), "down", text);

    public override Task EnableSessionAsync() => BgpctlAsync("neighbor", Options.RemoteAddress.ToString(), "up");
}
