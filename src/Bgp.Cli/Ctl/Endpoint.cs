using System.Security.Cryptography.X509Certificates;
using Bgp.Api.Client;
using Grpc.Net.Client;

namespace Bgp.Cli.Ctl;

/// <summary>
/// Where the daemon is and how to talk to it: <c>unix:///path</c> (or a bare absolute path),
/// <c>http://host:port</c> (h2c) or <c>https://host:port</c> with optional client certificate,
/// CA bundle and bearer token.
/// </summary>
internal sealed record Endpoint(string Address, string? CertFile, string? KeyFile, string? CaFile, string? TokenFile, TimeSpan Timeout)
{
    public const string EnvironmentVariable = "BGPACTORS_ADDR";

    /// <summary>The daemon's default socket: runtime_state_dir's default plus grpc.sock.</summary>
    public const string DefaultAddress = "unix:///var/lib/bgpactors/grpc.sock";

    /// <summary>A client for this endpoint (no default deadline: unary calls set <see cref="Timeout"/>, streams none), or a usage error (a one-line message) when it is malformed.</summary>
    public GrpcChannel Connect()
    {
        var options = new DaemonChannelOptions
        {
            ConnectTimeout = Timeout,
            BearerToken = TokenFile is null ? null : ReadToken(TokenFile),
            ClientCertificate = LoadClientCertificate(),
            ServerCertificateAuthorities = CaFile is null ? null : LoadCa(CaFile),
        };
        if (UnixPath() is string path) return DaemonChannel.ForUnixSocket(path, options);
        if (Uri.TryCreate(Address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri.Scheme == Uri.UriSchemeHttp && (CertFile is not null || CaFile is not null))
                throw new UsageException($"--cert/--ca need an https:// address, not {Address}");
            return DaemonChannel.ForAddress(uri, options);
        }
        throw new UsageException($"cannot use address '{Address}': give unix:///path/to/grpc.sock, http://host:port or https://host:port");
    }

    /// <summary>The socket path for unix:///path, unix:/path or /path; null for other schemes.</summary>
    public string? UnixPath()
    {
        if (Address.StartsWith('/')) return Address;
        if (!Address.StartsWith("unix:", StringComparison.Ordinal)) return null;
        var path = Address["unix:".Length..];
        if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
        if (!path.StartsWith('/')) throw new UsageException($"cannot use address '{Address}': a unix socket needs an absolute path (unix:///path)");
        return path;
    }

    private X509Certificate2? LoadClientCertificate()
    {
        if (CertFile is null && KeyFile is null) return null;
        if (CertFile is null || KeyFile is null) throw new UsageException("--cert and --key go together (PEM files)");
        try
        {
            return X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new UsageException($"cannot load the client certificate {CertFile} / {KeyFile}: {e.Message}");
        }
    }

    private static X509Certificate2Collection LoadCa(string file)
    {
        try
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(file);
            if (roots.Count == 0) throw new UsageException($"--ca {file}: no certificate in the file");
            return roots;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UsageException($"cannot load --ca {file}: {e.Message}");
        }
    }

    private static string ReadToken(string file)
    {
        try
        {
            var token = File.ReadAllText(file).Trim();
            return token.Length > 0 ? token : throw new UsageException($"--token-file {file} is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read --token-file {file}: {e.Message}");
        }
    }
}

/// <summary>A mistake on the command line (exit 2), reported as one line.</summary>
internal sealed class UsageException(string message) : Exception(message);
