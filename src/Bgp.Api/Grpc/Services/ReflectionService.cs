using Google.Protobuf;
using Google.Protobuf.Reflection;
using RefV1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Bgp.Api.Grpc.Services;

/// <summary>
/// gRPC server reflection (grpc/grpc doc/server-reflection.md), in both packages clients use:
/// grpc.reflection.v1 and the older grpc.reflection.v1alpha, whose messages are identical field for
/// field. The work is done on v1 messages; v1alpha requests and responses are converted through
/// their (identical) wire form. Answers come from the descriptors Grpc.Tools compiled in, so
/// reflection always describes exactly what is served.
/// </summary>
public sealed class ReflectionService
{
    private readonly ReflectionIndex _index;

    public ReflectionService(IEnumerable<ServiceDescriptor> services)
    {
        _index = new ReflectionIndex(services);
        V1Definition = new GrpcServiceBuilder(V1Descriptor)
            .DuplexStreaming<RefV1.ServerReflectionRequest, RefV1.ServerReflectionResponse>("ServerReflectionInfo",
                (requests, responses, context) => ServeAsync(requests, responses, r => r, r => r, context))
            .Build();
        V1AlphaDefinition = new GrpcServiceBuilder(V1AlphaDescriptor)
            .DuplexStreaming<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>("ServerReflectionInfo",
                (requests, responses, context) => ServeAsync(requests, responses,
                    r => RefV1.ServerReflectionRequest.Parser.ParseFrom(r.ToByteString()),
                    r => V1Alpha.ServerReflectionResponse.Parser.ParseFrom(r.ToByteString()),
                    context))
            .Build();
    }

    public static ServiceDescriptor V1Descriptor => RefV1.ReflectionReflection.Descriptor.Services[0];

    public static ServiceDescriptor V1AlphaDescriptor => V1Alpha.ReflectionReflection.Descriptor.Services[0];

    public GrpcServiceDefinition V1Definition { get; }

    public GrpcServiceDefinition V1AlphaDefinition { get; }

    private async Task ServeAsync<TRequest, TResponse>(
        IAsyncEnumerable<TRequest> requests,
        IServerStreamWriter<TResponse> responses,
        Func<TRequest, RefV1.ServerReflectionRequest> toV1,
        Func<RefV1.ServerReflectionResponse, TResponse> fromV1,
        ServerCallContext context)
    {
        await foreach (var request in requests.ConfigureAwait(false))
        {
            var response = Answer(toV1(request));
            await responses.WriteAsync(fromV1(response), context.CancellationToken).ConfigureAwait(false);
        }
    }

    internal RefV1.ServerReflectionResponse Answer(RefV1.ServerReflectionRequest request)
    {
        var response = new RefV1.ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new RefV1.ListServiceResponse();
                list.Service.AddRange(_index.ServiceNames.Select(name => new RefV1.ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, _index.FileByName(request.FileByFilename), $"file '{request.FileByFilename}' not found");
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, _index.FileContainingSymbol(request.FileContainingSymbol), $"symbol '{request.FileContainingSymbol}' not found");
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFile(response, _index.FileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"extension {extension.ExtensionNumber} of '{extension.ContainingType}' not found");
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var type = request.AllExtensionNumbersOfType;
                if (_index.ExtensionNumbersOf(type) is { } numbers)
                {
                    var answer = new RefV1.ExtensionNumberResponse { BaseTypeName = type };
                    answer.ExtensionNumber.AddRange(numbers);
                    response.AllExtensionNumbersResponse = answer;
                }
                else
                {
                    SetError(response, StatusCode.NotFound, $"type '{type}' not found");
                }
                break;
            default:
                SetError(response, StatusCode.InvalidArgument, "no request in message_request");
                break;
        }
        return response;
    }

    /// <summary>
    /// The file first, then every file it depends on, transitively (a client needs them all to
    /// build a descriptor pool).
    /// </summary>
    private static void SetFile(RefV1.ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }
        var files = new RefV1.FileDescriptorResponse();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Name)) continue;
            files.FileDescriptorProto.Add(next.SerializedData);
            foreach (var dependency in next.Dependencies) pending.Push(dependency);
        }
        response.FileDescriptorResponse = files;
    }

    private static void SetError(RefV1.ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new RefV1.ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}

/// <summary>Files, symbols and extensions reachable from the served services.</summary>
internal sealed class ReflectionIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageDescriptor> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Extendee, int Number), FileDescriptor> _extensions = [];

    public ReflectionIndex(IEnumerable<ServiceDescriptor> services)
    {
        var names = new List<string>();
        foreach (var service in services)
        {
            if (names.Contains(service.FullName)) continue;
            names.Add(service.FullName);
            AddFile(service.File);
        }
        ServiceNames = names;
    }

    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FileByName(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol.TrimStart('.'));

    public FileDescriptor? FileContainingExtension(string extendee, int number) =>
        _extensions.GetValueOrDefault((extendee.TrimStart('.'), number));

    /// <summary>Null when the type is unknown.</summary>
    public IReadOnlyList<int>? ExtensionNumbersOf(string type)
    {
        type = type.TrimStart('.');
        if (!_messages.ContainsKey(type)) return null;
        return [.. _extensions.Keys.Where(k => k.Extendee == type).Select(k => k.Number).Order()];
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file)) return;
        foreach (var dependency in file.Dependencies) AddFile(dependency);

        foreach (var service in file.Services)
        {
            _symbols.TryAdd(service.FullName, file);
            foreach (var method in service.Methods) _symbols.TryAdd($"{service.FullName}.{method.Name}", file);
        }
        foreach (var message in file.MessageTypes) AddMessage(file, message);
        foreach (var enumType in file.EnumTypes) _symbols.TryAdd(enumType.FullName, file);
        foreach (var extension in file.Extensions.UnorderedExtensions) AddExtension(file, extension);
    }

    private void AddMessage(FileDescriptor file, MessageDescriptor message)
    {
        _symbols.TryAdd(message.FullName, file);
        _messages.TryAdd(message.FullName, message);
        foreach (var field in message.Fields.InDeclarationOrder()) _symbols.TryAdd(field.FullName, file);
        foreach (var nested in message.NestedTypes) AddMessage(file, nested);
        foreach (var enumType in message.EnumTypes) _symbols.TryAdd(enumType.FullName, file);
        foreach (var extension in message.Extensions.UnorderedExtensions) AddExtension(file, extension);
    }

    private void AddExtension(FileDescriptor file, FieldDescriptor extension)
    {
        _symbols.TryAdd(extension.FullName, file);
        if (extension.ExtendeeType is { } extendee) _extensions.TryAdd((extendee.FullName, extension.FieldNumber), file);
    }
}
