using System.Globalization;
using System.Text.RegularExpressions;

namespace Bgp.Interop.Tests.Lab;

/// <summary>
/// BIRD 2 with one <c>protocol bgp</c> named <see cref="LabPeerOptions.Name"/> and static blackhole routes
/// exported with the lab next hops; queried with birdc over the control socket in the work directory.
/// Every birdc query also wakes BIRD, which otherwise can hold its last UPDATE for ~3 s.
/// </summary>
public sealed partial class BirdPeer : LabPeer
{
    internal BirdPeer(LabPeerOptions options, string workDir) : base(PeerKind.Bird, options, workDir) { }

    public override LabCapabilities Capabilities { get; } = new(
        Md5: true, TtlSecurity: true, ShutdownCommunication: true, FixedShutdownText: null, ReportsShutdownCommunication: true, StaysDownAfterShutdown: true);

    protected override string ConfigFileName => "bird.conf";
    protected override string TemplateName => "bird.conf";
    private string ControlSocket => Path.Combine(WorkDir, "bird.ctl");

    protected override (string, IReadOnlyList<string>, IReadOnlyDictionary<string, string>?) DaemonCommand() =>
        ("bird", ["-f", "-c", ConfigPath, "-s", ControlSocket, "-P", Path.Combine(WorkDir, "bird.pid")], null);

    protected override async Task<bool> IsControlReadyAsync() =>
        (await LabCommand.RunAsync("birdc", ["-s", ControlSocket, "show", "status"]).ConfigureAwait(false)).Ok;

    private Task<string> BirdcAsync(params string[] words) => ControlAsync("birdc", ["-s", ControlSocket, .. words]);

    public override async Task<LabSession> GetSessionAsync()
    {
        string text = await BirdcAsync("show", "protocols", "all", Options.Name).ConfigureAwait(false);
        string state = Field(text, "BGP state") ?? "?";
        bool established = state == "Established";

        TimeSpan? uptime = null;
        // "lab        BGP        ---        up     21:07:53.320  Established"
        var header = ProtocolLine().Match(text);
        if (established && header.Success &&
            TimeSpan.TryParseExact(header.Groups["since"].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var since))
        {
            var delta = DateTime.Now.TimeOfDay - since;
            uptime = delta < TimeSpan.Zero ? delta + TimeSpan.FromDays(1) : delta;
        }

        int? hold = null;
        if (established && Field(text, "Hold timer") is { } ht && ht.Split('/') is [_, var negotiated]
            && int.TryParse(negotiated, NumberStyles.Integer, CultureInfo.InvariantCulture, out int h))
            hold = h;

        // Each "Channel ipv4" block with "State: UP" is a negotiated family.
        var families = new List<string>();
        if (established)
            foreach (Match m in ChannelState().Matches(text))
                if (m.Groups["state"].Value == "UP") families.Add(FamilyName(m.Groups["afi"].Value, "unicast"));

        string? lastError = Field(text, "Last error");
        string? message = Field(text, "Message");
        return new LabSession(state, established, uptime, hold, families, lastError ?? message, message);
    }

    public override async Task<IReadOnlyList<LabRoute>> GetReceivedRoutesAsync()
    {
        string text = await BirdcAsync("show", "route", "all", "protocol", Options.Name).ConfigureAwait(false);
        var routes = new List<LabRoute>();
        string? prefix = null, nextHop = null;
        List<uint>? asPath = null;
        List<string>? communities = null;

        void Flush()
        {
            if (prefix is not null) routes.Add(new LabRoute(prefix, nextHop, asPath, communities ?? []));
            prefix = nextHop = null;
            asPath = null;
            communities = null;
        }

        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("BIRD ", StringComparison.Ordinal) || line.StartsWith("Table ", StringComparison.Ordinal))
                continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                // "10.2.0.0/24          unreachable [lab 21:07:57.316 from 127.2.0.1] * (100) [AS65002i]"
                Flush();
                prefix = line.Split(' ', 2)[0];
                continue;
            }
            string t = line.Trim();
            if (t.StartsWith("BGP.next_hop:", StringComparison.Ordinal))
                nextHop = t["BGP.next_hop:".Length..].Trim().Split(' ')[0];      // global first, then link-local
            else if (t.StartsWith("BGP.as_path:", StringComparison.Ordinal))
                asPath = FrrPeer.ParseAsPath(t["BGP.as_path:".Length..]);
            else if (t.StartsWith("BGP.community:", StringComparison.Ordinal))
                communities = [.. Community().Matches(t).Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value}")];
            else if (line.StartsWith('\t') || line.StartsWith("  ", StringComparison.Ordinal))
                continue;
        }
        Flush();
        return routes;
    }

    public override Task ShutdownSessionAsync(string text) => BirdcAsync("disable", Options.Name, $"\"{text.Replace("\"", "'", StringComparison.Ordinal)}\"");

    public override Task EnableSessionAsync() => BirdcAsync("enable", Options.Name);

    private static string? Field(string text, string name)
    {
        foreach (string line in text.Split('\n'))
        {
            string t = line.Trim();
            if (t.StartsWith(name + ":", StringComparison.Ordinal)) return t[(name.Length + 1)..].Trim();
        }
        return null;
    }

    [GeneratedRegex(@"^\S+\s+BGP\s+\S+\s+\S+\s+(?<since>\d\d:\d\d:\d\d\.\d\d\d)", RegexOptions.Multiline)]
    private static partial Regex ProtocolLine();

    [GeneratedRegex(@"Channel (?<afi>ipv[46])\s*\n\s*State:\s+(?<state>\S+)")]
    private static partial Regex ChannelState();

    [GeneratedRegex(@"\((\d+),(\d+)\)")]
    private static partial Regex Community();
}
