using Bgp.Api.Grpc;
using Bgp.Api.Grpc.Services;
using Bgp.Api.Tests.Support;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;

namespace Bgp.Api.Tests;

public sealed class ReflectionServiceTests
{
    private static readonly ReflectionService Reflection = new([EchoService.Descriptor, ReflectionService.V1Descriptor]);

    private static string[] FileNames(ServerReflectionResponse response) =>
        [.. response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name)];

    [Test]
    public void Lists_the_services_it_was_given()
    {
        var response = Reflection.Answer(new ServerReflectionRequest { ListServices = "*" });
        Assert.That(response.ListServicesResponse.Service.Select(s => s.Name),
            Is.EqualTo(new[] { "bgpactors.test.echo.Echo", "grpc.reflection.v1.ServerReflection" }));
    }

    [TestCase("bgpactors.test.echo.Echo")]
    [TestCase("bgpactors.test.echo.Echo.Say")]
    [TestCase("bgpactors.test.echo.RepeatRequest")]
    [TestCase("bgpactors.test.echo.RepeatRequest.interval")]
    [TestCase(".bgpactors.test.echo.EchoReply")]
    public void Finds_the_file_of_services_methods_messages_and_fields(string symbol)
    {
        var response = Reflection.Answer(new ServerReflectionRequest { FileContainingSymbol = symbol, Host = "h" });
        Assert.That(FileNames(response), Is.EqualTo(new[] { "echo.proto", "google/protobuf/duration.proto" }));
        Assert.That(response.ValidHost, Is.EqualTo("h"));
        Assert.That(response.OriginalRequest.FileContainingSymbol, Is.EqualTo(symbol));
    }

    [Test]
    public void Finds_files_by_name_under_their_canonical_path()
    {
        var response = Reflection.Answer(new ServerReflectionRequest { FileByFilename = "grpc/reflection/v1/reflection.proto" });
        Assert.That(FileNames(response), Is.EqualTo(new[] { "grpc/reflection/v1/reflection.proto" }));
    }

    [Test]
    public void Unknown_names_are_not_found_errors()
    {
        foreach (var request in new[]
                 {
                     new ServerReflectionRequest { FileContainingSymbol = "no.Such" },
                     new ServerReflectionRequest { FileByFilename = "nope.proto" },
                     new ServerReflectionRequest { AllExtensionNumbersOfType = "no.Such" },
                     new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "bgpactors.test.echo.EchoReply", ExtensionNumber = 100 } },
                 })
        {
            var response = Reflection.Answer(request);
            Assert.That(response.ErrorResponse?.ErrorCode, Is.EqualTo((int)StatusCode.NotFound), request.ToString());
        }
    }

    [Test]
    public void A_known_message_without_extensions_has_an_empty_list()
    {
        var response = Reflection.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "bgpactors.test.echo.EchoReply" });
        Assert.That(response.AllExtensionNumbersResponse.BaseTypeName, Is.EqualTo("bgpactors.test.echo.EchoReply"));
        Assert.That(response.AllExtensionNumbersResponse.ExtensionNumber, Is.Empty);
    }

    [Test]
    public void An_empty_request_is_invalid_argument()
    {
        var response = Reflection.Answer(new ServerReflectionRequest());
        Assert.That(response.ErrorResponse.ErrorCode, Is.EqualTo((int)StatusCode.InvalidArgument));
    }
}
