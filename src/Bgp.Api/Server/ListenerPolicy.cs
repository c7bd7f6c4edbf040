using System.Security.Cryptography;
using System.Text;
using Bgp.Actors.Config;

namespace Bgp.Api.Server;

/// <summary>
/// What a listener demands of each call: a bearer token (<c>token_file</c>) and, on a read-only
/// listener, that the method does not mutate.
/// </summary>
internal sealed class ListenerPolicy
{
    private const string BearerPrefix = "Bearer ";

    private readonly byte[]? _tokenHash;

    private ListenerPolicy(string name, bool readOnly, byte[]? tokenHash)
    {
        Name = name;
        ReadOnly = readOnly;
        _tokenHash = tokenHash;
    }

    public string Name { get; }

    public bool ReadOnly { get; }

    public bool RequiresToken => _tokenHash is not null;

    /// <summary>Reads the token file once: the listeners are restart-only configuration.</summary>
    public static ListenerPolicy For(GrpcListenerConfig listener)
    {
        byte[]? hash = null;
        if (listener.TokenFile is { } file)
        {
            var token = File.ReadAllText(file).Trim();
            if (token.Length == 0) throw new InvalidOperationException($"gRPC listener {listener}: token file {file} is empty");
            hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        }
        return new ListenerPolicy(listener.ToString(), listener.ReadOnly, hash);
    }

    /// <summary>
    /// Checks <c>authorization: Bearer &lt;token&gt;</c>. Both sides are hashed first so the
    /// constant-time comparison does not even leak the token's length.
    /// </summary>
    public bool Authenticates(string? authorization)
    {
        if (_tokenHash is null) return true;
        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[BearerPrefix.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
