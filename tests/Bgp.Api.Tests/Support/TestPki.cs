using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bgp.Actors.Config;

namespace Bgp.Api.Tests.Support;

/// <summary>
/// A throwaway PKI in PEM files: a CA, a server certificate for localhost/127.0.0.1, a client
/// certificate from the same CA and a "rogue" client certificate from another CA.
/// </summary>
internal sealed class TestPki
{
    private TestPki(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public string RogueCertFile => Path.Combine(Directory, "rogue.pem");

    public string RogueKeyFile => Path.Combine(Directory, "rogue.key");

    public TlsConfig ServerTls => new(ServerCertFile, ServerKeyFile, CaFile);

    public static TestPki Create(string directory)
    {
        var pki = new TestPki(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = NewCa("CN=BgpActors test CA", caKey);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = NewCa("CN=Someone else's CA", otherKey);
        File.WriteAllText(pki.CaFile, ca.ExportCertificatePem());
        Issue(ca, "CN=localhost", serverAuth: true, pki.ServerCertFile, pki.ServerKeyFile);
        Issue(ca, "CN=bgpactorsctl", serverAuth: false, pki.ClientCertFile, pki.ClientKeyFile);
        Issue(other, "CN=rogue", serverAuth: false, pki.RogueCertFile, pki.RogueKeyFile);
        return pki;
    }

    private static X509Certificate2 NewCa(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    private static void Issue(X509Certificate2 ca, string subject, bool serverAuth, string certFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        // Within the CA's own validity: "now + 1 day" taken a moment after the CA's would end after it
        // (certificate times are whole seconds, so a second boundary between the two is enough).
        var notBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime()).AddMinutes(1);
        var notAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime()).AddMinutes(-1);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var certificate = request.Create(ca, notBefore, notAfter, serial);
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
