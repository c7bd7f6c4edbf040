using System.CommandLine;
using System.Net.Sockets;
using Grpc.Core;

namespace Bgp.Cli.Ctl;

/// <summary>
/// What every daemon command shares: the connection options (on every subcommand), the terminal,
/// and one way of turning failures into a single line and an exit code: 0 done, 1 the daemon could
/// not be reached or refused, 2 a usage error.
/// </summary>
internal sealed class CtlApp(Terminal terminal)
{
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public Terminal Terminal { get; } = terminal;

    public Option<string> Address { get; } = new("--addr")
    {
        Description = $"The daemon's gRPC address: unix:///path/grpc.sock, http://host:port or https://host:port (default: ${Endpoint.EnvironmentVariable}, else {Endpoint.DefaultAddress})",
        HelpName = "ADDR",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(Endpoint.EnvironmentVariable) is { Length: > 0 } address ? address : Endpoint.DefaultAddress,
    };

    public Option<string?> Cert { get; } = new("--cert") { Description = "Client certificate (PEM) for mutual TLS over https", HelpName = "FILE", Recursive = true };
    public Option<string?> Key { get; } = new("--key") { Description = "The client certificate's private key (PEM)", HelpName = "FILE", Recursive = true };
    public Option<string?> Ca { get; } = new("--ca") { Description = "Trust only these CAs (PEM) for the daemon's certificate", HelpName = "FILE", Recursive = true };
    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "Send the bearer token in this file", HelpName = "FILE", Recursive = true };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for an answer (streams and bulk injection have no limit)",
        HelpName = "SECONDS",
        Recursive = true,
        DefaultValueFactory = _ => 10,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON (the proto3 JSON mapping of the API's messages; docs/CLI.md)", Recursive = true };

    public void AddGlobalOptions(Command root)
    {
        root.Options.Add(Address);
        root.Options.Add(Cert);
        root.Options.Add(Key);
        root.Options.Add(Ca);
        root.Options.Add(TokenFile);
        root.Options.Add(Timeout);
        root.Options.Add(Json);
    }

    /// <summary>Runs <paramref name="body"/> with a client for the chosen daemon; failures become one line on stderr.</summary>
    public void SetAction(Command command, Func<Call, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            var endpoint = EndpointOf(parse);
            try
            {
                if (endpoint.Timeout <= TimeSpan.Zero) throw new UsageException("--timeout must be more than 0 seconds");
                using var daemon = new DaemonClient(endpoint.Connect(), endpoint.Timeout);
                return await body(new Call(parse, this, daemon), ct).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                return Fail(ExitUsage, e.Message);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                return 130;   // interrupted (Ctrl-C) during a call
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && Unreachable(e, endpoint) is string why)
            {
                return Fail(ExitFailed, $"cannot reach bgpactorsd at {endpoint.Address}: {why} (is it running? --addr or ${Endpoint.EnvironmentVariable} chooses the address)");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
            {
                return Fail(ExitFailed, $"no answer from bgpactorsd at {endpoint.Address} within {endpoint.Timeout.TotalSeconds:0.#} s (--timeout)");
            }
            catch (RpcException e)
            {
                var detail = e.Status.Detail.Length > 0 ? OneLine(e.Status.Detail) : "the call failed";
                return Fail(ExitFailed, $"{detail} ({CodeName(e.StatusCode)})");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;   // interrupted (Ctrl-C), as a shell reports SIGINT
            }
        });

    public int Fail(int exitCode, string message)
    {
        Terminal.Error.WriteLine($"bgpactorsctl: {message}");
        return exitCode;
    }

    private Endpoint EndpointOf(ParseResult parse) => new(
        parse.GetValue(Address) ?? Endpoint.DefaultAddress,
        parse.GetValue(Cert), parse.GetValue(Key), parse.GetValue(Ca), parse.GetValue(TokenFile),
        TimeSpan.FromSeconds(Math.Min(parse.GetValue(Timeout), 3600)));

    /// <summary>The socket-level reason when the connection itself failed (null: the daemon answered).</summary>
    private static string? Unreachable(Exception e, Endpoint endpoint)
    {
        if (endpoint.UnixPath() is string path && !File.Exists(path)) return $"there is no socket {path}";
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket) return socket.Message;
        return e.InnerException is System.Net.Http.HttpRequestException http ? http.Message : null;
    }

    /// <summary>
    /// A refusal on one line. A change the configuration refuses comes with the daemon's rendered
    /// diagnostics (an <c>error: MESSAGE</c> line, the source line of the edited file with its caret
    /// and label, help lines, a summary): each becomes "MESSAGE (label)", after the first line.
    /// </summary>
    internal static string OneLine(string detail)
    {
        if (!detail.Contains('\n')) return detail;
        string? heading = null;
        var errors = new List<string>();
        foreach (var raw in detail.Split('\n'))
        {
            var line = raw.Trim();
            var marked = line.TrimStart('|', ' ');
            if (line.StartsWith("error: could not load", StringComparison.Ordinal)) continue;
            if (line.StartsWith("error: ", StringComparison.Ordinal)) errors.Add(line["error: ".Length..]);
            else if (line.StartsWith('|') && marked.StartsWith('^') && errors.Count > 0 && marked.TrimStart('^').Trim() is { Length: > 0 } label)
                errors[^1] += $" ({label})";
            else if (errors.Count == 0 && heading is null && line.Length > 0) heading = line.TrimEnd(':');
        }
        if (errors.Count == 0) return string.Join(' ', detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return (heading is null ? "" : heading + ": ") + string.Join("; ", errors);
    }

    /// <summary>NotFound → NOT_FOUND, as gRPC spells status codes.</summary>
    internal static string CodeName(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}

/// <summary>One command's run: its parse result, the terminal and the daemon.</summary>
internal sealed class Call(ParseResult parse, CtlApp app, DaemonClient daemon)
{
    public ParseResult Parse { get; } = parse;
    public Terminal Terminal => app.Terminal;
    public DaemonClient Daemon { get; } = daemon;
    public bool Json => Parse.GetValue(app.Json);
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);
    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);
    public int Fail(int exitCode, string message) => app.Fail(exitCode, message);
}
