using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using Bgp.Actors.Rib;
using Bgp.Wire;
using FsCheck;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Policy;

/// <summary>Routes, sources and compiled configurations for the policy tests.</summary>
internal static class PolicyFixtures
{
    public const uint LocalAs = 64500;

    /// <summary>Three lines of valid [global] (asn 64500); what follows starts on line 4.</summary>
    public const string Global = "[global]\nasn = 64500\nrouter_id = \"192.0.2.1\"\n";

    public static readonly PolicySource External = new(IpAddr.Parse("198.51.100.1"), 65001, null, RouteType.External);
    public static readonly PolicySource Internal = new(IpAddr.Parse("198.51.100.2"), LocalAs, null, RouteType.Internal);

    public static readonly PolicyContext Import = new(LocalAs, IpAddr.Parse("198.51.100.254"), Export: false);
    public static readonly PolicyContext Export = new(LocalAs, IpAddr.Parse("198.51.100.254"), Export: true);

    public static FsCheck.Config Seeded(int tests) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(tests)
        .WithReplay(new Replay(new Rnd(20260308UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));

    public static AsPath Path(params uint[] asns) => AsPath.FromSequence(asns);

    public static AsPath Path(params AsPathSegment[] segments) => new(new EquatableArray<AsPathSegment>(segments));

    /// <summary>An attribute set in the order the RIB stores them (type code order), with only what is given.</summary>
    public static RouteAttributes Attrs(
        AsPath? path = null, string nextHop = "192.0.2.99", Origin origin = Origin.Igp, uint? med = null, uint? localPref = null,
        Community[]? communities = null, ExtendedCommunity[]? extended = null, LargeCommunity[]? large = null)
    {
        var list = new List<PathAttribute> { new OriginAttribute(origin), new AsPathAttribute(path ?? AsPath.Empty) };
        if (med is uint m) list.Add(new MedAttribute(m));
        if (localPref is uint lp) list.Add(new LocalPrefAttribute(lp));
        if (communities is not null) list.Add(new CommunitiesAttribute(new EquatableArray<Community>(communities)));
        if (extended is not null) list.Add(new ExtendedCommunitiesAttribute(new EquatableArray<ExtendedCommunity>(extended)));
        if (large is not null) list.Add(new LargeCommunitiesAttribute(new EquatableArray<LargeCommunity>(large)));
        return new RouteAttributes(RouteAttributes.Normalize(list.ToArray()), new NextHop(IpAddr.Parse(nextHop)));
    }

    public static PolicyInput Input(string prefix, RouteAttributes attributes, PolicySource? source = null)
    {
        var p = Prefix.Parse(prefix);
        return new PolicyInput(p.IsV6 ? AfiSafi.Ipv6Unicast : AfiSafi.Ipv4Unicast, p, attributes, source ?? External);
    }

    public static Community C(string text) =>
        Community.TryParse(text, names: true, out var c) ? c : throw new ArgumentException(text);

    public static ExtendedCommunity X(string text) =>
        ExtendedCommunity.TryParse(text, out var c) ? c : throw new ArgumentException(text);

    public static LargeCommunity L(string text) =>
        LargeCommunity.TryParse(text, out var c) ? c : throw new ArgumentException(text);

    public static CommunityPattern Pattern(string text) =>
        CommunityPattern.TryParse(text, out var p, out var error) ? p! : throw new ArgumentException($"{text}: {error}");

    /// <summary>Parses a file (after <see cref="Global"/>), failing the test on any diagnostic.</summary>
    public static BgpConfig Bind(string text)
    {
        var result = BgpConfig.Parse(Global + text, "bgp.toml");
        Assert.That(result.Diagnostics, Is.Empty, () => string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    /// <summary>The global import chain of <paramref name="policies"/> with <c>import_policy</c> set to <paramref name="chain"/>.</summary>
    public static PolicyChain Chain(string policies, params string[] chain)
    {
        string names = string.Join(", ", chain.Select(n => $"\"{n}\""));
        var config = Bind($"import_policy = [{names}]\n" + policies);
        return RoutingPolicy.Compile(config).GlobalImport!;
    }

    /// <summary>Runs the chain; the resulting attributes when accepted, null when rejected.</summary>
    public static RouteAttributes? Run(PolicyChain chain, PolicyInput input, PolicyContext? context = null) =>
        chain.Explain(input, context ?? Import).Result;

    public static IPAddress Ip(string text) => IPAddress.Parse(text);
}
