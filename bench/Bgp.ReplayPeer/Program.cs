using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Bgp.ReplayPeer;
using Bgp.Wire;

// bgp-replay-peer: replays the UPDATEs of an MRT update file over one eBGP session, as one tester
// of bench/e2e. Progress goes to stdout one line per event, for the harness to read:
//   ready updates=M prefixes=U announced=A withdrawn=W dropped=D bytes=B load_s=S
//   established hold=H
//   sent updates=M bytes=B seconds=S
//   stopped updates_received=N        (at the end of a session: UPDATEs the peer sent us)
// Exit codes: 0 stopped by SIGTERM/SIGINT (or after --count-only), 2 usage, 3 data, 4 session ended.

const string Usage = """
    usage: bgp-replay-peer --mrt FILE --local-as N --index I --next-hop ADDR
                           [--local ADDR --peer ADDR --peer-as N] [--port 179] [--router-id ADDR]
                           [--hold-time 180] [--connect-timeout 120] [--drop-as LIST] [--wait-go]
                           [--wait-connect] [--go-timeout 900] [--count-only]
      --drop-as LIST   comma-separated ASNs or ranges (65000,64999,65001-65004): routes whose
                       recorded AS_PATH holds one are not announced (the receiver would see a loop)
      --wait-connect   once loaded, wait for a line "connect" on stdin before connecting
      --wait-go        once Established, wait for a line "go" on stdin before sending the feed
      --count-only     load and rewrite the feed, print the "ready" line and exit
    """;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bgp-replay-peer: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

Feed feed;
var load = Stopwatch.StartNew();
try
{
    feed = Feed.Load(options.Mrt, new FeedOptions(options.LocalAs, options.Index, IpAddr.Parse(options.NextHop), options.DropAs));
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"bgp-replay-peer: {e.Message}");
    return 3;
}
Say($"ready updates={feed.Updates} prefixes={feed.FinalPrefixes} announced={feed.Announced} withdrawn={feed.Withdrawn} "
    + $"dropped={feed.Dropped} bytes={feed.Bytes.Length} load_s={load.Elapsed.TotalSeconds:0.000}");
if (options.CountOnly) return 0;

Session? session = null;
try
{
    if (options.WaitConnect) await WaitForLineAsync("connect", TimeSpan.FromSeconds(options.GoTimeout), stop.Token);
    var peer = new IPEndPoint(IPAddress.Parse(options.Peer!), options.Port);
    session = await Session.ConnectAsync(IPAddress.Parse(options.Local!), peer, TimeSpan.FromSeconds(options.ConnectTimeout), stop.Token);
    using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    handshake.CancelAfter(TimeSpan.FromSeconds(Math.Max(30, options.HoldTime)));
    await session.OpenAsync(options.LocalAs, options.PeerAs, IPAddress.Parse(options.RouterId ?? options.Local!), options.HoldTime, handshake.Token);
    Say($"established hold={session.HoldTime}");

    using var running = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    var reader = session.ReadLoopAsync(running.Token);
    var timers = session.TimersAsync(running.Token);
    var sender = SendAsync(session, feed, options, running.Token);

    // Whichever ends first decides: the sender ends normally and we carry on with the other two;
    // a session failure or SIGTERM ends everything.
    var pending = new List<Task> { reader, timers, sender };
    while (pending.Count > 0)
    {
        var done = await Task.WhenAny(pending);
        pending.Remove(done);
        if (done == sender && done.IsCompletedSuccessfully) continue;
        await running.CancelAsync();
        await done; // rethrows the failure, or OperationCanceledException on SIGTERM
    }
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    if (session is not null)
    {
        await session.TrySendAsync(MessageEncoder.Encode(NotificationMessage.Shutdown("replay peer stopped")));
    }
    return 0;
}
catch (SessionEndedException e)
{
    Console.Error.WriteLine($"bgp-replay-peer: {e.Message}");
    return 4;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"bgp-replay-peer: socket error: {e.Message}");
    return 4;
}
finally
{
    if (session is not null)
    {
        Say($"stopped updates_received={session.UpdatesReceived}");
        await session.DisposeAsync();
    }
}

static async Task SendAsync(Session session, Feed feed, Options options, CancellationToken ct)
{
    if (options.WaitGo) await WaitForLineAsync("go", TimeSpan.FromSeconds(options.GoTimeout), ct);
    var clock = Stopwatch.StartNew();
    await session.SendFeedAsync(feed, ct);
    Say($"sent updates={feed.Updates} bytes={feed.Bytes.Length} seconds={clock.Elapsed.TotalSeconds:0.000}");
}

static async Task WaitForLineAsync(string word, TimeSpan timeout, CancellationToken ct)
{
    using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
    cts.CancelAfter(timeout);
    for (int lines = 0; lines < 1000; lines++)
    {
        string? line;
        try
        {
            line = await Stdin.Reader.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SessionEndedException($"no \"{word}\" on stdin within {timeout.TotalSeconds:0} s");
        }
        if (line is null) throw new SessionEndedException($"stdin closed before \"{word}\"");
        if (line.Trim() == word) return;
    }
    throw new SessionEndedException($"too many lines on stdin without \"{word}\"");
}

static void Say(string line)
{
    Console.Out.WriteLine(line);
    Console.Out.Flush();
}

internal static class Stdin
{
    /// <summary>One reader for every wait, so a line it has buffered is not lost between them.</summary>
    public static readonly StreamReader Reader = new(Console.OpenStandardInput());
}

internal sealed record Options(
    string Mrt, uint LocalAs, int Index, string NextHop, string? Local, string? Peer, uint PeerAs, int Port,
    string? RouterId, int HoldTime, int ConnectTimeout, HashSet<uint> DropAs, bool WaitConnect, bool WaitGo, int GoTimeout, bool CountOnly)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        string[] flagNames = ["--wait-connect", "--wait-go", "--count-only"];
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (flagNames.Contains(a)) flags.Add(a);
            else if (a.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) values[a] = args[++i];
            else throw new ArgumentException($"unexpected argument '{a}'");
        }
        string Need(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is required");
        string? Maybe(string name) => values.GetValueOrDefault(name);
        int Int(string name, int fallback, int min, int max)
        {
            if (!values.TryGetValue(name, out var v)) return fallback;
            if (!int.TryParse(v, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                throw new ArgumentException($"{name} must be an integer {min}-{max}, got '{v}'");
            return n;
        }
        uint Asn(string name, bool required)
        {
            if (!values.TryGetValue(name, out var v))
                return required ? throw new ArgumentException($"{name} is required") : 0u;
            if (!uint.TryParse(v, CultureInfo.InvariantCulture, out uint n) || n == 0)
                throw new ArgumentException($"{name} must be an AS number, got '{v}'");
            return n;
        }
        void Address(string? v, string name)
        {
            if (v is not null && !IPAddress.TryParse(v, out _)) throw new ArgumentException($"{name} must be an IP address, got '{v}'");
        }

        bool countOnly = flags.Contains("--count-only");
        var options = new Options(
            Mrt: Need("--mrt"),
            LocalAs: Asn("--local-as", required: true),
            Index: Int("--index", 0, 0, 1_000_000),
            NextHop: Need("--next-hop"),
            Local: countOnly ? Maybe("--local") : Need("--local"),
            Peer: countOnly ? Maybe("--peer") : Need("--peer"),
            PeerAs: Asn("--peer-as", required: !countOnly),
            Port: Int("--port", 179, 1, 65535),
            RouterId: Maybe("--router-id"),
            HoldTime: Int("--hold-time", 180, 0, 65535),
            ConnectTimeout: Int("--connect-timeout", 120, 1, 86400),
            DropAs: ParseAsList(Maybe("--drop-as")),
            WaitConnect: flags.Contains("--wait-connect"),
            WaitGo: flags.Contains("--wait-go"),
            GoTimeout: Int("--go-timeout", 900, 1, 86400),
            CountOnly: countOnly);
        if (options.HoldTime is 1 or 2) throw new ArgumentException("--hold-time must be 0 or 3-65535 (RFC 4271 §4.2)");
        Address(options.NextHop, "--next-hop");
        Address(options.Local, "--local");
        Address(options.Peer, "--peer");
        Address(options.RouterId, "--router-id");
        if (IPAddress.Parse(options.NextHop).AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new ArgumentException("--next-hop must be an IPv4 address");
        return options;
    }

    private static HashSet<uint> ParseAsList(string? text)
    {
        var set = new HashSet<uint>();
        if (string.IsNullOrWhiteSpace(text)) return set;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length > 2 || !uint.TryParse(range[0], CultureInfo.InvariantCulture, out uint lo)
                || !uint.TryParse(range[^1], CultureInfo.InvariantCulture, out uint hi) || hi < lo || hi - lo > 100_000)
                throw new ArgumentException($"--drop-as: '{part}' is not an AS number or a range of at most 100000");
            for (uint asn = lo; asn <= hi && asn >= lo; asn++)
            {
                set.Add(asn);
                if (asn == uint.MaxValue) break;
            }
        }
        return set;
    }
}
