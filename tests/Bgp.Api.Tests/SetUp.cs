using Bgp.Api.Tests.Support;

namespace Bgp.Api.Tests;

[SetUpFixture]
public sealed class SetUp
{
    [OneTimeTearDown]
    public void DeleteGeneratedPython() => PythonGrpc.DeleteGenerated();
}
