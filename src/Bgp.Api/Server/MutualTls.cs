using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Bgp.Actors.Config;
using Bgp.Api.Client;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Bgp.Api.Server;

/// <summary>
/// Mutual TLS for a TCP listener: our certificate and key from PEM files, and a client certificate
/// required and checked against the configured CA file alone (not the system's trust store).
/// </summary>
internal static class MutualTls
{
    public static HttpsConnectionAdapterOptions ServerOptions(TlsConfig tls)
    {
        var certificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(tls.CertFile);   // the leaf again, then any intermediates to send
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
            if (c.Thumbprint != certificate.Thumbprint) intermediates.Add(c);

        var roots = CertificateTrust.LoadCas(tls.ClientCaFile);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ServerCertificateChain = intermediates.Count > 0 ? intermediates : null,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            // Our own chain below has revocation off: the CA file is the whole trust decision.
            CheckCertificateRevocation = false,
            ClientCertificateValidation = (client, presented, _) => CertificateTrust.IsTrusted(client, presented, roots, CertificateTrust.ClientAuthOid),
        };
    }
}
