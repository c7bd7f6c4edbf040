using System.Buffers;
using System.IO.Pipelines;
using Bgp.Api.Grpc;
using Bgp.Api.Tests.Echo;

namespace Bgp.Api.Tests;

public sealed class WireFormatTests
{
    [TestCase("1H", 36_000_000_000L)]
    [TestCase("2M", 1_200_000_000L)]
    [TestCase("3S", 30_000_000L)]
    [TestCase("250m", 2_500_000L)]
    [TestCase("7u", 70L)]
    [TestCase("150n", 2L)]   // rounded up to whole 100 ns ticks
    [TestCase("99999999S", 999_999_990_000_000L)]
    public void GrpcTimeout_parses_every_unit(string text, long ticks)
    {
        Assert.That(GrpcTimeout.TryParse(text, out var timeout), Is.True);
        Assert.That(timeout.Ticks, Is.EqualTo(ticks));
    }

    [TestCase("")]
    [TestCase("S")]
    [TestCase("10")]
    [TestCase("10s")]
    [TestCase("-1S")]
    [TestCase("123456789S")]  // PROTOCOL-HTTP2.md: at most 8 digits
    [TestCase("1.5S")]
    public void GrpcTimeout_refuses_malformed_values(string text) =>
        Assert.That(GrpcTimeout.TryParse(text, out _), Is.False);

    [Test]
    public void GrpcTimeout_format_fits_eight_digits_and_never_shortens_the_deadline()
    {
        foreach (var timeout in new[] { TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1.5),
                     TimeSpan.FromMinutes(10), TimeSpan.FromDays(3), TimeSpan.FromDays(20_000) })
        {
            var text = GrpcTimeout.Format(timeout);
            Assert.That(text.Length, Is.LessThanOrEqualTo(9), text);
            Assert.That(GrpcTimeout.TryParse(text, out var back), Is.True, text);
            Assert.That(back, Is.GreaterThanOrEqualTo(timeout), text);
        }
        Assert.That(GrpcTimeout.Format(TimeSpan.FromMilliseconds(250)), Is.EqualTo("250000u"));
    }

    [Test]
    public void Grpc_message_is_percent_encoded_utf8_and_decodes_back()
    {
        const string message = "no route to 192.0.2.0/24: 100% ärger\n";
        var encoded = StatusMessageEncoding.Encode(message);
        Assert.That(encoded, Is.EqualTo("no route to 192.0.2.0/24: 100%25 %C3%A4rger%0A"));
        Assert.That(StatusMessageEncoding.Decode(encoded), Is.EqualTo(message));
        Assert.That(StatusMessageEncoding.Decode("50%"), Is.EqualTo("50%"), "a stray % is kept (lenient decoding)");
    }

    [Test]
    public void Message_prefix_is_a_flag_and_a_big_endian_length()
    {
        var buffer = new byte[] { 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA };
        new MessagePrefix(0, 0x01020304).WriteTo(buffer);
        Assert.That(buffer, Is.EqualTo(new byte[] { 0, 1, 2, 3, 4, 0xAA }));
        Assert.That(MessagePrefix.TryRead(new ReadOnlySequence<byte>(buffer, 0, 4), out _), Is.False, "four bytes are not a prefix yet");
        Assert.That(MessagePrefix.TryRead(new ReadOnlySequence<byte>(buffer), out var prefix), Is.True);
        Assert.That(prefix, Is.EqualTo(new MessagePrefix(0, 0x01020304)));
    }

    [Test]
    public async Task Reader_returns_messages_split_across_writes_then_null_at_end_of_stream()
    {
        var pipe = new Pipe();
        var bytes = MessageWriter.ToArray(new EchoRequest { Text = "hello" }).Concat(MessageWriter.ToArray(new EchoRequest())).ToArray();
        var reader = new MessageReader(pipe.Reader, 1024);
        var first = reader.ReadAsync(EchoRequest.Parser, CancellationToken.None);
        foreach (var b in bytes)
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }
        await pipe.Writer.CompleteAsync();
        Assert.That((await first)!.Text, Is.EqualTo("hello"));
        Assert.That(await reader.ReadAsync(EchoRequest.Parser, CancellationToken.None), Is.EqualTo(new EchoRequest()), "an empty message is five bytes");
        Assert.That(await reader.ReadAsync(EchoRequest.Parser, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Reader_refuses_an_oversized_message_from_its_prefix_alone()
    {
        var pipe = new Pipe();
        var prefix = new byte[5];
        new MessagePrefix(0, 1_000_000).WriteTo(prefix);
        await pipe.Writer.WriteAsync(prefix);   // and no body: it must not wait for one
        var reader = new MessageReader(pipe.Reader, 1024);
        var e = Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(EchoRequest.Parser, CancellationToken.None));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
    }

    [TestCase(new byte[] { 1, 0, 0, 0, 0 }, TestName = "Reader_refuses_a_compressed_message_without_an_encoding")]
    [TestCase(new byte[] { 0, 0, 0, 0, 9, 0x0A }, TestName = "Reader_refuses_a_stream_that_ends_inside_a_message")]
    [TestCase(new byte[] { 0, 0, 0, 0, 2, 0x0A, 0x05 }, TestName = "Reader_refuses_a_message_that_does_not_parse")]
    public async Task Reader_protocol_errors_are_internal(byte[] bytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 1024);
        var e = Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(EchoRequest.Parser, CancellationToken.None));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Internal));
    }
}
