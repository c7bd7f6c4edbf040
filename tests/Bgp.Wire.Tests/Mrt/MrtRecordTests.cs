using Bgp.Wire.Mrt;
using Bgp.Wire.Tests.TestKit;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Mrt;

/// <summary>Each record kind, built in memory, written, and read back; wire vectors where RFC 6396 fixes the layout.</summary>
public class MrtRecordTests
{
    private static MrtRecord RoundTrip(MrtRecord record)
    {
        var bytes = MrtEncoder.Encode(record);
        var back = MrtReader.ReadAll(bytes);
        Assert.That(back, Has.Count.EqualTo(1));
        Assert.That(back[0], Is.EqualTo(record));
        return back[0];
    }

    private static readonly EquatableArray<PathAttribute> Attrs = new PathAttribute[]
    {
        OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(65001, 4200000000)),
        new NextHopAttribute(IpAddr.Parse("192.0.2.1")), new CommunitiesAttribute(new[] { new Community(65001, 7) }),
    };

    [Test]
    public void An_extended_timestamp_record_counts_its_microseconds_in_the_length_RFC6396_3()
    {
        // The first record of testdata updates.et-header.2015: BGP4MP_ET STATE_CHANGE_AS4, Idle -> Connect.
        var expected = Hex.Bytes("562994EE 0011 0005 0000001C  0007C629  00000F10 00000F10 0000 0001 CEDCE737 00000000 0001 0002");
        var record = new Bgp4MpStateChangeRecord(1445565678, 509481, true, 3856, 3856, 0,
            IpAddr.Parse("206.220.231.55"), IpAddr.Parse("0.0.0.0"), BgpFsmState.Idle, BgpFsmState.Connect);
        Assert.That(MrtEncoder.Encode(record), Is.EqualTo(expected));
        Assert.That(MrtReader.ReadAll(expected), Is.EqualTo(new MrtRecord[] { record }));
    }

    [Test]
    public void A_rib_entry_carries_mp_reach_nlri_as_its_next_hop_alone_RFC6396_4_3_4()
    {
        var attrs = new EquatableArray<PathAttribute>(new PathAttribute[]
        {
            OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(65001)),
            new MpReachAttribute(AfiSafi.Ipv6Unicast, new NextHop(IpAddr.Parse("2001:db8::1"), IpAddr.Parse("fe80::1")), default),
        });
        var rib = new RibRecord(7, TableDumpV2Subtype.RibIpv6Unicast, 3, AfiSafi.Ipv6Unicast, Prefix.Parse("2001:db8:1::/48"),
            new[] { new RibEntry(0, 99, attrs) });
        var bytes = MrtEncoder.Encode(rib);
        // 0x80 0x0E, length 33, next hop length 32, global then link-local: no AFI/SAFI, Reserved or NLRI.
        var mp = Hex.Bytes("800E21 20 20010DB8000000000000000000000001 FE800000000000000000000000000001");
        Assert.That(bytes.AsSpan().IndexOf(mp), Is.GreaterThan(0));
        Assert.That(bytes.AsSpan()[^mp.Length..].ToArray(), Is.EqualTo(mp));
        RoundTrip(rib);
    }

    [Test]
    public void A_full_mp_reach_nlri_in_a_rib_entry_is_read_too()
    {
        // RIB_IPV6_UNICAST ::/0, one entry whose MP_REACH_NLRI has AFI, SAFI and Reserved (as some writers send).
        var body = Hex.Bytes("00000001 00 0001 0000 00000063 0018 800E15 0002 01 10 20010DB8000000000000000000000009 00");
        var rib = (RibRecord)MrtDecoder.Decode(new MrtHeader(1, MrtType.TableDumpV2, 4, (uint)body.Length), body);
        var mp = (MpReachAttribute)rib.Entries[0].Attributes[0];
        Assert.That(mp.NextHop.Address, Is.EqualTo(IpAddr.Parse("2001:db8::9")));
        Assert.That(rib.Entries[0].Errors, Is.Empty);
    }

    [Test]
    public void A_peer_index_table_keeps_each_peers_address_family_and_as_width()
    {
        var table = new PeerIndexTableRecord(1, IpAddr.Parse("192.0.2.254"), "rrc00", new MrtPeer[]
        {
            new(IpAddr.Parse("192.0.2.1"), IpAddr.Parse("192.0.2.1"), 65001, FourOctetAs: false),
            new(IpAddr.Parse("192.0.2.2"), IpAddr.Parse("2001:db8::2"), 4200000000),
        });
        var bytes = MrtEncoder.Encode(table);
        Assert.That(bytes.AsSpan(MrtHeader.Size).ToArray(), Is.EqualTo(Hex.Bytes(
            "C00002FE 0005 7272633030 0002  00 C0000201 C0000201 FDE9  03 C0000202 20010DB8000000000000000000000002 FA56EA00")));
        RoundTrip(table);
    }

    [Test]
    public void Rib_generic_keeps_the_nlri_of_a_family_it_does_not_type()
    {
        // VPNv4 (RFC 4364): 112 bits = label (3) + RD (8) + 24-bit prefix.
        var nlri = Hex.Bytes("70 000011 0000FDE900000001 0A0100");
        var rib = new RibRecord(1, TableDumpV2Subtype.RibGeneric, 9, new AfiSafi(Afi.Ipv4, Safi.MplsVpn), default,
            new[] { new RibEntry(0, 5, Attrs) }, nlri);
        RoundTrip(rib);
    }

    [Test]
    public void Add_path_rib_entries_carry_their_path_identifier_RFC8050_4()
    {
        var rib = new RibRecord(1, TableDumpV2Subtype.RibIpv4UnicastAddPath, 1, AfiSafi.Ipv4Unicast, Prefix.Parse("10.0.0.0/8"),
            new[] { new RibEntry(0, 5, Attrs, PathId: 36), new RibEntry(0, 5, Attrs, PathId: 38) });
        var back = (RibRecord)RoundTrip(rib);
        Assert.That(back.Entries.Select(e => e.PathId), Is.EqualTo(new uint[] { 36, 38 }));
    }

    [Test]
    public void Table_dump_writes_mp_reach_nlri_whole_and_two_octet_ases()
    {
        var attrs = new EquatableArray<PathAttribute>(new PathAttribute[]
        {
            OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(65001)),
            new MpReachAttribute(AfiSafi.Ipv6Unicast, new NextHop(IpAddr.Parse("2001:db8::1")), default),
        });
        var dump = new TableDumpRecord(1, 0, 4, Prefix.Parse("2001:db8::/32"), 1, 2, IpAddr.Parse("2001:db8::1"), 65001, attrs);
        var bytes = MrtEncoder.Encode(dump);
        Assert.That(bytes.AsSpan().IndexOf(Hex.Bytes("40020402 01FDE9")), Is.GreaterThan(0), "2-octet AS_PATH");
        Assert.That(bytes.AsSpan().IndexOf(Hex.Bytes("800E15 0002 01 10")), Is.GreaterThan(0), "whole MP_REACH_NLRI");
        RoundTrip(dump);
    }

    [TestCase(Bgp4MpSubtype.Message)]
    [TestCase(Bgp4MpSubtype.MessageAs4)]
    [TestCase(Bgp4MpSubtype.MessageLocal)]
    [TestCase(Bgp4MpSubtype.MessageAs4Local)]
    [TestCase(Bgp4MpSubtype.MessageAddPath)]
    [TestCase(Bgp4MpSubtype.MessageAs4AddPath)]
    [TestCase(Bgp4MpSubtype.MessageLocalAddPath)]
    [TestCase(Bgp4MpSubtype.MessageAs4LocalAddPath)]
    public void Every_message_subtype_round_trips_with_its_as_width_and_path_ids(Bgp4MpSubtype subtype)
    {
        uint id = subtype.IsAddPath() ? 7u : 0u;
        var update = new UpdateMessage(new[] { new Nlri(Prefix.Parse("10.1.0.0/16"), id) }, Attrs,
            new[] { new Nlri(Prefix.Parse("10.2.0.0/16"), id) });
        foreach (uint? micro in new uint?[] { null, 123456 })
        {
            var record = new Bgp4MpMessageRecord(1, micro, subtype, 65001, 65002, 3,
                IpAddr.Parse("2001:db8::1"), IpAddr.Parse("2001:db8::2"), update);
            var back = (Bgp4MpMessageRecord)RoundTrip(record);
            Assert.That(back.Type, Is.EqualTo(micro is null ? MrtType.Bgp4Mp : MrtType.Bgp4MpEt));
            Assert.That(back.Errors, Is.Empty);
        }
    }

    [Test]
    public void A_two_octet_message_carries_large_asns_in_as4_path_RFC6793()
    {
        var update = UpdateMessage.Announce(Attrs, Prefix.Parse("10.0.0.0/8"));
        var record = new Bgp4MpMessageRecord(1, null, Bgp4MpSubtype.Message, 65001, 65002, 0,
            IpAddr.Parse("192.0.2.1"), IpAddr.Parse("192.0.2.2"), update);
        var bytes = MrtEncoder.Encode(record);
        Assert.That(bytes.AsSpan().IndexOf(Hex.Bytes("5BA0")), Is.GreaterThan(0), "AS_TRANS in AS_PATH");
        RoundTrip(record);
    }

    [Test]
    public void Deprecated_bgp_records_hold_the_message_without_its_header()
    {
        var update = UpdateMessage.Announce(new PathAttribute[]
        {
            OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(5409)), new NextHopAttribute(IpAddr.Parse("195.211.222.11")),
        }, Prefix.Parse("208.140.224.0/24"));
        var record = new LegacyBgpMessageRecord(945188487, LegacyBgpSubtype.Update, 5409, IpAddr.Parse("195.211.222.11"),
            12654, IpAddr.Parse("193.0.0.1"), update);
        var bytes = MrtEncoder.Encode(record);
        Assert.That(bytes.AsSpan(MrtHeader.Size, 16).ToArray(), Is.EqualTo(Hex.Bytes("1521 C3D3DE0B 316E C1000001 0000 0012")));
        RoundTrip(record);
        RoundTrip(new LegacyBgpStateChangeRecord(936348099, 3333, IpAddr.Parse("193.0.0.56"), BgpFsmState.Idle, BgpFsmState.Connect));
        RoundTrip(record with { MessageSubtype = LegacyBgpSubtype.Keepalive, Message = KeepaliveMessage.Instance });
    }

    [Test]
    public void Records_of_other_types_are_kept_byte_for_byte()
    {
        var ospf = new UnknownMrtRecord(1, MrtType.OspfV2, 0, Hex.Bytes("C0000201 C0000202 0102030405"));
        RoundTrip(ospf);
        var entry = new UnknownMrtRecord(1, MrtType.Bgp4Mp, (ushort)Bgp4MpSubtype.Entry, Hex.Bytes("0102"));
        RoundTrip(entry);
    }
}
