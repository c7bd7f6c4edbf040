using System.Globalization;
using Bgp.Api.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using Table = Spectre.Console.Table;

namespace Bgp.Cli.Ctl;

/// <summary>
/// What <c>top</c> shows and how keys change it; no I/O, so a frame can be rendered and checked
/// from a test. Update rates come from the change in each neighbor's UPDATE counters between polls.
/// </summary>
internal sealed class TopModel
{
    public enum SortKey { Address, State, Received, Rate, Flaps }

    private const int KeptEvents = 200;
    private readonly object _gate = new();
    private readonly LinkedList<string> _events = new();
    private readonly Dictionary<string, (ulong In, ulong Out, DateTimeOffset At)> _previous = [];
    private readonly Dictionary<string, (double In, double Out)> _rates = [];
    private List<Neighbor> _neighbors = [];
    private GetHealthResponse _health = new();
    private string? _selected;

    public SortKey Sort { get; private set; } = SortKey.Address;
    public bool Descending { get; private set; }
    public bool ShowDetail { get; private set; }
    public bool ShowEvents { get; private set; } = true;
    public (int Width, int Height) Size { get; set; } = (120, 40);
    public string? Problem { get; set; }

    public void Update(ListNeighborsResponse neighbors, GetHealthResponse health, DateTimeOffset now)
    {
        lock (_gate)
        {
            _neighbors = [.. neighbors.Neighbors];
            _health = health;
            Problem = null;
            foreach (var n in _neighbors)
            {
                var address = n.Config.Address;
                var counters = (n.Counters.UpdatesIn, n.Counters.UpdatesOut);
                if (_previous.TryGetValue(address, out var before) && now > before.At)
                {
                    var seconds = (now - before.At).TotalSeconds;
                    _rates[address] = (Rate(counters.UpdatesIn, before.In, seconds), Rate(counters.UpdatesOut, before.Out, seconds));
                }
                _previous[address] = (counters.UpdatesIn, counters.UpdatesOut, now);
            }
            _selected ??= Ordered().FirstOrDefault()?.Config.Address;
        }
    }

    private static double Rate(ulong now, ulong before, double seconds) => now >= before ? (now - before) / seconds : 0;

    public void Add(Event e)
    {
        lock (_gate)
        {
            _events.AddLast(EventText.Line(e));
            if (_events.Count > KeptEvents) _events.RemoveFirst();
        }
    }

    /// <summary>Applies a key; false means quit.</summary>
    public bool Key(ConsoleKeyInfo key)
    {
        lock (_gate)
        {
            switch (key.Key)
            {
                case ConsoleKey.Q or ConsoleKey.Escape: return false;
                case ConsoleKey.S: Sort = (SortKey)(((int)Sort + 1) % Enum.GetValues<SortKey>().Length); break;
                case ConsoleKey.R: Descending = !Descending; break;
                case ConsoleKey.E: ShowEvents = !ShowEvents; break;
                case ConsoleKey.Enter or ConsoleKey.D: ShowDetail = !ShowDetail; break;
                case ConsoleKey.UpArrow or ConsoleKey.K: Move(-1); break;
                case ConsoleKey.DownArrow or ConsoleKey.J: Move(+1); break;
            }
            if (key.KeyChar == 'q') return false;
            return true;
        }
    }

    private void Move(int step)
    {
        var ordered = Ordered();
        if (ordered.Count == 0) return;
        var index = ordered.FindIndex(n => n.Config.Address == _selected);
        _selected = ordered[Math.Clamp(index + step, 0, ordered.Count - 1)].Config.Address;
    }

    private List<Neighbor> Ordered()
    {
        Func<Neighbor, IComparable> key = Sort switch
        {
            SortKey.State => n => -(int)n.State.State,
            SortKey.Received => n => -(long)Format.Sum(n.State.PrefixesReceived),
            SortKey.Rate => n => -RateOf(n.Config.Address).In,
            SortKey.Flaps => n => -(long)n.Counters.Flaps,
            _ => n => Commands.NeighborCommands.AddressKey(n.Config.Address),
        };
        var ordered = _neighbors.OrderBy(key).ThenBy(n => Commands.NeighborCommands.AddressKey(n.Config.Address), StringComparer.Ordinal).ToList();
        if (Descending) ordered.Reverse();
        return ordered;
    }

    private (double In, double Out) RateOf(string address) => _rates.TryGetValue(address, out var rate) ? rate : (0, 0);

    public IRenderable Render(DateTimeOffset now)
    {
        lock (_gate)
        {
            var rows = new List<IRenderable> { Header(now) };
            var ordered = Ordered();
            int eventLines = ShowEvents ? Math.Max(3, Size.Height / 4) : 0;
            int detailLines = ShowDetail ? 8 : 0;
            int room = Math.Max(3, Size.Height - 6 - eventLines - (ShowEvents ? 3 : 0) - detailLines - (ShowDetail ? 3 : 0));
            rows.Add(Sessions(ordered, room, now));
            if (ShowDetail && ordered.FirstOrDefault(n => n.Config.Address == _selected) is Neighbor selected)
                rows.Add(Detail(selected, now));
            if (ShowEvents)
            {
                var lines = _events.Reverse().Take(eventLines).Reverse().Select(l => new Text(Clip(l, Size.Width - 4)));
                rows.Add(new Panel(new Rows(lines.Cast<IRenderable>().DefaultIfEmpty(new Markup("[grey]waiting for events[/]"))))
                {
                    Header = new PanelHeader("events"),
                    Border = BoxBorder.Rounded,
                    Expand = true,
                });
            }
            rows.Add(new Markup("[grey]keys:[/] [bold]s[/] sort  [bold]r[/] reverse  [bold]↑/↓[/] select  [bold]Enter[/] details  [bold]e[/] events  [bold]q[/] quit"
                + (Problem is null ? "" : $"   [red]{Markup.Escape(Problem)}[/]")));
            return new Rows(rows);
        }
    }

    private IRenderable Header(DateTimeOffset now)
    {
        int established = _neighbors.Count(n => n.State.State == SessionState.Established);
        var rates = _rates.Values.Aggregate((In: 0.0, Out: 0.0), (sum, r) => (sum.In + r.In, sum.Out + r.Out));
        return new Markup(
            $"[bold]bgpactorsd[/] {Markup.Escape(_health.Version)}  up {Format.Duration(TimeSpan.FromSeconds(_health.UptimeSeconds))}  "
            + $"neighbors [bold]{established}[/]/{_neighbors.Count} established  Loc-RIB [bold]{Format.Number(_health.LocRibPrefixes)}[/] prefixes  "
            + $"updates {rates.In:0.#}/s in {rates.Out:0.#}/s out  [grey]{now.ToLocalTime():HH:mm:ss}[/]\n"
            + $"[grey]sort:[/] {Sort.ToString().ToLowerInvariant()}{(Descending ? " (reversed)" : "")}");
    }

    private Table Sessions(List<Neighbor> ordered, int room, DateTimeOffset now)
    {
        var table = new Table { Border = TableBorder.Simple, Expand = true };
        foreach (var heading in new[] { "NEIGHBOR", "AS", "STATE", "UP", "RECEIVED", "ACCEPTED", "ADVERTISED", "UPD IN/s", "UPD OUT/s", "FLAPS", "DESCRIPTION" })
        {
            var column = new TableColumn(heading) { NoWrap = true };
            if (heading is "RECEIVED" or "ACCEPTED" or "ADVERTISED" or "UPD IN/s" or "UPD OUT/s" or "FLAPS") column.RightAligned();
            table.AddColumn(column);
        }
        var index = Math.Max(0, ordered.FindIndex(n => n.Config.Address == _selected));
        int first = Math.Clamp(index - room / 2, 0, Math.Max(0, ordered.Count - room));
        foreach (var n in ordered.Skip(first).Take(room))
        {
            var rate = RateOf(n.Config.Address);
            bool selected = n.Config.Address == _selected;
            string Cell(string text) => selected ? $"[invert]{text}[/]" : text;
            table.AddRow(
                Cell(Markup.Escape(n.Config.Address)),
                n.Config.RemoteAsn.ToString(CultureInfo.InvariantCulture),
                Format.StateMarkup(n.State),
                Format.Since(n.State.EstablishedSince, now),
                Format.Number(Format.Sum(n.State.PrefixesReceived)),
                Format.Number(Format.Sum(n.State.PrefixesAccepted)),
                Format.Number(Format.Sum(n.State.PrefixesAdvertised)),
                rate.In.ToString("0.#", CultureInfo.InvariantCulture),
                rate.Out.ToString("0.#", CultureInfo.InvariantCulture),
                n.Counters.Flaps.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Clip(n.Config.Description, 30)));
        }
        if (ordered.Count == 0) table.Caption = new TableTitle("no neighbors configured");
        else if (ordered.Count > room) table.Caption = new TableTitle($"{first + 1}-{Math.Min(ordered.Count, first + room)} of {ordered.Count} neighbors");
        return table;
    }

    private static Panel Detail(Neighbor n, DateTimeOffset now)
    {
        var s = n.State;
        var k = n.Counters;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn());
        grid.AddRow("state", Format.StateMarkup(s) + (s.EstablishedSince is null ? "" : $" for {Format.Since(s.EstablishedSince, now)}, hold time {s.NegotiatedHoldTime} s"));
        grid.AddRow("families", Markup.Escape(string.Join(", ", s.NegotiatedFamilies.Select(Format.Family))));
        grid.AddRow("prefixes", Markup.Escape(string.Join("; ", s.PrefixesReceived.Keys.Order(StringComparer.Ordinal)
            .Select(f => $"{f}: {Format.PerFamily(s.PrefixesReceived, f)} in, {Format.PerFamily(s.PrefixesAccepted, f)} accepted, {Format.PerFamily(s.PrefixesAdvertised, f)} out"))));
        grid.AddRow("messages", $"updates {k.UpdatesIn}/{k.UpdatesOut}, keepalives {k.KeepalivesIn}/{k.KeepalivesOut}, notifications {k.NotificationsIn}/{k.NotificationsOut} (in/out)");
        grid.AddRow("flaps", $"{k.Flaps} (established {k.EstablishedTransitions} time(s))");
        if (s.LastError.Length > 0) grid.AddRow("last error", Markup.Escape(s.LastError));
        if (s.LastNotificationIn.Length > 0) grid.AddRow("notification in", Markup.Escape(s.LastNotificationIn));
        if (s.LastNotificationOut.Length > 0) grid.AddRow("notification out", Markup.Escape(s.LastNotificationOut));
        return new Panel(grid) { Header = new PanelHeader($"{n.Config.Address} AS{n.Config.RemoteAsn}"), Border = BoxBorder.Rounded, Expand = true };
    }

    private static string Clip(string text, int width) => width > 1 && text.Length > width ? text[..(width - 1)] + "…" : text;
}
