using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodegenCicd.Tests.Data;

/// <summary>Password-protected .pfx files as an operator would make them (openssl pkcs12 -export).</summary>
internal static class TestCertificates
{
    public static string CreatePfx(string folder, string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    public static string Thumbprint(string path, string password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password).Thumbprint;
}
