namespace Bgp.Api.Grpc;

public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted; a larger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Serve grpc.reflection.v1 and v1alpha.ServerReflection.</summary>
    public bool EnableReflection { get; init; } = true;

    /// <summary>Clock for deadlines.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long <see cref="GrpcServer.StopAsync"/> lets calls finish after cancelling them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
