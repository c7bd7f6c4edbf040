using Bgp.Api.V1;

namespace Bgp.Cli.Ctl;

/// <summary>One event as one line, for <c>watch</c> and the event panel of <c>top</c>.</summary>
internal static class EventText
{
    /// <summary>The kind column ("session", "route", ...) and the rest of the line.</summary>
    public static (string Kind, string Text) Describe(Event e) => e.EventCase switch
    {
        Event.EventOneofCase.Session => ("session", Session(e.Session)),
        Event.EventOneofCase.Notification => ("notification", Notification(e.Notification)),
        Event.EventOneofCase.Neighbor => ("neighbor", $"{e.Neighbor.Neighbor} {e.Neighbor.Change}"),
        Event.EventOneofCase.Route => ("route", Route(e.Route)),
        Event.EventOneofCase.Lag => ("lag", $"{e.Lag.Dropped} event(s) dropped: this client fell behind; list again"),
        Event.EventOneofCase.Synced => ("synced", $"{e.Synced.Routes} current route(s) sent; live changes follow"),
        _ => ("unknown", e.ToString()),
    };

    public static string Time(Event e) =>
        e.Time is null ? "--:--:--" : e.Time.ToDateTimeOffset().ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    public static string Line(Event e)
    {
        var (kind, text) = Describe(e);
        return $"{Time(e)}  {kind,-12}  {text}";
    }

    private static string Session(SessionEvent s)
    {
        var line = $"{s.Neighbor} AS{s.RemoteAs} {Format.State(s.From)} -> {Format.State(s.To)}";
        return s.Reason.Length > 0 ? $"{line} ({s.Reason})" : line;
    }

    private static string Notification(NotificationEvent n)
    {
        var line = $"{(n.Sent ? "sent to" : "received from")} {n.Neighbor} AS{n.RemoteAs}: {n.Code}/{n.Subcode} {n.Description}";
        return n.ShutdownCommunication.Length > 0 ? $"{line} \"{n.ShutdownCommunication}\"" : line;
    }

    private static string Route(RouteEvent r)
    {
        if (r.Best is null) return $"- {r.Prefix} withdrawn";
        var view = Format.View(r.Best);
        var from = r.Best.PeerAddress.Length == 0 ? "local" : r.Best.PeerAddress;
        var path = view.AsPath.Length > 0 ? $" path {view.AsPath}" : "";
        var communities = view.Communities.Length > 0 ? $" communities {view.Communities}" : "";
        return $"{(r.Current ? "=" : "+")} {r.Prefix} from {from} next hop {Format.NextHop(r.Best)}{path}{communities}";
    }
}
