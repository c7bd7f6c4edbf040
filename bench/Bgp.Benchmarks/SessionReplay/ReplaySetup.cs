using Bgp.Actors.Config;
using Bgp.Actors.Sessions;
using Bgp.Wire;

namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// What every replay shares, built once: the feed, the session's settings (the recorded session
/// was iBGP, AS3856 on both sides, so ours is too) and the codec context the OPENs negotiate.
/// </summary>
public sealed class ReplaySetup
{
    /// <summary>Announced plus withdrawn prefixes in the feed: 577,737 + 3 (checked when the file is loaded).</summary>
    public const int Prefixes = 577_740;

    public const string FeedFile = "updates.et-header.2015.gz";

    private ReplaySetup(MrtUpdateFeed feed, PeerSessionSettings settings, CodecContext context)
    {
        Feed = feed;
        Settings = settings;
        Context = context;
    }

    public MrtUpdateFeed Feed { get; }

    /// <summary>The session's settings; the neighbor is 127.0.0.1, the port is set per replay.</summary>
    public PeerSessionSettings Settings { get; }

    public CodecContext Context { get; }

    public static ReplaySetup Load()
    {
        string path = BenchData.Path("mrt", "ripe-bgpdump", "test_data", FeedFile);
        var feed = MrtUpdateFeed.Load(path);
        if (feed.Prefixes != Prefixes)
            throw new InvalidOperationException($"{path}: {feed.Prefixes} prefixes, the benchmark is sized for {Prefixes}");
        Console.WriteLine($"// feed: {feed.UpdateCount} UPDATEs, {feed.Updates.Length} octets, {feed.Announced} announced + "
            + $"{feed.Withdrawn} withdrawn prefixes, {feed.ReEncoded} re-encoded; peer {feed.PeerAddress} AS{feed.PeerAs}, local AS{feed.LocalAs}");

        var load = BgpConfig.Parse($$"""
            [global]
            asn = {{feed.LocalAs}}
            router_id = "10.0.0.1"
            listen_addresses = []

            [[neighbors]]
            address = "127.0.0.1"
            remote_asn = {{feed.PeerAs}}
            hold_time = 180
            families = ["ipv4-unicast"]
            """, "bench.toml");
        var config = load.Config ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
        var settings = new PeerSessionSettings(config.Neighbors[0], config.Global) { Seed = 42 };
        var peerOpen = (OpenMessage)MessageDecoder.Decode(feed.Open, CodecContext.Default).Message!;
        var kind = feed.PeerAs == feed.LocalAs ? PeerKind.Internal : PeerKind.External;
        var context = CodecContext.Negotiate(settings.BuildLocalOpen(), peerOpen, kind);
        if (!context.FourOctetAs) throw new InvalidOperationException("the replayed session should negotiate 4-octet AS numbers");
        return new ReplaySetup(feed, settings, context);
    }
}
