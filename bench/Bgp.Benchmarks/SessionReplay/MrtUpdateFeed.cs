using Bgp.Actors.Mrt;
using Bgp.Wire;
using Bgp.Wire.Mrt;

namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// The BGP messages of one peer's session as an MRT update file recorded them, laid end to end
/// the way that peer would write them to a socket: its OPEN, then every UPDATE in file order.
/// </summary>
/// <remarks>
/// A 4-octet-AS record (BGP4MP MESSAGE_AS4, RFC 6396 §4.4.3) holds the message exactly as it came
/// off a 4-octet session, so its bytes are kept raw. A 2-octet record (MESSAGE, §4.4.2) is decoded
/// with the context the subtype implies and re-encoded for a 4-octet session, which is what the
/// session under test negotiates. Add-path subtypes are refused (the session does not negotiate it).
/// </remarks>
public sealed class MrtUpdateFeed
{
    private static readonly CodecContext FourOctetSession = CodecContext.Default;

    private MrtUpdateFeed(byte[] open, byte[] updates, int updateCount, int reEncoded, long announced, long withdrawn,
        IpAddr peer, uint peerAs, uint localAs)
    {
        Open = open;
        Updates = updates;
        UpdateCount = updateCount;
        ReEncoded = reEncoded;
        Announced = announced;
        Withdrawn = withdrawn;
        PeerAddress = peer;
        PeerAs = peerAs;
        LocalAs = localAs;
    }

    /// <summary>The peer's OPEN as recorded (whole message, header included).</summary>
    public byte[] Open { get; }

    /// <summary>Every UPDATE, whole messages back to back.</summary>
    public byte[] Updates { get; }

    public int UpdateCount { get; }

    /// <summary>UPDATEs that came from 2-octet records and were re-encoded (none in a 4-octet feed).</summary>
    public int ReEncoded { get; }

    /// <summary>Announced prefixes over all UPDATEs, re-announcements of a prefix included.</summary>
    public long Announced { get; }

    public long Withdrawn { get; }

    public long Prefixes => Announced + Withdrawn;

    public IpAddr PeerAddress { get; }
    public uint PeerAs { get; }
    public uint LocalAs { get; }

    /// <summary>Reads the BGP4MP message records of <paramref name="path"/> (plain, gzip or bzip2) for one peer.</summary>
    public static MrtUpdateFeed Load(string path)
    {
        using var input = MrtFile.OpenRead(path);
        using var updates = new MemoryStream();
        byte[]? open = null;
        int count = 0, reEncoded = 0;
        long announced = 0, withdrawn = 0;
        IpAddr? peer = null;
        uint peerAs = 0, localAs = 0;
        Span<byte> head = stackalloc byte[MrtHeader.Size];
        var body = new byte[64 * 1024];
        while (input.ReadAtLeast(head, MrtHeader.Size, throwOnEndOfStream: false) == MrtHeader.Size)
        {
            MrtHeader.TryRead(head, out var header);
            if (header.Length > body.Length) body = new byte[header.Length];
            input.ReadExactly(body, 0, (int)header.Length);
            var span = body.AsSpan(0, (int)header.Length);
            if (MrtDecoder.Decode(header, span) is not Bgp4MpMessageRecord { Message: { } message } record) continue;
            if (!record.Errors.IsEmpty)
                throw new InvalidDataException($"{path}: a {message.Type} at {record.Timestamp} did not decode cleanly: {record.Errors[0]}");
            if (record.MessageSubtype.IsAddPath())
                throw new InvalidDataException($"{path}: add-path records are not replayed");
            if (peer is { } known && !known.Equals(record.PeerAddress))
                throw new InvalidDataException($"{path}: more than one peer ({known}, {record.PeerAddress})");
            peer = record.PeerAddress;
            peerAs = record.PeerAs;
            localAs = record.LocalAs;

            // only an UPDATE's encoding depends on the AS width (AS_PATH, AGGREGATOR)
            bool raw = record.MessageSubtype.IsFourOctetAs() || message is not UpdateMessage;
            var bytes = raw ? RawMessage(span, header, record) : MessageEncoder.Encode(message, FourOctetSession);
            switch (message)
            {
                case OpenMessage:
                    open = bytes.ToArray();
                    break;
                case UpdateMessage update:
                    if (!raw) reEncoded++;
                    updates.Write(bytes);
                    count++;
                    announced += update.Announced().Count();
                    withdrawn += update.WithdrawnRoutes().Count();
                    break;
            }
        }
        if (open is null || peer is null) throw new InvalidDataException($"{path}: no OPEN from the peer");
        return new MrtUpdateFeed(open, updates.ToArray(), count, reEncoded, announced, withdrawn, peer.Value, peerAs, localAs);
    }

    /// <summary>
    /// The BGP message at the end of a BGP4MP message body (RFC 6396 §4.4.2-3): after the optional
    /// microsecond timestamp, the two AS numbers, interface index, AFI and the two addresses.
    /// </summary>
    private static ReadOnlySpan<byte> RawMessage(ReadOnlySpan<byte> body, in MrtHeader header, Bgp4MpMessageRecord record)
    {
        int asLength = record.MessageSubtype.IsFourOctetAs() ? 4 : 2;
        int addressLength = record.PeerAddress.IsV6 ? 16 : 4;
        int start = (header.IsExtendedTimestamp ? 4 : 0) + 2 * asLength + 2 + 2 + 2 * addressLength;
        var message = body[start..];
        int length = (message[16] << 8) | message[17];
        return message[..length];
    }
}
