using System.Reflection;
using Bgp.Api.Server;

namespace Bgp.Api.Tests;

/// <summary>
/// A read-only listener refuses exactly the methods marked <see cref="MutatingAttribute"/>: every bgpactors.v1 method that
/// changes state carries it, and no method that only reads does.
/// </summary>
public sealed class MutatingMethodsTests
{
    private static readonly string[] ChangingVerbs = ["Add", "Delete", "Set", "Enable", "Disable", "SoftReset", "Shutdown"];
    private static readonly string[] ReadingVerbs = ["List", "Get", "Watch", "Explain"];

    private static IEnumerable<MethodInfo> ServiceMethods() =>
        typeof(ApiHost).Assembly.GetTypes()
            .Where(t => t.Namespace == "Bgp.Api.V1" && t.BaseType?.GetCustomAttribute<Grpc.Core.BindServiceMethodAttribute>() is not null)
            .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(m => m.GetBaseDefinition().DeclaringType != m.DeclaringType);

    [Test]
    public void Every_service_method_of_the_api_is_implemented_and_marked_by_what_it_does()
    {
        var methods = ServiceMethods().ToList();
        Assert.That(methods.Select(m => m.DeclaringType!.Name).Distinct().ToList(), Has.Count.EqualTo(8), "the eight bgpactors.v1 services");
        Assert.Multiple(() =>
        {
            foreach (var method in methods)
            {
                bool marked = method.GetCustomAttribute<MutatingAttribute>() is not null;
                string name = $"{method.DeclaringType!.Name}.{method.Name}";
                if (ChangingVerbs.Any(v => method.Name.StartsWith(v, StringComparison.Ordinal)))
                    Assert.That(marked, Is.True, $"{name} changes state: [Mutating]");
                else if (ReadingVerbs.Any(v => method.Name.StartsWith(v, StringComparison.Ordinal)))
                    Assert.That(marked, Is.False, $"{name} only reads");
                else
                    Assert.Fail($"{name}: neither a reading nor a changing verb; decide and extend this test");
            }
        });
        Assert.That(methods.Count(m => m.GetCustomAttribute<MutatingAttribute>() is not null), Is.EqualTo(16), "5 neighbor, 5 policy, 2 peer-group, 3 injection, 1 control");
    }
}
