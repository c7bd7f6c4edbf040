using System.Buffers.Binary;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using Bgp.Api.V1;
using Bgp.Cli.Ctl;
using Google.Protobuf;
using Wire = Bgp.Wire;

namespace Bgp.Cli.Commands;

/// <summary>
/// <c>inject</c>: routes we originate. <c>add</c> one path with its attributes, <c>delete</c> one,
/// <c>file</c> adds many, one <c>add</c> command line per line of the file, on one stream.
/// </summary>
internal static class InjectCommands
{
    public static Command Build(CtlApp app)
    {
        var inject = new Command("inject", "Originate routes: add or delete a path, or add many from a file");
        var add = new PathOptions();
        var addCommand = add.Command("add", "Originate a route (or replace the one we originate for that prefix)");
        app.SetAction(addCommand, async (call, ct) =>
        {
            var request = add.Request(call.Parse);
            await call.Daemon.AddPathAsync(request, ct);
            if (call.Json) call.Terminal.WriteJson(new AddPathResponse());
            else call.Terminal.Out.WriteLine($"{request.Prefix} added, next hop {request.NextHop}");
            return 0;
        });
        inject.Subcommands.Add(addCommand);

        var prefix = new Argument<string>("PREFIX") { Description = "The prefix to withdraw" };
        var family = NeighborCommands.FamilyOption("The prefix's family (default: from the prefix)");
        var delete = new Command("delete", "Withdraw a route we originate") { prefix, family };
        app.SetAction(delete, async (call, ct) =>
        {
            await call.Daemon.DeletePathAsync(new DeletePathRequest { Prefix = call.Get(prefix)!, Family = Format.ParseFamily(call.Get(family)) }, ct);
            if (call.Json) call.Terminal.WriteJson(new DeletePathResponse());
            else call.Terminal.Out.WriteLine($"{call.Get(prefix)} withdrawn");
            return 0;
        });
        inject.Subcommands.Add(delete);

        var file = new Argument<string>("FILE") { Description = "One route per line, written as 'inject add' arguments: PREFIX --next-hop ADDRESS [...]; '#' comments; '-' reads stdin" };
        var bulk = new Command("file", "Originate many routes from a file, on one stream (checked completely before anything is sent)") { file };
        bulk.Aliases.Add("bulk");
        app.SetAction(bulk, (call, ct) => Bulk(call, call.Get(file)!, ct));
        inject.Subcommands.Add(bulk);
        return inject;
    }

    private static async Task<int> Bulk(Call call, string file, CancellationToken ct)
    {
        List<AddPathRequest> requests;
        try
        {
            using var reader = file == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(file);
            requests = ReadFile(reader, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {file}: {e.Message}");
        }
        if (requests.Count == 0) throw new UsageException($"{file}: no routes in the file");
        var reply = await call.Daemon.AddPathsAsync(Stream(requests), ct);
        if (call.Json) call.Terminal.WriteJson(reply);
        else
        {
            call.Terminal.Out.WriteLine($"{reply.Added} added, {reply.Failed} failed");
            foreach (var error in reply.Errors) call.Terminal.Error.WriteLine($"bgpactorsctl: {error}");
        }
        return reply.Failed == 0 ? 0 : CtlApp.ExitFailed;
    }

    /// <summary>Every line parsed up front, so a mistake on line 90,000 sends nothing.</summary>
    internal static List<AddPathRequest> ReadFile(TextReader reader, string name)
    {
        var options = new PathOptions();
        var command = options.Command("add", "");
        var requests = new List<AddPathRequest>();
        int number = 0;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#') continue;
            var tokens = CommandLineParser.SplitCommandLine(text).ToArray();
            var parse = command.Parse(tokens);
            if (parse.Errors.Count > 0) throw new UsageException($"{name}:{number}: {parse.Errors[0].Message}");
            try
            {
                requests.Add(options.Request(parse));
            }
            catch (UsageException e)
            {
                throw new UsageException($"{name}:{number}: {e.Message}");
            }
        }
        return requests;
    }

    private static async IAsyncEnumerable<AddPathRequest> Stream(List<AddPathRequest> requests, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var request in requests)
        {
            ct.ThrowIfCancellationRequested();
            yield return request;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>The arguments of <c>inject add</c>, shared with the lines of <c>inject file</c>.</summary>
    internal sealed class PathOptions
    {
        private readonly Argument<string> _prefix = new("PREFIX") { Description = "The prefix: 192.0.2.0/24, 2001:db8::/48" };
        private readonly Option<string> _nextHop = new("--next-hop") { Description = "Next hop (same family as the prefix, or IPv6 for IPv4: RFC 8950)", HelpName = "ADDRESS", Required = true };
        private readonly Option<string?> _origin = new("--origin") { Description = "ORIGIN (default igp)", HelpName = "igp|egp|incomplete" };
        private readonly Option<string?> _asPath = new("--as-path") { Description = "AS_PATH, as a sequence: \"65001 65002\" or 65001,65002 (default empty)", HelpName = "ASNS" };
        private readonly Option<uint?> _med = new("--med") { Description = "MULTI_EXIT_DISC", HelpName = "N" };
        private readonly Option<uint?> _localPref = new("--local-pref") { Description = "LOCAL_PREF (sent to iBGP neighbors)", HelpName = "N" };
        private readonly Option<string[]> _communities = new("--community")
        {
            Description = "A community (repeat): 65000:666, a large one 65000:1:2, an extended rt:65000:1 / soo:192.0.2.1:7, or a well-known name (no-export, no-advertise, blackhole, graceful-shutdown)",
            HelpName = "COMMUNITY",
        };

        public PathOptions() => _origin.AcceptOnlyFromAmong("igp", "egp", "incomplete");

        public Command Command(string name, string description) =>
            new(name, description) { _prefix, _nextHop, _origin, _asPath, _med, _localPref, _communities };

        public AddPathRequest Request(ParseResult parse)
        {
            var request = new AddPathRequest { Prefix = parse.GetValue(_prefix)!, NextHop = parse.GetValue(_nextHop)! };
            if (parse.GetValue(_origin) is string origin)
                request.Attributes.Add(new PathAttribute { Origin = origin switch { "egp" => Origin.Egp, "incomplete" => Origin.Incomplete, _ => Origin.Igp } });
            if (parse.GetValue(_asPath) is string path && path.Trim().Length > 0)
            {
                var segment = new AsPathSegment { Type = AsPathSegment.Types.Type.AsSequence };
                foreach (var asn in path.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
                    segment.Asns.Add(uint.TryParse(asn, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        ? n : throw new UsageException($"--as-path: '{asn}' is not an AS number"));
                request.Attributes.Add(new PathAttribute { AsPath = new AsPath { Segments = { segment } } });
            }
            if (parse.GetValue(_med) is uint med) request.Attributes.Add(new PathAttribute { Med = med });
            if (parse.GetValue(_localPref) is uint localPref) request.Attributes.Add(new PathAttribute { LocalPref = localPref });
            AddCommunities(request, parse.GetValue(_communities) ?? []);
            return request;
        }
    }

    internal static void AddCommunities(AddPathRequest request, IEnumerable<string> values)
    {
        var standard = new Communities();
        var large = new LargeCommunities();
        var extended = new ExtendedCommunities();
        foreach (var value in values)
        {
            if (Wire.Community.TryParse(value, names: true, out var community)) standard.Communities_.Add(community.Value);
            else if (Wire.LargeCommunity.TryParse(value, out var l))
                large.Communities.Add(new LargeCommunity { GlobalAdmin = l.GlobalAdministrator, LocalData1 = l.LocalData1, LocalData2 = l.LocalData2 });
            else if (Wire.ExtendedCommunity.TryParse(value, out var e))
            {
                var octets = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(octets, e.Value);
                extended.Communities.Add(ByteString.CopyFrom(octets));
            }
            else throw new UsageException($"--community {value}: not a community (65000:100, 65000:1:2, rt:65000:1, soo:192.0.2.1:7, no-export, ...)");
        }
        if (standard.Communities_.Count > 0) request.Attributes.Add(new PathAttribute { Communities = standard });
        if (large.Communities.Count > 0) request.Attributes.Add(new PathAttribute { LargeCommunities = large });
        if (extended.Communities.Count > 0) request.Attributes.Add(new PathAttribute { ExtendedCommunities = extended });
    }
}
