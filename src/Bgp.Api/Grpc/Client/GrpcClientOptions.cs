using System.Security.Cryptography.X509Certificates;

namespace Bgp.Api.Grpc.Client;

public sealed class GrpcClientOptions
{
    /// <summary>Sent as <c>authorization: Bearer &lt;token&gt;</c> on every call.</summary>
    public string? BearerToken { get; init; }

    /// <summary>For https: our certificate (with its private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>For https: trust only these CAs for the server's certificate; null means the system store.</summary>
    public X509Certificate2Collection? ServerCertificateAuthorities { get; init; }

    /// <summary>Used for calls that set no timeout of their own; null means no deadline.</summary>
    public TimeSpan? DefaultTimeout { get; init; }

    public int MaxReceiveMessageSize { get; init; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Per call: a timeout (sent as <c>grpc-timeout</c> and enforced locally) and extra metadata.</summary>
public sealed record CallOptions(TimeSpan? Timeout = null, IReadOnlyDictionary<string, string>? Headers = null);
