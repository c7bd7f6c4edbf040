namespace Bgp.Api.Server;

/// <summary>
/// Marks a service method that changes the daemon's state. Grpc.AspNetCore copies a method's attributes into its
/// endpoint's metadata, where <see cref="ListenerInterceptor"/> finds it and refuses the call on a read-only listener.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MutatingAttribute : Attribute;
