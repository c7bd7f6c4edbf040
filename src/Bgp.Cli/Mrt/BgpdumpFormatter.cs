using Bgp.Wire;
using Bgp.Wire.Mrt;

namespace Bgp.Cli.Mrt;

/// <summary>
/// Prints MRT records one line per route, in the format of <c>bgpdump -m</c>:
/// <code>
/// TYPE|TIME|B or A|PEER_IP|PEER_AS|PREFIX|[PATH_ID|]AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|AG or NAG|AGGREGATOR|
/// TYPE|TIME|W|PEER_IP|PEER_AS|PREFIX[|PATH_ID]
/// TYPE|TIME|STATE|PEER_IP|PEER_AS|OLD_STATE|NEW_STATE
/// </code>
/// The rules were worked out from bgpdump 1.6's output on the RIS, RouteViews and daemon-written
/// samples in shared/data; where bgpdump's output is odd the rule says so.
/// Lines end in '\n'. Records without routes (OPEN, KEEPALIVE, PEER_INDEX_TABLE, ...) print nothing.
/// </summary>
public sealed class BgpdumpFormatter
{
    private readonly TextWriter _out;
    private readonly LineBuilder _line = new();
    private PeerIndexTableRecord? _peers;

    public BgpdumpFormatter(TextWriter output) => _out = output;

    /// <summary>Lines written so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Malformed records seen so far (they print nothing).</summary>
    public long MalformedRecords { get; private set; }

    /// <summary>
    /// Prints every record <paramref name="reader"/> yields and returns the number of lines.
    /// Malformed records print nothing; the first <paramref name="maxDiagnostics"/> are reported
    /// on <paramref name="diagnostics"/>, then a count of the rest.
    /// </summary>
    public static long Dump(MrtReader reader, TextWriter output, TextWriter? diagnostics, int maxDiagnostics = 20)
    {
        var formatter = new BgpdumpFormatter(output);
        while (reader.TryRead(out var record))
        {
            formatter.Write(record);
            if (record is MalformedMrtRecord bad && diagnostics is not null && formatter.MalformedRecords <= maxDiagnostics)
                diagnostics.WriteLine($"bgpactorsctl: skipped {bad}");
        }
        if (diagnostics is not null && formatter.MalformedRecords > maxDiagnostics)
            diagnostics.WriteLine($"bgpactorsctl: skipped {formatter.MalformedRecords} malformed records in all");
        return formatter.Lines;
    }

    public void Write(MrtRecord record)
    {
        switch (record)
        {
            case TableDumpRecord t: WriteTableDump(t); break;
            case PeerIndexTableRecord p: _peers = p; break;
            case RibRecord r: WriteRib(r); break;
            case Bgp4MpMessageRecord m: WriteBgp4MpMessage(m); break;
            case Bgp4MpStateChangeRecord s:
                WriteState(Label(s.Microseconds is not null, false), s.Timestamp, s.Microseconds, s.PeerAddress, s.PeerAs, s.OldState, s.NewState);
                break;
            case LegacyBgpStateChangeRecord s:
                WriteState("BGP", s.Timestamp, null, s.PeerAddress, s.PeerAs, s.OldState, s.NewState);
                break;
            case LegacyBgpMessageRecord m: WriteLegacyMessage(m); break;
            case MalformedMrtRecord: MalformedRecords++; break;
        }
    }

    /// <summary>
    /// BGP4MP, with _ET for extended timestamps, then _AP for add-path subtypes or _LOCAL for the
    /// other MESSAGE_LOCAL ones.
    /// </summary>
    private static string Label(bool extended, bool addPath, bool local = false) => (extended, addPath, local) switch
    {
        (false, true, _) => "BGP4MP_AP",
        (true, true, _) => "BGP4MP_ET_AP",
        (false, false, true) => "BGP4MP_LOCAL",
        (true, false, true) => "BGP4MP_ET_LOCAL",
        (false, false, false) => "BGP4MP",
        (true, false, false) => "BGP4MP_ET",
    };

    private void WriteTableDump(TableDumpRecord r)
    {
        var attrs = new AttributeView(r.Attributes, r.Errors, asSize: 2);
        _line.Clear();
        _line.Append("TABLE_DUMP|").Append(r.Timestamp).Append("|B|").Append(r.PeerAddress).Append('|').Append((uint)r.PeerAs)
            .Append('|').Append(r.Prefix).Append('|');
        attrs.AppendTo(_line, mpNextHop: true, communityField: true);
        Emit();
    }

    /// <summary>
    /// One line per entry, for RIB_IPV4_UNICAST, RIB_IPV6_UNICAST and their add-path forms only:
    /// bgpdump prints nothing for the multicast and RIB_GENERIC subtypes. RIB entries show
    /// MP_REACH_NLRI's next hop when there is one, whatever the family, else NEXT_HOP. An entry
    /// naming a peer the PEER_INDEX_TABLE lacks is skipped (bgpdump aborts there).
    /// </summary>
    private void WriteRib(RibRecord r)
    {
        if (r.RibSubtype is not (TableDumpV2Subtype.RibIpv4Unicast or TableDumpV2Subtype.RibIpv6Unicast
            or TableDumpV2Subtype.RibIpv4UnicastAddPath or TableDumpV2Subtype.RibIpv6UnicastAddPath))
            return;
        var peers = _peers?.Peers ?? default;
        foreach (var e in r.Entries)
        {
            if (e.PeerIndex >= peers.Count) continue;
            var peer = peers[e.PeerIndex];
            _line.Clear();
            _line.Append(r.IsAddPath ? "TABLE_DUMP2_AP|" : "TABLE_DUMP2|").Append(r.Timestamp).Append("|B|")
                .Append(peer.Address).Append('|').Append(peer.As).Append('|').Append(r.Prefix).Append('|');
            if (r.IsAddPath) _line.Append(e.PathId).Append('|');
            new AttributeView(e.Attributes, e.Errors).AppendTo(_line, mpNextHop: true, communityField: true);
            Emit();
        }
    }

    private void WriteBgp4MpMessage(Bgp4MpMessageRecord m)
    {
        if (m.Message is not UpdateMessage u) return;
        bool addPath = m.MessageSubtype.IsAddPath(), local = m.MessageSubtype.IsLocal();
        _line.Clear();
        _line.Append(Label(m.Microseconds is not null, addPath, local)).Append('|');
        AppendTime(m.Timestamp, m.Microseconds);
        int head = _line.Length;
        var merged = m.MessageSubtype.IsFourOctetAs() || m.RawMessage.IsEmpty
            ? null : As4Remerge.Merge(u.AsPath, m.RawMessage.AsSpan(), hasHeader: true);
        // bgpdump shows the local side for MESSAGE_LOCAL_ADDPATH and MESSAGE_AS4_LOCAL_ADDPATH,
        // but the peer for MESSAGE_LOCAL and MESSAGE_AS4_LOCAL.
        bool showLocal = addPath && local;
        var attrs = new AttributeView(u.Attributes, m.Errors, m.MessageSubtype.IsFourOctetAs() ? 4 : 2, merged);
        WriteUpdate(u, head, showLocal ? m.LocalAddress : m.PeerAddress, showLocal ? m.LocalAs : m.PeerAs, addPath,
            communityField: true, legacyWithdraw: false, attrs);
    }

    private void WriteLegacyMessage(LegacyBgpMessageRecord m)
    {
        if (m.Message is not UpdateMessage u) return;
        _line.Clear();
        _line.Append("BGP|").Append(m.Timestamp);
        // For type 5 records bgpdump prints COMMUNITIES glued to MED (no '|' between them), and the
        // peer's address in place of each withdrawn prefix's (keeping the prefix length); copied as observed.
        var merged = m.RawMessage.IsEmpty ? null : As4Remerge.Merge(u.AsPath, m.RawMessage.AsSpan(), hasHeader: false);
        var attrs = new AttributeView(u.Attributes, m.Errors, 2, merged);
        WriteUpdate(u, _line.Length, m.PeerAddress, m.PeerAs, addPath: false, communityField: false, legacyWithdraw: true, attrs);
    }

    /// <summary>
    /// Withdrawals first (body, then MP_UNREACH_NLRI), then announcements (body, then
    /// MP_REACH_NLRI). <paramref name="head"/> is the length of "TYPE|TIME" already in the line.
    /// </summary>
    private void WriteUpdate(UpdateMessage u, int head, IpAddr peer, uint peerAs, bool addPath, bool communityField, bool legacyWithdraw, AttributeView attrs)
    {
        foreach (var n in u.Withdrawn) Withdraw(n);
        if (u.MpUnreach is { IsTyped: true } unreach)
            foreach (var n in unreach.Nlri) Withdraw(n);

        if (u.Nlri.IsEmpty && u.MpReach is not { IsTyped: true, Nlri.IsEmpty: false }) return;
        foreach (var n in u.Nlri) Announce(n, mp: false);
        if (u.MpReach is { IsTyped: true } reach)
            foreach (var n in reach.Nlri) Announce(n, mp: true);

        void Withdraw(in Nlri n)
        {
            _line.Truncate(head);
            _line.Append("|W|").Append(peer).Append('|').Append(peerAs).Append('|');
            if (legacyWithdraw) _line.Append(peer).Append('/').Append((uint)n.Prefix.Length);
            else _line.Append(n.Prefix);
            if (addPath) _line.Append('|').Append(n.PathId);
            Emit();
        }

        // Body NLRI show NEXT_HOP, MP_REACH_NLRI routes its next hop, whatever their family.
        void Announce(in Nlri n, bool mp)
        {
            _line.Truncate(head);
            _line.Append("|A|").Append(peer).Append('|').Append(peerAs).Append('|').Append(n.Prefix).Append('|');
            if (addPath) _line.Append(n.PathId).Append('|');
            attrs.AppendTo(_line, mp, communityField);
            Emit();
        }
    }

    private void WriteState(string label, uint time, uint? micro, IpAddr peer, uint peerAs, BgpFsmState oldState, BgpFsmState newState)
    {
        _line.Clear();
        _line.Append(label).Append('|');
        AppendTime(time, micro);
        _line.Append("|STATE|").Append(peer).Append('|').Append(peerAs).Append('|')
            .Append((uint)oldState).Append('|').Append((uint)newState);
        Emit();
    }

    /// <summary>Seconds, and for BGP4MP_ET ".microseconds" in six digits.</summary>
    private void AppendTime(uint seconds, uint? micro)
    {
        _line.Append(seconds);
        if (micro is { } us) _line.Append('.').AppendSixDigits(us);
    }

    private void Emit()
    {
        _line.Append('\n');
        _out.Write(_line.Span);
        Lines++;
    }
}
