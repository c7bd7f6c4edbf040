using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Bgp.Api.Client;

/// <summary>
/// Certificate checks against a CA file alone (not the system's trust store), for both ends of a mutual-TLS
/// gRPC listener: the daemon checks a client's certificate, a client checks the daemon's.
/// </summary>
public static class CertificateTrust
{
    /// <summary>id-kp-serverAuth, RFC 5280 §4.2.1.12.</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth, RFC 5280 §4.2.1.12.</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>The certificates of a PEM file; an error when it holds none.</summary>
    public static X509Certificate2Collection LoadCas(string file)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(file);
        if (roots.Count == 0) throw new InvalidOperationException($"{file} holds no certificate");
        return roots;
    }

    /// <summary>
    /// Builds the chain with only <paramref name="roots"/> trusted and the purpose required; the certificates the
    /// other end sent besides its own serve as intermediates. Revocation is not checked: the CA file is the whole decision.
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

    /// <summary>The shape of TLS validation callbacks: no certificate, or one not presented, is not trusted.</summary>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots, string purposeOid)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        return IsTrusted(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), presented, roots, purposeOid);
    }
}
