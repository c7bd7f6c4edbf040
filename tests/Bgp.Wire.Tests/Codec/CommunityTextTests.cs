using NUnit.Framework;

namespace Bgp.Wire.Tests.Codec;

/// <summary>Communities as text: the forms the API filters and the CLI accept, and their inverse with ToString.</summary>
public class CommunityTextTests
{
    [TestCase("65000:100", 0xFDE80064u)]
    [TestCase("0:0", 0u)]
    [TestCase("65535:65535", 0xFFFFFFFFu)]
    public void Standard_communities_parse_as_asn_and_value(string text, uint value)
    {
        Assert.That(Community.TryParse(text, names: false, out var community), Is.True);
        Assert.That(community.Value, Is.EqualTo(value));
        Assert.That(community.ToString(), Is.EqualTo(text));
    }

    [TestCase("65536:1")]
    [TestCase("1:65536")]
    [TestCase("-1:1")]
    [TestCase(" 1:1")]
    [TestCase("1:2:3")]
    [TestCase("no-export")]
    public void Malformed_or_named_communities_do_not_parse_without_names(string text) =>
        Assert.That(Community.TryParse(text, names: false, out _), Is.False);

    [TestCase("no-export", 0xFFFFFF01u)]
    [TestCase("No-Advertise", 0xFFFFFF02u)]
    [TestCase("blackhole", 0xFFFF029Au)]
    [TestCase("graceful-shutdown", 0xFFFF0000u)]
    [TestCase("llgr-stale", 0xFFFF0006u)]
    public void Well_known_names_parse_and_print(string name, uint value)
    {
        Assert.That(Community.TryParse(name, names: true, out var community), Is.True);
        Assert.That(community.Value, Is.EqualTo(value));
        Assert.That(community.WellKnownName, Is.EqualTo(name.ToLowerInvariant()));
        Assert.That(new Community(65000, 1).WellKnownName, Is.Null);
    }

    [Test]
    public void Large_communities_are_three_32_bit_numbers()
    {
        Assert.That(LargeCommunity.TryParse("4200000000:1:2", out var large), Is.True);
        Assert.That(large, Is.EqualTo(new LargeCommunity(4200000000, 1, 2)));
        Assert.That(LargeCommunity.TryParse("1:2", out _), Is.False);
        Assert.That(LargeCommunity.TryParse("1:2:4294967296", out _), Is.False);
    }

    [TestCase("rt:65001:7", 0x0002FDE900000007UL)]
    [TestCase("soo:65001:4294967295", 0x0003FDE9FFFFFFFFUL)]
    [TestCase("rt:192.0.2.1:7", 0x0102C00002010007UL)]
    [TestCase("rt:4200000000:7", 0x0202FA56EA000007UL)]
    public void Route_targets_and_origins_parse_as_ToString_prints_them(string text, ulong value)
    {
        Assert.That(ExtendedCommunity.TryParse(text, out var community), Is.True);
        Assert.That(community.Value, Is.EqualTo(value));
        Assert.That(community.ToString(), Is.EqualTo(text));
    }

    [TestCase("rt:65001")]
    [TestCase("xx:65001:7")]
    [TestCase("rt:4200000000:65536")]
    [TestCase("rt:192.0.2.1:65536")]
    [TestCase("rt:2001:db8::1:7")]
    public void Other_extended_community_text_does_not_parse(string text) =>
        Assert.That(ExtendedCommunity.TryParse(text, out _), Is.False);
}
