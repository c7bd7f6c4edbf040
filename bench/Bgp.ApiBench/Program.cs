using System.Diagnostics;
using System.Text.Json;
using Bgp.Api.Client;
using Bgp.Api.V1;
using Grpc.Net.Client;

// The API side of the end-to-end benchmark (bench/e2e/e2e.py --api-probe), over the daemon's Unix socket:
//   bgp-api-bench probe SOCKET [INTERVAL_MS]  warms up (connection, and the daemon's and our JIT: 5
//                                             calls of each, not counted), prints "ready", then calls
//                                             GetHealth and ListNeighbors in turn, one every INTERVAL_MS
//                                             (default 10), until stdin closes; prints the latency
//                                             percentiles as JSON
//   bgp-api-bench list SOCKET [RUNS]          streams ListRoutes (best routes, all of them) RUNS times
//                                             (default 3); prints routes, seconds and routes/s per run
if (args.Length < 2 || args[0] is not ("probe" or "list"))
{
    Console.Error.WriteLine("usage: bgp-api-bench probe SOCKET [INTERVAL_MS] | list SOCKET [RUNS]");
    return 2;
}
using var client = DaemonChannel.ForUnixSocket(args[1]);
var json = new JsonSerializerOptions { WriteIndented = true };
if (args[0] == "probe")
{
    var interval = TimeSpan.FromMilliseconds(args.Length > 2 ? int.Parse(args[2]) : 10);
    await ApiBench.WarmUpAsync(client);
    Console.WriteLine("ready");
    var result = await ApiBench.ProbeAsync(client, interval, ApiBench.StdinClosedAsync());
    Console.WriteLine(JsonSerializer.Serialize(result, json));
}
else
{
    int runs = args.Length > 2 ? int.Parse(args[2]) : 3;
    var result = new List<Dictionary<string, double>>();
    for (int i = 0; i < runs; i++) result.Add(await ApiBench.ListAsync(client));
    Console.WriteLine(JsonSerializer.Serialize(result, json));
}
return 0;

internal static class ApiBench
{
    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(60);

    public static async Task StdinClosedAsync()
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (await stdin.ReadAsync(buffer) > 0) { }
    }

    public static async Task WarmUpAsync(GrpcChannel client)
    {
        for (int i = 0; i < 5; i++)
        {
            await new ControlService.ControlServiceClient(client).GetHealthAsync(new GetHealthRequest(), deadline: Deadline);
            await new NeighborService.NeighborServiceClient(client).ListNeighborsAsync(new ListNeighborsRequest(), deadline: Deadline);
        }
    }

    /// <summary>Alternates the two calls until <paramref name="stop"/> completes (at most 30 minutes).</summary>
    public static async Task<Dictionary<string, object>> ProbeAsync(GrpcChannel client, TimeSpan interval, Task stop)
    {
        var health = new List<double>();
        var neighbors = new List<double>();
        int errors = 0;
        string? lastError = null;
        var deadline = Stopwatch.StartNew();
        var control = new ControlService.ControlServiceClient(client);
        var neighborService = new NeighborService.NeighborServiceClient(client);
        for (long i = 0; !stop.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(30); i++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (i % 2 == 0) await control.GetHealthAsync(new GetHealthRequest(), deadline: Deadline);
                else await neighborService.ListNeighborsAsync(new ListNeighborsRequest(), deadline: Deadline);
                (i % 2 == 0 ? health : neighbors).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException or IOException)
            {
                errors++;
                lastError = e.Message;
            }
            await Task.WhenAny(stop, Task.Delay(interval));
        }
        return new Dictionary<string, object>
        {
            ["GetHealth"] = Percentiles(health),
            ["ListNeighbors"] = Percentiles(neighbors),
            ["errors"] = errors,
            ["last_error"] = lastError ?? "",
        };
    }

    private static Dictionary<string, object> Percentiles(List<double> ms)
    {
        if (ms.Count == 0) return new() { ["count"] = 0 };
        var inOrder = ms.Select(x => Math.Round(x, 2)).ToList();   // kept in call order, for pooling runs
        ms.Sort();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        return new()
        {
            ["count"] = ms.Count,
            ["p50_ms"] = Math.Round(At(0.50), 2),
            ["p90_ms"] = Math.Round(At(0.90), 2),
            ["p99_ms"] = Math.Round(At(0.99), 2),
            ["max_ms"] = Math.Round(ms[^1], 2),
            ["samples_ms"] = inOrder,
        };
    }

    public static async Task<Dictionary<string, double>> ListAsync(GrpcChannel client)
    {
        long routes = 0;
        var started = Stopwatch.GetTimestamp();
        double firstMs = 0;
        using var call = new RibService.RibServiceClient(client).ListRoutes(new ListRoutesRequest { Table = Table.Best },
            deadline: DateTime.UtcNow.AddMinutes(5));
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (routes == 0) firstMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            routes += call.ResponseStream.Current.Routes.Count;
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new()
        {
            ["routes"] = routes,
            ["seconds"] = Math.Round(seconds, 3),
            ["first_response_ms"] = Math.Round(firstMs, 1),
            ["routes_per_s"] = Math.Round(routes / seconds),
        };
    }
}
