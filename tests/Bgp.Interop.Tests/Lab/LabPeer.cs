using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// A real BGP daemon (FRR, BIRD, GoBGP, OpenBGPD or ExaBGP) run in the foreground as a test peer on a
/// loopback address, configured from <c>clab/templates</c> into its own work directory, which also holds its
/// control socket, pid and captured stdout/stderr. One session per daemon. Every wait is bounded; the daemon
/// is stopped by PID in <see cref="StopAsync"/> / <see cref="DisposeAsync"/>, which tests call from TearDown
/// (or <c>await using</c>) so nothing outlives a failing test.
/// </summary>
public abstract class LabPeer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private DaemonProcess? _daemon;

    protected LabPeer(PeerKind kind, LabPeerOptions options, string workDir)
    {
        Kind = kind;
        Options = options;
        WorkDir = Path.GetFullPath(workDir);
    }

    public PeerKind Kind { get; }
    public LabPeerOptions Options { get; }

    /// <summary>The directory with the rendered config, control socket, pid and logs.</summary>
    public string WorkDir { get; }

    /// <summary>The PID of the running daemon, or null when stopped.</summary>
    public int? Pid => _daemon is { HasExited: false } d ? d.Pid : null;

    public abstract LabCapabilities Capabilities { get; }

    /// <summary>The rendered config file.</summary>
    public string ConfigPath => Path.Combine(WorkDir, ConfigFileName);
    public string StdoutPath => Path.Combine(WorkDir, "stdout.log");
    public string StderrPath => Path.Combine(WorkDir, "stderr.log");

    /// <summary>True when every binary the kind needs is installed; tests call <c>Assert.Ignore</c> otherwise.</summary>
    public static bool IsAvailable(PeerKind kind) => MissingBinaries(kind).Count == 0;

    /// <summary>The binaries of <paramref name="kind"/> that are not installed.</summary>
    public static IReadOnlyList<string> MissingBinaries(PeerKind kind) =>
        RequiredBinaries(kind).Where(b => LabCommand.Locate(b) is null).ToList();

    private static string[] RequiredBinaries(PeerKind kind) => kind switch
    {
        PeerKind.Frr => [FrrPeer.BgpdPath, "vtysh"],
        PeerKind.Bird => ["bird", "birdc"],
        PeerKind.GoBgp => ["gobgpd", "gobgp"],
        PeerKind.OpenBgpd => [OpenBgpdPeer.BgpdPath, "bgpctl"],
        PeerKind.ExaBgp => ["exabgp", ExaBgpPeer.Python],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Renders the config into <paramref name="workDir"/>, starts the daemon and waits for its control interface.</summary>
    public static async Task<LabPeer> StartAsync(PeerKind kind, LabPeerOptions options, string workDir)
    {
        options.Validate();
        if (!IsAvailable(kind))
            throw new InvalidOperationException($"{kind} needs {string.Join(", ", MissingBinaries(kind))}; check LabPeer.IsAvailable first");
        LabPeer peer = kind switch
        {
            PeerKind.Frr => new FrrPeer(options, workDir),
            PeerKind.Bird => new BirdPeer(options, workDir),
            PeerKind.GoBgp => new GoBgpPeer(options, workDir),
            PeerKind.OpenBgpd => new OpenBgpdPeer(options, workDir),
            PeerKind.ExaBgp => new ExaBgpPeer(options, workDir),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        Directory.CreateDirectory(peer.WorkDir);
        string config = TemplateRenderer.Render(TemplateRenderer.LoadTemplate(peer.TemplateName), peer.TemplateVariables());
        await File.WriteAllTextAsync(peer.ConfigPath, config).ConfigureAwait(false);
        try
        {
            await peer.StartDaemonAsync().ConfigureAwait(false);
        }
        catch
        {
            await peer.StopAsync().ConfigureAwait(false);
            throw;
        }
        return peer;
    }

    /// <summary>Stops the daemon by PID and starts it again with the same config.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartDaemonAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the daemon by PID (SIGTERM, bounded wait, SIGKILL). Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (_daemon is null) return;
        var daemon = _daemon;
        _daemon = null;
        await daemon.StopAsync(StopGrace).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The daemon's view of its session.</summary>
    public abstract Task<LabSession> GetSessionAsync();

    /// <summary>The routes the daemon received from its peer, with next hop and AS path (and communities where reported).</summary>
    public abstract Task<IReadOnlyList<LabRoute>> GetReceivedRoutesAsync();

    /// <summary>
    /// Sends Cease/Administrative Shutdown (RFC 4486) with <paramref name="text"/> as the shutdown communication
    /// (RFC 8203/9003) where <see cref="LabCapabilities.ShutdownCommunication"/> says the daemon can.
    /// </summary>
    public abstract Task ShutdownSessionAsync(string text);

    /// <summary>Undoes <see cref="ShutdownSessionAsync"/> so the session may come up again.</summary>
    public abstract Task EnableSessionAsync();

    /// <summary>Polls until the session is Established; throws <see cref="TimeoutException"/> with <see cref="DescribeAsync"/>.</summary>
    public Task<LabSession> WaitForEstablishedAsync(TimeSpan timeout) =>
        WaitForSessionAsync(s => s.Established, timeout, "Established");

    /// <summary>Polls until <paramref name="condition"/> holds for the session.</summary>
    public async Task<LabSession> WaitForSessionAsync(Func<LabSession, bool> condition, TimeSpan timeout, string what)
    {
        LabSession? last = await PollAsync(async () =>
        {
            var s = await GetSessionAsync().ConfigureAwait(false);
            return (condition(s), s);
        }, timeout).ConfigureAwait(false);
        return last is not null && condition(last)
            ? last
            : throw new TimeoutException($"{Kind}: session not {what} within {timeout}; last {last}\n{await DescribeAsync().ConfigureAwait(false)}");
    }

    /// <summary>
    /// Polls the received routes until <paramref name="condition"/> holds. Polling also wakes BIRD, which can
    /// otherwise sit ~3 s on its last UPDATE.
    /// </summary>
    public async Task<IReadOnlyList<LabRoute>> WaitForRoutesAsync(Func<IReadOnlyList<LabRoute>, bool> condition, TimeSpan timeout)
    {
        IReadOnlyList<LabRoute>? last = await PollAsync(async () =>
        {
            var r = await GetReceivedRoutesAsync().ConfigureAwait(false);
            return (condition(r), r);
        }, timeout).ConfigureAwait(false);
        return last is not null && condition(last)
            ? last
            : throw new TimeoutException(
                $"{Kind}: routes not as expected within {timeout}; have [{string.Join("; ", last ?? [])}]\n{await DescribeAsync().ConfigureAwait(false)}");
    }

    /// <summary>Waits until the received routes include every prefix in <paramref name="prefixes"/>.</summary>
    public Task<IReadOnlyList<LabRoute>> WaitForPrefixesAsync(IEnumerable<string> prefixes, TimeSpan timeout)
    {
        var wanted = prefixes.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return WaitForRoutesAsync(routes => wanted.IsSubsetOf(routes.Select(r => r.Prefix)), timeout);
    }

    /// <summary>A multi-line description for assertion messages: identity, PID, session, routes and log tails.</summary>
    public async Task<string> DescribeAsync()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"--- {Kind} {Options.LocalAddress} AS{Options.LocalAs} -> {Options.RemoteAddress} AS{Options.RemoteAs}, pid {Pid?.ToString(CultureInfo.InvariantCulture) ?? "none"}, dir {WorkDir}\n");
        if (_daemon is { HasExited: true } d) sb.Append(CultureInfo.InvariantCulture, $"daemon exited with code {d.ExitCode}\n");
        if (Pid is not null)
        {
            try
            {
                sb.Append("session: ").Append(await GetSessionAsync().ConfigureAwait(false)).Append('\n');
                var routes = await GetReceivedRoutesAsync().ConfigureAwait(false);
                sb.Append(CultureInfo.InvariantCulture, $"received {routes.Count}: {string.Join("; ", routes)}\n");
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or FormatException
                                          or System.Text.Json.JsonException or KeyNotFoundException)
            {
                sb.Append("query failed: ").Append(e.Message).Append('\n');
            }
        }
        return sb.Append(LogTail()).ToString();
    }

    /// <summary>The last <paramref name="lines"/> lines of the daemon's stdout and stderr (and extra logs).</summary>
    public string LogTail(int lines = 30)
    {
        var sb = new StringBuilder();
        foreach (string path in LogFiles())
        {
            if (!File.Exists(path)) continue;
            string[] all;
            try { all = File.ReadAllLines(path); }
            catch (IOException e) { sb.Append(CultureInfo.InvariantCulture, $"[{path}: {e.Message}]\n"); continue; }
            sb.Append(CultureInfo.InvariantCulture, $"--- tail of {path} ({all.Length} lines)\n");
            foreach (string line in all.Skip(Math.Max(0, all.Length - lines))) sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    // ---- for the daemon classes

    /// <summary>The rendered config's file name in <see cref="WorkDir"/>.</summary>
    protected abstract string ConfigFileName { get; }

    /// <summary>The file under <c>clab/templates</c>.</summary>
    protected abstract string TemplateName { get; }

    /// <summary>The daemon command line; the shell appends its stdout/stderr to the work directory.</summary>
    protected abstract (string File, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment) DaemonCommand();

    /// <summary>True once the control interface answers.</summary>
    protected abstract Task<bool> IsControlReadyAsync();

    /// <summary>Runs after the control interface answers (GoBGP injects its routes here).</summary>
    protected virtual Task AfterStartAsync() => Task.CompletedTask;

    /// <summary>Runs before each start (OpenBGPD needs /run/openbgpd).</summary>
    protected virtual void BeforeStart() { }

    protected virtual IEnumerable<string> LogFiles() => [StdoutPath, StderrPath];

    /// <summary>The variables every template may use; daemon classes add their own.</summary>
    protected virtual Dictionary<string, string> TemplateVariables()
    {
        var o = Options;
        return new Dictionary<string, string>
        {
            ["DIR"] = WorkDir,
            ["CLAB"] = Path.Combine(TestData.RepositoryRoot, "clab"),
            ["NAME"] = o.Name,
            ["LOCAL_ADDRESS"] = o.LocalAddress.ToString(),
            ["LOCAL_AS"] = Invariant(o.LocalAs),
            ["REMOTE_ADDRESS"] = o.RemoteAddress.ToString(),
            ["REMOTE_AS"] = Invariant(o.RemoteAs),
            ["ROUTER_ID"] = (o.RouterId ?? o.LocalAddress).ToString(),
            ["HOLD_TIME"] = Invariant(o.HoldTime),
            ["KEEPALIVE"] = Invariant(o.HoldTime / 3),
            ["CONNECT_RETRY"] = Invariant(o.ConnectRetry),
            ["MULTIHOP"] = Invariant(o.Multihop),
            ["PASSIVE"] = o.Passive ? "true" : "false",
            ["IPV6"] = o.Ipv6 ? "true" : "false",
            ["REMOTE_IS_ROUTE_SERVER"] = o.RemoteIsRouteServer ? "true" : "false",
            ["MD5_PASSWORD"] = o.Md5Password ?? "",
            ["TTL_SECURITY"] = o.TtlSecurity is { } h ? Invariant(h) : "",
            ["TTL_MIN"] = o.TtlSecurity is { } m ? Invariant(256 - m) : "",
            ["IPV4_ROUTES"] = string.Join(",", o.Ipv4Routes),
            ["IPV6_ROUTES"] = string.Join(",", o.Ipv6Routes),
            ["NEXT_HOP4"] = o.NextHop4,
            ["NEXT_HOP6"] = o.NextHop6,
            ["API_PORT"] = "",
        };
    }

    /// <summary>Runs a control command; throws <see cref="InvalidOperationException"/> with the output when it fails.</summary>
    protected async Task<string> ControlAsync(string file, params string[] arguments)
    {
        var result = await LabCommand.RunAsync(file, arguments).ConfigureAwait(false);
        return result.Ok
            ? result.Stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Combined}");
    }

    protected static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>A free TCP port on 127.0.0.1 (for GoBGP's API).</summary>
    protected static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>"ipv4-unicast" style name for an AFI/SAFI as the daemons print it ("IPv4 unicast", "ipv6Unicast", "ipv4/unicast").</summary>
    protected static string FamilyName(string afi, string safi) => $"{afi.ToLowerInvariant()}-{safi.ToLowerInvariant()}";

    private async Task StartDaemonAsync()
    {
        BeforeStart();
        var (file, arguments, environment) = DaemonCommand();
        string executable = LabCommand.Locate(file) ?? throw new InvalidOperationException($"{file} is not installed");
        _daemon = DaemonProcess.Start(executable, arguments, WorkDir, StdoutPath, StderrPath, environment);
        await File.WriteAllTextAsync(Path.Combine(WorkDir, "daemon.pid"), Invariant(_daemon.Pid) + "\n").ConfigureAwait(false);

        var deadline = DateTime.UtcNow + StartTimeout;
        for (int i = 0; i < 200 && DateTime.UtcNow < deadline; i++)
        {
            if (_daemon.HasExited)
                throw new InvalidOperationException($"{Kind} exited with code {_daemon.ExitCode} during start\n{LogTail()}");
            bool ready;
            try { ready = await IsControlReadyAsync().ConfigureAwait(false); }
            catch (TimeoutException) { ready = false; }
            if (ready)
            {
                await AfterStartAsync().ConfigureAwait(false);
                return;
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"{Kind} control interface not ready within {StartTimeout}\n{LogTail()}");
    }

    private async Task<T?> PollAsync<T>(Func<Task<(bool Done, T Value)>> probe, TimeSpan timeout) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        int maxPolls = (int)(timeout / PollInterval) + 2;
        T? last = null;
        for (int i = 0; i < maxPolls; i++)
        {
            if (_daemon is null || _daemon.HasExited) break;
            try
            {
                var (done, value) = await probe().ConfigureAwait(false);
                last = value;
                if (done) return value;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or FormatException
                                          or System.Text.Json.JsonException or KeyNotFoundException)
            {
                // The control interface can refuse a query while the daemon (re)configures; try again.
            }
            if (DateTime.UtcNow >= deadline) break;
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
        return last;
    }
}
