namespace Bgp.Api.Grpc;

/// <summary>Header names and values of gRPC over HTTP/2 (grpc/grpc doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string AuthorizationHeader = "authorization";
    public const string BearerPrefix = "Bearer ";

    /// <summary>Default limit on one received message, as in the reference implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Whether a content-type names gRPC with the protobuf codec: <c>application/grpc</c>,
    /// <c>application/grpc+proto</c>, either with parameters after ';'.
    /// </summary>
    public static bool IsProtoContentType(string? contentType)
    {
        if (contentType is null) return false;
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals(ContentTypeProto, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>PROTOCOL-HTTP2.md: "If Content-Type does not begin with application/grpc, ... 415".</summary>
    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null && contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase);
}
