using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Bgp.Actors.Config;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Bgp.Api.Grpc;

/// <summary>
/// Mutual TLS for a TCP listener: our certificate and key from PEM files, and a client certificate
/// required and checked against the configured CA file alone (not the system's trust store).
/// </summary>
internal static class MutualTls
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2"; // id-kp-clientAuth, RFC 5280 §4.2.1.12

    public static HttpsConnectionAdapterOptions ServerOptions(TlsConfig tls)
    {
        var certificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(tls.CertFile);   // the leaf again, then any intermediates to send
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
            if (c.Thumbprint != certificate.Thumbprint) intermediates.Add(c);

        var roots = LoadCas(tls.ClientCaFile);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ServerCertificateChain = intermediates.Count > 0 ? intermediates : null,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            // Our own chain below has revocation off: the CA file is the whole trust decision.
            CheckCertificateRevocation = false,
            ClientCertificateValidation = (client, presented, _) => IsTrusted(client, presented, roots, ClientAuthOid),
        };
    }

    public static X509Certificate2Collection LoadCas(string file)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(file);
        if (roots.Count == 0) throw new InvalidOperationException($"{file} holds no certificate");
        return roots;
    }

    /// <summary>
    /// Builds the chain with only <paramref name="roots"/> trusted; certificates the peer sent
    /// besides its own serve as intermediates.
    /// </summary>
    public static bool IsTrusted(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection roots, string purposeOid)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(purposeOid));
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (element.Certificate.Thumbprint != certificate.Thumbprint) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(certificate);
    }

    public static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots, string purposeOid)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        return IsTrusted(certificate as X509Certificate2 ?? new X509Certificate2(certificate), presented, roots, purposeOid);
    }
}
