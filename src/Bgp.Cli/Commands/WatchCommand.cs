using System.CommandLine;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;

namespace Bgp.Cli.Commands;

/// <summary>
/// <c>watch</c>: session, NOTIFICATION, neighbor and best-route events as they happen, one line (or
/// one JSON object) each, until Ctrl-C or <c>--count</c> events.
/// </summary>
internal static class WatchCommand
{
    public static Command Build(CtlApp app)
    {
        var prefix = new Argument<string?>("PREFIX") { Description = "Route events for this prefix only (with --longer: every prefix inside it)", Arity = ArgumentArity.ZeroOrOne };
        var longer = new Option<bool>("--longer", "-l") { Description = "With PREFIX: also every more-specific prefix" };
        var family = NeighborCommands.FamilyOption("Route events for this family only");
        var routes = new Option<bool>("--routes") { Description = "Only best-route changes" };
        var sessions = new Option<bool>("--sessions") { Description = "Only session, NOTIFICATION and neighbor events" };
        var neighbor = new Option<string?>("--neighbor") { Description = "Session events of this neighbor only", HelpName = "ADDRESS" };
        var history = new Option<bool>("--history") { Description = "Start with the session events the daemon kept (the last 1,024)" };
        var current = new Option<bool>("--current") { Description = "With --routes: start with the current best routes, then a 'synced' line" };
        var count = new Option<int>("--count", "-n") { Description = "Stop after this many events", HelpName = "N" };
        var watch = new Command("watch", "Print session and route events as they happen (Ctrl-C stops)")
        {
            prefix, longer, family, routes, sessions, neighbor, history, current, count,
        };
        app.SetAction(watch, async (call, ct) =>
        {
            bool onlyRoutes = call.Get(routes), onlySessions = call.Get(sessions);
            if (onlyRoutes && onlySessions) throw new UsageException("--routes and --sessions cannot be combined (give neither for both)");
            if (call.Get(current) && !onlyRoutes) throw new UsageException("--current needs --routes");
            if (call.Get(history) && onlyRoutes) throw new UsageException("--history is for session events, not with --routes");
            if (call.Get(count) < 0) throw new UsageException("--count must be positive");
            IAsyncEnumerable<Event> stream;
            if (onlyRoutes)
            {
                stream = call.Daemon.WatchRoutesAsync(new WatchRoutesRequest
                {
                    Family = Format.ParseFamily(call.Get(family)),
                    Prefix = call.Get(prefix) ?? "",
                    LongerPrefixes = call.Get(longer),
                    IncludeCurrent = call.Get(current),
                }, ct);
            }
            else
            {
                var request = new WatchEventsRequest
                {
                    Neighbor = call.Get(neighbor) ?? "",
                    IncludeHistory = call.Get(history),
                    Family = Format.ParseFamily(call.Get(family)),
                    Prefix = call.Get(prefix) ?? "",
                    LongerPrefixes = call.Get(longer),
                };
                request.Kinds.AddRange([EventKind.Session, EventKind.Notification, EventKind.Neighbor]);
                if (!onlySessions) request.Kinds.Add(EventKind.Route);
                stream = call.Daemon.WatchEventsAsync(request, ct);
            }
            return await Print(call, stream, call.Get(count), ct);
        });
        return watch;
    }

    private static async Task<int> Print(Call call, IAsyncEnumerable<Event> stream, int limit, CancellationToken ct)
    {
        int seen = 0;
        try
        {
            await foreach (var e in stream)
            {
                call.Terminal.Out.WriteLine(call.Json ? Terminal.ToJson(e) : EventText.Line(e));
                call.Terminal.Out.Flush();
                if (limit > 0 && ++seen >= limit) return 0;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;   // Ctrl-C is how a watch ends
        }
        return call.Fail(CtlApp.ExitFailed, "the daemon ended the event stream");
    }
}
