using System.CommandLine;
using System.Globalization;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Spectre.Console;
using Table = Bgp.Api.V1.Table;

namespace Bgp.Cli.Commands;

/// <summary>
/// <c>rib</c>: the best routes, or what a neighbor sent (<c>--received</c>) or was sent
/// (<c>--advertised</c>), filtered; <c>--explain</c> says why a path is best or why a prefix is (not)
/// advertised to a neighbor.
/// </summary>
internal static class RibCommands
{
    /// <summary>Rows measured for column widths before a long listing starts streaming.</summary>
    private const int MeasuredRows = 2000;

    public static Command Build(CtlApp app)
    {
        var prefix = new Argument<string?>("PREFIX") { Description = "Only this prefix (with --longer: every prefix inside it)", Arity = ArgumentArity.ZeroOrOne };
        var longer = new Option<bool>("--longer", "-l") { Description = "With PREFIX: also every more-specific prefix" };
        var family = NeighborCommands.FamilyOption("Only this address family");
        var originAs = new Option<uint>("--origin-as") { Description = "Only routes originated by this AS (last AS of the path)", HelpName = "ASN" };
        var community = new Option<string?>("--community") { Description = "Only routes carrying this community (65000:100, or large 65000:1:2)", HelpName = "COMMUNITY" };
        var received = new Option<string?>("--received") { Description = "What this neighbor sent us (Adj-RIB-In) instead of the best routes", HelpName = "NEIGHBOR" };
        var advertised = new Option<string?>("--advertised") { Description = "What we sent this neighbor (Adj-RIB-Out) instead of the best routes", HelpName = "NEIGHBOR" };
        var explain = new Option<bool>("--explain") { Description = "With PREFIX: every path and the decision step each lost on; with --advertised: why it is or is not sent" };
        var rib = new Command("rib", "Routes: the best (Loc-RIB), received from or advertised to a neighbor; filters; --explain")
        {
            prefix, longer, family, originAs, community, received, advertised, explain,
        };
        rib.Aliases.Add("route");
        app.SetAction(rib, (call, ct) =>
        {
            var request = new ListRoutesRequest
            {
                Table = Table.Best,
                Family = Format.ParseFamily(call.Get(family)),
                Prefix = call.Get(prefix) ?? "",
                LongerPrefixes = call.Get(longer),
                OriginAs = call.Get(originAs),
                Community = call.Get(community) ?? "",
            };
            if (call.Get(received) is string from && call.Get(advertised) is not null)
                throw new UsageException("--received and --advertised cannot be combined");
            if (call.Get(received) is string r) (request.Table, request.Neighbor) = (Table.Received, r);
            if (call.Get(advertised) is string a) (request.Table, request.Neighbor) = (Table.Advertised, a);
            if (request.LongerPrefixes && request.Prefix.Length == 0) throw new UsageException("--longer needs a PREFIX");
            if (!call.Get(explain)) return List(call, request, ct);
            if (request.Prefix.Length == 0 || request.LongerPrefixes) throw new UsageException("--explain needs one PREFIX (and no --longer)");
            if (request.Family == Family.Unspecified) request.Family = request.Prefix.Contains(':') ? Family.Ipv6Unicast : Family.Ipv4Unicast;
            return request.Table switch
            {
                Table.Advertised => ExplainAdvertised(call, request, ct),
                Table.Received => throw new UsageException("--explain works on the best routes, or with --advertised NEIGHBOR"),
                _ => ExplainBest(call, request, ct),
            };
        });
        return rib;
    }

    private static async Task<int> List(Call call, ListRoutesRequest request, CancellationToken ct)
    {
        var stream = call.Daemon.ListRoutesAsync(request, ct);
        if (call.Json) return await ListJson(call, stream);
        var writer = new RouteTableWriter(call.Terminal, request.Table);
        await foreach (var chunk in stream)
            foreach (var route in chunk.Routes) writer.Add(route);
        writer.Finish();
        return 0;
    }

    /// <summary>The listing as one ListRoutesResponse object, written as the routes arrive.</summary>
    private static async Task<int> ListJson(Call call, IAsyncEnumerable<ListRoutesResponse> stream)
    {
        var output = call.Terminal.Out;
        bool first = true;
        ulong total = 0;
        output.Write("{\"routes\":[");
        await foreach (var chunk in stream)
        {
            total = Math.Max(total, chunk.Total);
            foreach (var route in chunk.Routes)
            {
                if (!first) output.Write(',');
                first = false;
                output.Write(Terminal.ToJson(route));
            }
        }
        output.WriteLine($"],\"nextPageToken\":\"\",\"total\":\"{total}\"}}");
        return 0;
    }

    private static async Task<int> ExplainBest(Call call, ListRoutesRequest request, CancellationToken ct)
    {
        var reply = await call.Daemon.ExplainBestPathAsync(new ExplainBestPathRequest { Family = request.Family, Prefix = request.Prefix }, ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(reply);
            return 0;
        }
        if (reply.Paths.Count == 0)
        {
            call.Terminal.Out.WriteLine($"{request.Prefix}: no path in the RIB");
            return CtlApp.ExitFailed;
        }
        call.Terminal.Line($"[bold]{Markup.Escape(request.Prefix)}[/] ({Format.Family(request.Family)}): {reply.Paths.Count} path(s), best chosen by [bold]{Markup.Escape(reply.DecidedBy)}[/]");
        var table = Terminal.NewTable("", "FROM", "NEXT HOP", "AS PATH", "ORIGIN", "LOCPRF", "MED", "COMMUNITIES", "RESULT");
        foreach (var path in reply.Paths)
        {
            var route = path.Route;
            var view = Format.View(route);
            var result = route.Best ? "[green]best[/]"
                : route.Ineligible.Length > 0 ? $"[grey]ineligible: {Markup.Escape(route.Ineligible)}[/]"
                : $"lost on [yellow]{Markup.Escape(path.LostOn)}[/]";
            table.AddRow(route.Best ? "[green]*[/]" : "", Markup.Escape(From(route)), Markup.Escape(Format.NextHop(route)), Markup.Escape(view.AsPath),
                view.Origin, view.LocalPref, view.Med, Markup.Escape(view.Communities), result);
        }
        call.Terminal.Write(table);
        foreach (var path in reply.Paths.Where(p => p.Import is not null))
            Trace(call, $"import policy of {From(path.Route)}", path.Import);
        return 0;
    }

    /// <summary>One line per policy of a chain: the statement that decided (or "default"), the outcome, whether it changed the route.</summary>
    private static void Trace(Call call, string title, PolicyTrace trace)
    {
        call.Terminal.Line($"  {Markup.Escape(title)}: " + (trace.Accepted ? "[green]accepted[/]" : "[red]rejected[/]"));
        foreach (var step in trace.Steps)
            call.Terminal.Out.WriteLine($"    {step.Policy} / {(step.Statement.Length == 0 ? "(no statement matched)" : step.Statement)}: {step.Outcome}{(step.Changed ? ", changed the route" : "")}");
        if (trace.Result is { } result && trace.Steps.Any(s => s.Changed)) Describe(call, "    result", result);
    }

    private static async Task<int> ExplainAdvertised(Call call, ListRoutesRequest request, CancellationToken ct)
    {
        var reply = await call.Daemon.ExplainAdvertisedAsync(
            new ExplainAdvertisedRouteRequest { Family = request.Family, Prefix = request.Prefix, Neighbor = request.Neighbor }, ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(reply);
            return 0;
        }
        var advertised = reply.Verdict == "Advertise";
        call.Terminal.Line($"[bold]{Markup.Escape(request.Prefix)}[/] to {Markup.Escape(request.Neighbor)}: "
            + (advertised ? "[green]advertised[/]" : $"[yellow]not advertised[/] ({Markup.Escape(reply.Verdict)})"));
        Describe(call, "best", reply.Best);
        if (reply.Export is { } export) Trace(call, $"export policy of {request.Neighbor}", export);
        Describe(call, "exported", reply.Exported);
        Describe(call, "last sent", reply.Sent);
        return 0;
    }

    private static void Describe(Call call, string title, Route? route)
    {
        if (route is null)
        {
            call.Terminal.Out.WriteLine($"  {title}: none");
            return;
        }
        call.Terminal.Out.WriteLine($"  {title}: from {From(route)}, next hop {Format.NextHop(route)}");
        var table = Terminal.NewDetails();
        foreach (var (name, value) in Format.Attributes(route)) table.AddRow("    " + name, Markup.Escape(value));
        call.Terminal.Write(table);
    }

    internal static string From(Route route) => route.PeerAddress.Length == 0 ? "local" : route.PeerAddress;

    /// <summary>
    /// Route rows with aligned columns: widths measured on the first rows, the rest streamed (a full
    /// table is a million rows). The best marker is green on a terminal.
    /// </summary>
    private sealed class RouteTableWriter(Terminal terminal, Table table)
    {
        private static readonly string[] Headings = ["", "PREFIX", "NEXT HOP", "FROM", "AS PATH", "ORIGIN", "LOCPRF", "MED", "COMMUNITIES"];
        private readonly List<string[]> _pending = [];
        private int[]? _widths;
        private long _count;

        public void Add(Route route)
        {
            var view = Format.View(route);
            string marker = table == Table.Best || route.Best ? "*" : route.Ineligible.Length > 0 ? "x" : "";
            string[] row = [marker, route.Prefix, Format.NextHop(route), From(route), view.AsPath, view.Origin, view.LocalPref, view.Med, view.Communities];
            _count++;
            if (_widths is null)
            {
                _pending.Add(row);
                if (_pending.Count >= MeasuredRows) Flush();
            }
            else Write(row);
        }

        public void Finish()
        {
            if (_widths is null && _pending.Count > 0) Flush();
            terminal.Out.WriteLine(_count == 0 ? "no routes" : _count == 1 ? "1 route" : $"{_count.ToString(CultureInfo.InvariantCulture)} routes");
        }

        private void Flush()
        {
            _widths = new int[Headings.Length];
            foreach (var row in _pending.Prepend(Headings))
                for (int i = 0; i < row.Length; i++) _widths[i] = Math.Max(_widths[i], row[i].Length);
            Write(Headings, heading: true);
            foreach (var row in _pending) Write(row);
            _pending.Clear();
        }

        private void Write(string[] row, bool heading = false)
        {
            var line = new System.Text.StringBuilder(128);
            for (int i = 0; i < row.Length; i++)
            {
                var cell = row[i];
                if (i == row.Length - 1) { line.Append(cell); break; }
                if (i == 0 && terminal.Colour && cell.Length > 0) line.Append(cell == "*" ? "\u001b[32m*\u001b[0m" : "\u001b[90mx\u001b[0m");
                else line.Append(cell);
                line.Append(' ', _widths![i] - cell.Length + 2);
            }
            var text = line.ToString().TrimEnd();
            terminal.Out.WriteLine(heading && terminal.Colour ? $"\u001b[1m{text}\u001b[0m" : text);
        }
    }
}
