using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bgp.Api.Grpc;

/// <summary>One method of a registered service: its descriptor, kind, policy and handler.</summary>
public sealed class GrpcMethodDefinition
{
    internal GrpcMethodDefinition(MethodDescriptor descriptor, bool mutating, Func<GrpcCall, Task>? invoker)
    {
        Descriptor = descriptor;
        Kind = KindOf(descriptor);
        Mutating = mutating;
        Invoker = invoker;
        Path = PathOf(descriptor);
    }

    public MethodDescriptor Descriptor { get; }

    public MethodKind Kind { get; }

    /// <summary>Refused with PERMISSION_DENIED on a read-only listener.</summary>
    public bool Mutating { get; }

    /// <summary><c>/package.Service/Method</c>, the HTTP/2 <c>:path</c>.</summary>
    public string Path { get; }

    /// <summary>Null when the service was registered without a handler for this method (UNIMPLEMENTED).</summary>
    internal Func<GrpcCall, Task>? Invoker { get; }

    public static string PathOf(MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";

    public static MethodKind KindOf(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodKind.Unary,
        (false, true) => MethodKind.ServerStreaming,
        (true, false) => MethodKind.ClientStreaming,
        (true, true) => MethodKind.DuplexStreaming,
    };
}

/// <summary>A service ready to serve: built by <see cref="GrpcServiceBuilder"/>.</summary>
public sealed class GrpcServiceDefinition
{
    internal GrpcServiceDefinition(ServiceDescriptor descriptor, FrozenDictionary<string, GrpcMethodDefinition> methods)
    {
        Descriptor = descriptor;
        Methods = methods;
    }

    public ServiceDescriptor Descriptor { get; }

    public string Name => Descriptor.FullName;

    /// <summary>Every method of the descriptor, by name; those without a handler answer UNIMPLEMENTED.</summary>
    public IReadOnlyDictionary<string, GrpcMethodDefinition> Methods { get; }
}

/// <summary>
/// Registers the handlers of one service, described by the <see cref="ServiceDescriptor"/> that
/// Grpc.Tools generates (<c>XxxReflection.Descriptor.Services[i]</c>). Each registration is checked
/// against the descriptor: the method must exist, with that streaming kind and those message types.
/// Request parsers are the descriptors' message parsers.
/// <code>
/// var echo = new GrpcServiceBuilder(EchoReflection.Descriptor.Services[0])
///     .Unary&lt;EchoRequest, EchoReply&gt;("Say", (request, context) => ...)
///     .Unary&lt;ResetRequest, ResetReply&gt;("Reset", ..., mutating: true)
///     .Build();
/// </code>
/// </summary>
public sealed class GrpcServiceBuilder(ServiceDescriptor service)
{
    private readonly Dictionary<string, GrpcMethodDefinition> _methods = [];

    public ServiceDescriptor Descriptor { get; } = service ?? throw new ArgumentNullException(nameof(service));

    public GrpcServiceBuilder Unary<TRequest, TResponse>(string method, UnaryHandler<TRequest, TResponse> handler, bool mutating = false)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var descriptor = Check<TRequest, TResponse>(method, MethodKind.Unary);
        var parser = ParserOf<TRequest>(descriptor);
        return Add(descriptor, mutating, async call =>
        {
            var request = await call.ReadSingleRequestAsync(parser).ConfigureAwait(false);
            var response = await handler(request, call.Context).ConfigureAwait(false);
            await call.WriteMessageAsync(response ?? throw new InvalidOperationException($"{method} returned null"), flush: false, default).ConfigureAwait(false);
        });
    }

    public GrpcServiceBuilder ServerStreaming<TRequest, TResponse>(string method, ServerStreamingHandler<TRequest, TResponse> handler, bool mutating = false)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var descriptor = Check<TRequest, TResponse>(method, MethodKind.ServerStreaming);
        var parser = ParserOf<TRequest>(descriptor);
        return Add(descriptor, mutating, async call =>
        {
            var request = await call.ReadSingleRequestAsync(parser).ConfigureAwait(false);
            await handler(request, new ResponseStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
        });
    }

    public GrpcServiceBuilder ClientStreaming<TRequest, TResponse>(string method, ClientStreamingHandler<TRequest, TResponse> handler, bool mutating = false)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var descriptor = Check<TRequest, TResponse>(method, MethodKind.ClientStreaming);
        var parser = ParserOf<TRequest>(descriptor);
        return Add(descriptor, mutating, async call =>
        {
            var response = await handler(call.ReadRequestsAsync(parser), call.Context).ConfigureAwait(false);
            await call.WriteMessageAsync(response ?? throw new InvalidOperationException($"{method} returned null"), flush: false, default).ConfigureAwait(false);
        });
    }

    public GrpcServiceBuilder DuplexStreaming<TRequest, TResponse>(string method, DuplexStreamingHandler<TRequest, TResponse> handler, bool mutating = false)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var descriptor = Check<TRequest, TResponse>(method, MethodKind.DuplexStreaming);
        var parser = ParserOf<TRequest>(descriptor);
        return Add(descriptor, mutating, call =>
            handler(call.ReadRequestsAsync(parser), new ResponseStreamWriter<TResponse>(call), call.Context));
    }

    public GrpcServiceDefinition Build()
    {
        var methods = new Dictionary<string, GrpcMethodDefinition>(_methods);
        foreach (var method in Descriptor.Methods)
            methods.TryAdd(method.Name, new GrpcMethodDefinition(method, mutating: false, invoker: null));
        return new GrpcServiceDefinition(Descriptor, methods.ToFrozenDictionary());
    }

    private GrpcServiceBuilder Add(MethodDescriptor descriptor, bool mutating, Func<GrpcCall, Task> invoker)
    {
        _methods.Add(descriptor.Name, new GrpcMethodDefinition(descriptor, mutating, invoker));
        return this;
    }

    private MethodDescriptor Check<TRequest, TResponse>(string name, MethodKind kind)
    {
        var method = Descriptor.FindMethodByName(name)
            ?? throw new ArgumentException($"{Descriptor.FullName} has no method {name}", nameof(name));
        if (_methods.ContainsKey(name))
            throw new ArgumentException($"{Descriptor.FullName}.{name} already has a handler", nameof(name));
        var actual = GrpcMethodDefinition.KindOf(method);
        if (actual != kind)
            throw new ArgumentException($"{Descriptor.FullName}.{name} is {actual}, not {kind}", nameof(name));
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
            throw new ArgumentException(
                $"{Descriptor.FullName}.{name} takes {method.InputType.ClrType?.Name} and returns {method.OutputType.ClrType?.Name}, "
                + $"not {typeof(TRequest).Name} and {typeof(TResponse).Name}", nameof(name));
        return method;
    }

    private static MessageParser<T> ParserOf<T>(MethodDescriptor method) where T : IMessage<T> =>
        (MessageParser<T>)method.InputType.Parser;
}
