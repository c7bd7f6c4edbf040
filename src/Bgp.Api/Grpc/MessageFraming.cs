using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Bgp.Api.Grpc;

/// <summary>
/// The prefix in front of every gRPC message on an HTTP/2 stream (PROTOCOL-HTTP2.md,
/// "Length-Prefixed-Message").
/// <code>
/// +------------+------------------------------------+---------------------+
/// | Compressed | Message-Length (uint32, big endian)| Message             |
/// | (1 octet)  | (4 octets)                         | (Length octets)     |
/// +------------+------------------------------------+---------------------+
/// </code>
/// </summary>
internal readonly record struct MessagePrefix(byte CompressedFlag, uint Length)
{
    public const int Size = 5;

    public bool Compressed => CompressedFlag != 0;

    /// <summary>False until the whole prefix is in <paramref name="buffer"/>.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out MessagePrefix prefix)
    {
        if (buffer.Length < Size)
        {
            prefix = default;
            return false;
        }
        Span<byte> bytes = stackalloc byte[Size];
        buffer.Slice(0, Size).CopyTo(bytes);
        prefix = new MessagePrefix(bytes[0], BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]));
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        destination[0] = CompressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..Size], Length);
    }
}

/// <summary>Writes length-prefixed messages; compression is never used (we send identity only).</summary>
internal static class MessageWriter
{
    public static void Write(IBufferWriter<byte> output, IMessage message)
    {
        var length = message.CalculateSize();
        new MessagePrefix(0, (uint)length).WriteTo(output.GetSpan(MessagePrefix.Size));
        output.Advance(MessagePrefix.Size);
        if (length > 0) message.WriteTo(output);
    }

    public static byte[] ToArray(IMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(MessagePrefix.Size + message.CalculateSize());
        Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// Reads length-prefixed messages from a <see cref="PipeReader"/>, one at a time. A message longer
/// than the limit is refused as soon as its prefix is read, before its body is buffered.
/// </summary>
internal sealed class MessageReader(PipeReader reader, int maxMessageSize)
{
    /// <summary>
    /// The next message, or null at a clean end of stream. Throws <see cref="RpcException"/> for a
    /// message over the limit (RESOURCE_EXHAUSTED), a truncated or compressed one or one that does
    /// not parse (INTERNAL).
    /// </summary>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken ct) where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (MessagePrefix.TryRead(buffer, out var prefix))
                {
                    // PROTOCOL-HTTP2.md: a compressed message needs a grpc-encoding; we accept only
                    // identity, so the flag can only be a protocol violation.
                    if (prefix.Compressed)
                        throw new RpcException(StatusCode.Internal, "compressed flag set but grpc-encoding is identity");
                    if (prefix.Length > (uint)maxMessageSize)
                        throw new RpcException(StatusCode.ResourceExhausted,
                            $"received message larger than max ({prefix.Length} vs. {maxMessageSize})");
                    var total = MessagePrefix.Size + (long)prefix.Length;
                    if (buffer.Length >= total)
                    {
                        var payload = buffer.Slice(MessagePrefix.Size, prefix.Length);
                        T message;
                        try
                        {
                            message = parser.ParseFrom(payload);
                        }
                        catch (InvalidProtocolBufferException)
                        {
                            throw new RpcException(StatusCode.Internal, $"message does not parse as {typeof(T).Name}");
                        }
                        consumed = payload.End;
                        examined = consumed;
                        return message;
                    }
                }
                if (result.IsCompleted)
                {
                    if (buffer.IsEmpty) return null;
                    throw new RpcException(StatusCode.Internal, "stream ended inside a message");
                }
                if (result.IsCanceled) throw new OperationCanceledException(ct);
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }
}
