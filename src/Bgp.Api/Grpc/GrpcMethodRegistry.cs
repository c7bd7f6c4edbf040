using System.Collections.Frozen;

namespace Bgp.Api.Grpc;

/// <summary>Every registered method by its HTTP/2 path.</summary>
internal sealed class GrpcMethodRegistry
{
    private readonly FrozenDictionary<string, GrpcMethodDefinition> _byPath;
    private readonly FrozenSet<string> _services;

    public GrpcMethodRegistry(IEnumerable<GrpcServiceDefinition> services)
    {
        var byPath = new Dictionary<string, GrpcMethodDefinition>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        Services = [.. services];
        foreach (var service in Services)
        {
            if (!names.Add(service.Name))
                throw new ArgumentException($"service {service.Name} is registered twice", nameof(services));
            foreach (var method in service.Methods.Values) byPath.Add(method.Path, method);
        }
        _byPath = byPath.ToFrozenDictionary(StringComparer.Ordinal);
        _services = names.ToFrozenSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<GrpcServiceDefinition> Services { get; }

    /// <summary>The method at <paramref name="path"/>, or the UNIMPLEMENTED status to answer.</summary>
    public GrpcMethodDefinition? Find(string path, out Status refusal)
    {
        refusal = Status.Ok;
        if (_byPath.TryGetValue(path, out var method) && method.Invoker is not null) return method;

        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path[1..slash] : path.TrimStart('/');
        refusal = method is not null
            ? new Status(StatusCode.Unimplemented, $"method {path} is not implemented")
            : _services.Contains(service)
                ? new Status(StatusCode.Unimplemented, $"unknown method {path[(slash + 1)..]} for service {service}")
                : new Status(StatusCode.Unimplemented, $"unknown service {service}");
        return null;
    }
}
