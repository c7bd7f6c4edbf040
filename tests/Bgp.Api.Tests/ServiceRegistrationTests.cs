using Bgp.Api.Grpc;
using Bgp.Api.Tests.Echo;
using Bgp.Api.Tests.Support;

namespace Bgp.Api.Tests;

public sealed class ServiceRegistrationTests
{
    [Test]
    public void A_handler_must_name_a_method_of_the_descriptor()
    {
        var builder = new GrpcServiceBuilder(EchoService.Descriptor);
        Assert.Throws<ArgumentException>(() => builder.Unary<EchoRequest, EchoReply>("Shout", (r, _) => Task.FromResult(new EchoReply())));
    }

    [Test]
    public void A_handler_must_match_the_streaming_kind_of_the_method()
    {
        var builder = new GrpcServiceBuilder(EchoService.Descriptor);
        Assert.Throws<ArgumentException>(() => builder.Unary<RepeatRequest, EchoReply>("Repeat", (r, _) => Task.FromResult(new EchoReply())));
    }

    [Test]
    public void A_handler_must_take_and_return_the_message_types_of_the_method()
    {
        var builder = new GrpcServiceBuilder(EchoService.Descriptor);
        Assert.Throws<ArgumentException>(() => builder.Unary<EchoRequest, ResetReply>("Say", (r, _) => Task.FromResult(new ResetReply())));
    }

    [Test]
    public void Every_method_of_the_descriptor_is_listed_and_those_without_a_handler_are_known_as_such()
    {
        var definition = new EchoService().Build();
        Assert.That(definition.Methods.Keys, Is.EquivalentTo(EchoService.Descriptor.Methods.Select(m => m.Name)));
        Assert.That(definition.Methods["Missing"].Invoker, Is.Null);
        Assert.That(definition.Methods["Reset"].Mutating, Is.True);
        Assert.That(definition.Methods["Say"].Mutating, Is.False);
        Assert.That(definition.Methods["Chat"].Kind, Is.EqualTo(MethodKind.DuplexStreaming));
        Assert.That(definition.Methods["Say"].Path, Is.EqualTo("/bgpactors.test.echo.Echo/Say"));
    }

    [Test]
    public void A_service_cannot_be_registered_twice()
    {
        var echo = new EchoService();
        Assert.Throws<ArgumentException>(() => _ = new GrpcMethodRegistry([echo.Build(), echo.Build()]));
    }
}
