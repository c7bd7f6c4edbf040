using System.CommandLine;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Spectre.Console;

namespace Bgp.Cli.Commands;

/// <summary>
/// <c>top</c>: a live dashboard on the alternate screen. Sessions (state, uptime, prefixes, update
/// rates, flaps) and RIB totals are polled every interval; events arrive on a watch stream. Keys:
/// s sort, r reverse, ↑/↓ (j/k) select, Enter/d details, e events, q quit.
/// </summary>
internal static class TopCommand
{
    public static Command Build(CtlApp app)
    {
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", HelpName = "SECONDS", DefaultValueFactory = _ => 1 };
        var top = new Command("top", "A live dashboard: sessions, update rates, RIB totals and events (q quits)") { interval };
        app.SetAction(top, (call, ct) => Run(call, TimeSpan.FromSeconds(Math.Clamp(call.Get(interval), 0.2, 60)), ct));
        return top;
    }

    private static async Task<int> Run(Call call, TimeSpan interval, CancellationToken ct)
    {
        if (Console.IsOutputRedirected || Console.IsInputRedirected || call.Json)
            return call.Fail(CtlApp.ExitUsage, "top needs a terminal (for scripts: neighbor --json, rib --json, watch --json)");

        // Fail as the other verbs do when the daemon is not there, before taking over the screen.
        var model = new TopModel();
        model.Update(await call.Daemon.ListNeighborsAsync(ct), await call.Daemon.HealthAsync(ct), DateTimeOffset.UtcNow);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = Task.Run(() => Watch(call.Daemon, model, stop.Token), CancellationToken.None);
        var frame = new StringWriter { NewLine = "\n" };
        bool colour = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,   // a terminal, checked above; the frame is drawn off-screen first
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(frame),
        });
        Console.Out.Write("\u001b[?1049h\u001b[?25l");   // alternate screen, cursor hidden
        try
        {
            var next = DateTimeOffset.UtcNow + interval;
            while (!stop.IsCancellationRequested)
            {
                model.Size = (Console.WindowWidth, Console.WindowHeight);
                console.Profile.Width = Console.WindowWidth;
                frame.GetStringBuilder().Clear();
                console.Write(model.Render(DateTimeOffset.UtcNow));
                // Home, each line then erase its rest (\e[K), then erase what the previous frame left below.
                var lines = frame.ToString().TrimEnd('\n').Split('\n').Take(Math.Max(1, Console.WindowHeight - 1));
                Console.Out.Write("\u001b[H" + string.Join("\u001b[K\n", lines) + "\u001b[K\u001b[J");
                while (!stop.IsCancellationRequested && DateTimeOffset.UtcNow < next)
                {
                    if (Console.KeyAvailable)
                    {
                        if (!model.Key(Console.ReadKey(intercept: true))) return 0;
                        break;   // redraw at once
                    }
                    await Task.Delay(50, CancellationToken.None);
                }
                if (DateTimeOffset.UtcNow >= next)
                {
                    try
                    {
                        model.Update(await call.Daemon.ListNeighborsAsync(stop.Token), await call.Daemon.HealthAsync(stop.Token), DateTimeOffset.UtcNow);
                    }
                    catch (Grpc.Core.RpcException e)
                    {
                        model.Problem = $"cannot refresh: {CtlApp.CodeName(e.StatusCode)}: {e.Status.Detail}";
                    }
                    next = DateTimeOffset.UtcNow + interval;
                }
            }
            return 0;
        }
        finally
        {
            stop.Cancel();
            Console.Out.Write("\u001b[?25h\u001b[?1049l");
            try { await events; } catch (OperationCanceledException) { }
        }
    }

    private static async Task Watch(DaemonClient daemon, TopModel model, CancellationToken ct)
    {
        var request = new WatchEventsRequest { IncludeHistory = true };
        request.Kinds.AddRange([EventKind.Session, EventKind.Notification, EventKind.Neighbor, EventKind.Route]);
        try
        {
            await foreach (var e in daemon.WatchEventsAsync(request, ct)) model.Add(e);
        }
        catch (Grpc.Core.RpcException e)
        {
            model.Problem = $"event stream ended: {CtlApp.CodeName(e.StatusCode)}: {e.Status.Detail}";
        }
    }
}
