using System.CommandLine;
using System.Globalization;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Bgp.Cli.Commands;

/// <summary><c>health</c>, <c>global</c>, <c>metrics</c> and <c>shutdown</c>: the daemon itself.</summary>
internal static class ControlCommands
{
    public static IEnumerable<Command> Build(CtlApp app)
    {
        var health = new Command("health", "Is the daemon up: uptime, neighbors established, Loc-RIB size (exit 1 when unhealthy)");
        app.SetAction(health, Health);
        yield return health;

        var global = new Command("global", "The daemon's identity and global settings: AS, router ID, listeners, families");
        app.SetAction(global, Global);
        yield return global;

        var filter = new Argument<string?>("NAME") { Description = "Only metrics whose name contains this", Arity = ArgumentArity.ZeroOrOne };
        var metrics = new Command("metrics", "The daemon's metrics in the Prometheus text format (as its /metrics endpoint serves them)") { filter };
        app.SetAction(metrics, (call, ct) => Metrics(call, call.Get(filter), ct));
        yield return metrics;

        var reason = new Option<string?>("--reason") { Description = "Shutdown communication sent to every neighbor (RFC 9003)", HelpName = "TEXT" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var shutdown = new Command("shutdown", "Send Cease to every neighbor and stop the daemon") { reason, yes };
        app.SetAction(shutdown, (call, ct) => Shutdown(call, call.Get(reason), call.Get(yes), ct));
        yield return shutdown;
    }

    private static async Task<int> Health(Call call, CancellationToken ct)
    {
        var health = await call.Daemon.HealthAsync(ct);
        if (call.Json)
            call.Terminal.WriteJson(health);
        else
        {
            var table = Terminal.NewDetails();
            table.AddRow("status", health.Healthy ? "[green]healthy[/]" : "[red]unhealthy[/]");
            table.AddRow("version", Markup.Escape(health.Version));
            table.AddRow("uptime", Format.Duration(TimeSpan.FromSeconds(health.UptimeSeconds)));
            table.AddRow("neighbors", $"{health.NeighborsEstablished}/{health.NeighborsConfigured} established");
            table.AddRow("loc-rib", Format.Count(health.LocRibPrefixes, "prefix", "prefixes"));
            call.Terminal.Write(table);
        }
        return health.Healthy ? 0 : CtlApp.ExitFailed;
    }

    private static async Task<int> Global(Call call, CancellationToken ct)
    {
        var global = await call.Daemon.GlobalAsync(ct);
        if (call.Json)
        {
            call.Terminal.WriteJson(global);
            return 0;
        }
        var table = Terminal.NewDetails();
        table.AddRow("asn", global.Asn.ToString(CultureInfo.InvariantCulture));
        table.AddRow("router-id", global.RouterId);
        if (global.ClusterId.Length > 0) table.AddRow("cluster-id", global.ClusterId);
        table.AddRow("listen", Markup.Escape(string.Join(", ", global.ListenAddresses)));
        table.AddRow("families", string.Join(", ", global.Families.Select(Format.Family)));
        table.AddRow("always-compare-med", global.AlwaysCompareMed ? "yes" : "no");
        table.AddRow("deterministic-med", global.DeterministicMed ? "yes" : "no");
        table.AddRow("version", Markup.Escape(global.Version));
        if (global.Started is Timestamp started)
            table.AddRow("started", $"{started.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss} UTC ({Format.Duration(DateTimeOffset.UtcNow - started.ToDateTimeOffset())} ago)");
        table.AddRow("config", Markup.Escape(global.ConfigPath));
        call.Terminal.Write(table);
        return 0;
    }

    private static async Task<int> Metrics(Call call, string? filter, CancellationToken ct)
    {
        var text = (await call.Daemon.MetricsAsync(ct)).Text;
        var samples = PrometheusText.Parse(text).Where(s => filter is null || s.Name.Contains(filter, StringComparison.Ordinal)).ToList();
        if (call.Json)
        {
            call.Terminal.Out.WriteLine(PrometheusText.ToJson(samples));
            return 0;
        }
        if (filter is null)
        {
            call.Terminal.Out.Write(text);
            return 0;
        }
        foreach (var sample in samples) call.Terminal.Out.WriteLine(sample.Line);
        return samples.Count > 0 ? 0 : call.Fail(CtlApp.ExitFailed, $"no metric name contains '{filter}'");
    }

    private static async Task<int> Shutdown(Call call, string? reason, bool yes, CancellationToken ct)
    {
        if (!yes)
        {
            if (!call.Terminal.IsTerminal || Console.IsInputRedirected)
                return call.Fail(CtlApp.ExitUsage, "shutdown stops the daemon: add --yes to confirm when not at a terminal");
            call.Terminal.Error.Write("Send Cease to every neighbor and stop bgpactorsd? [y/N] ");
            if (Console.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                return call.Fail(CtlApp.ExitFailed, "not confirmed: nothing done");
        }
        await call.Daemon.ShutdownAsync(reason ?? "", ct);
        if (!call.Json) call.Terminal.Out.WriteLine("bgpactorsd is shutting down");
        else call.Terminal.WriteJson(new ShutdownResponse());
        return 0;
    }
}
