using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>
/// The key-encryption certificate of an installation that configured none: created on first start,
/// readable only by the app's user, reused on every later start.
/// </summary>
internal static class GeneratedCertificate
{
    private const UnixFileMode OwnerOnlyFolder =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static X509Certificate2 LoadOrCreate(string folder)
    {
        var path = Path.Combine(folder, KeyEncryptionOptions.GeneratedFileName);
        if (!File.Exists(path))
        {
            Create(folder, path);
        }
        return CertificateFile.Load(path, password: null, "DataProtection:KeyFolder", "the generated file");
    }

    private static void Create(string folder, string path)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                CreateOwnerOnlyFolder(folder);
            }
            var pfx = NewSelfSignedPfx();
            // Written under a temporary name and moved into place, so two processes starting on the
            // same folder never read a half-written file; the second one keeps the first one's.
            var temp = Path.Combine(folder, $".{KeyEncryptionOptions.GeneratedFileName}.{Guid.NewGuid():N}.tmp");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(pfx);
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KeyEncryptionOptions.Error($"DataProtection:KeyFolder: cannot create {path} ({e.Message})");
        }
    }

    private static void CreateOwnerOnlyFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }
    }

    /// <summary>
    /// RSA, because the framework's certificate encryptor (XML Encryption) wraps keys with RSA-OAEP.
    /// Long-lived: the certificate only carries that RSA key, never TLS or signatures, and replacing
    /// it would mean keeping the old one for the keys it encrypted.
    /// </summary>
    private static byte[] NewSelfSignedPfx()
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=CodegenCICD key ring encryption", rsa, HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
