using System.Text.Json;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// One whole BGP message (header included) from the shared corpus, with the session context it
/// was sent under and, where the source has one, another implementation's decoding of it.
/// </summary>
/// <remarks>A class, not a record: record equality over <see cref="Bytes"/> would compare references.</remarks>
public sealed class CorpusMessage(string source, byte[] bytes, CodecContext context, JsonElement? expected = null)
{
    /// <summary>Where it comes from, e.g. <c>exabgp/encoding/conf-addpath.ci#2</c>.</summary>
    public string Source { get; } = source;

    public byte[] Bytes { get; } = bytes;

    public CodecContext Context { get; } = context;

    /// <summary>ExaBGP JSON for the message (a detached clone), if any.</summary>
    public JsonElement? Expected { get; } = expected;

    public CorpusMessage WithExpected(JsonElement json) => new(Source, Bytes, Context, json);

    public MessageType? WireType => Bytes.Length > 18 ? (MessageType)Bytes[18] : null;

    /// <summary>The context to re-encode with: send path identifiers wherever they were received.</summary>
    public CodecContext Mirror => Context with { SendAddPath = Context.ReceiveAddPath };

    public DecodeResult Decode() => MessageDecoder.Decode(Bytes, Context);

    public override string ToString() => Source;
}

/// <summary>Builds whole messages from bodies for sources that give only the body.</summary>
public static class Wire
{
    public static byte[] WithHeader(MessageType type, ReadOnlySpan<byte> body)
    {
        var m = new byte[19 + body.Length];
        m.AsSpan(0, 16).Fill(0xFF);
        m[16] = (byte)(m.Length >> 8);
        m[17] = (byte)m.Length;
        m[18] = (byte)type;
        body.CopyTo(m.AsSpan(19));
        return m;
    }

    public static bool HasMarker(ReadOnlySpan<byte> m) => m.Length >= 16 && !m[..16].ContainsAnyExcept((byte)0xFF);
}
