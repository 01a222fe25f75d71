using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>Loads a key-encryption certificate; every failure is one line naming the configuration key.</summary>
internal static class CertificateFile
{
    /// <param name="key">The configuration key that named the file, for the error message.</param>
    /// <param name="passwordKey">The key holding its password, for the error message.</param>
    public static X509Certificate2 Load(string path, string? password, string key, string passwordKey)
    {
        if (!File.Exists(path))
        {
            throw KeyEncryptionOptions.Error($"{key}: no certificate file at {path}");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path,
                string.IsNullOrEmpty(password) ? null : password);
        }
        catch (CryptographicException)
        {
            // The loader's message says no more than this, and never the password.
            throw KeyEncryptionOptions.Error(
                $"{key}: {path} is not a PKCS#12 (.pfx) file, or {passwordKey} is wrong for it");
        }
        catch (UnauthorizedAccessException)
        {
            throw KeyEncryptionOptions.Error($"{key}: {path} cannot be read by this user");
        }
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            certificate.Dispose();
            throw KeyEncryptionOptions.Error($"{key}: {path} holds no RSA private key; key encryption needs one");
        }
        return certificate;
    }
}
