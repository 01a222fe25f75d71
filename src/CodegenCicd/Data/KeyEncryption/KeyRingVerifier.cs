using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>
/// Reads every key in the database's key ring at start-up. A key this node cannot decrypt (another
/// node's certificate, a replaced key file) stops the app with one line, instead of secrets failing
/// to decrypt later and Data Protection writing a new key the other nodes cannot read. Then encrypts
/// the keys stored before key encryption existed.
/// </summary>
internal sealed partial class KeyRingVerifier(
    IKeyManager keyManager, KeyEncryptionKeys keys, StoredKeyEncryption storedKeys, IServiceScopeFactory scopes,
    ILogger<KeyRingVerifier> logger) : IHostedService
{
    private static readonly XName X509CertificateElement = XName.Get("X509Certificate", "http://www.w3.org/2000/09/xmldsig#");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var key in keyManager.GetAllKeys().Where(k => !k.IsRevoked))
        {
            try
            {
                _ = key.Descriptor;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw KeyEncryptionOptions.Error(await DescribeUnreadableKeyAsync(key.KeyId, cancellationToken));
            }
        }
        LogKeyEncryption(logger, keys.Current.Thumbprint, keys.Source);
        if (await storedKeys.EncryptPlaintextKeysAsync(cancellationToken) is var count and > 0)
        {
            LogStoredKeysEncrypted(logger, count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<string> DescribeUnreadableKeyAsync(Guid keyId, CancellationToken cancellationToken)
    {
        var encryptedWith = await FindEncryptingThumbprintAsync(keyId, cancellationToken);
        var certificate = encryptedWith is null ? "" : $" (it was encrypted with certificate {encryptedWith})";
        var known = string.Join(", ", keys.All.Select(c => c.Thumbprint));
        return keys.Generated
            ? $"DataProtection:CertificatePath is not set, and the certificate generated in {keys.Source} ({known}) cannot decrypt "
              + $"Data Protection key {keyId} in the database{certificate}; set DataProtection:CertificatePath to that key's certificate on every node sharing the database"
            : $"DataProtection:CertificatePath: the certificate(s) {known} cannot decrypt Data Protection key {keyId} in the database{certificate}; "
              + "every node sharing the database needs the same certificate, and earlier ones go under DataProtection:PreviousCertificates";
    }

    /// <summary>The thumbprint XML Encryption recorded next to the wrapped key, so the operator knows which certificate to find.</summary>
    private async Task<string?> FindEncryptingThumbprintAsync(Guid keyId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rows = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken);
        foreach (var xml in rows.OfType<string>())
        {
            var element = XElement.Parse(xml);
            if ((Guid?)element.Attribute("id") != keyId)
            {
                continue;
            }
            var der = element.Descendants(X509CertificateElement).Select(e => e.Value).FirstOrDefault();
            if (der is null)
            {
                return null;
            }
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(der));
            return certificate.Thumbprint;
        }
        return null;
    }

    [LoggerMessage(LogLevel.Information, "Data Protection keys are encrypted at rest with certificate {Thumbprint} from {Source}")]
    private static partial void LogKeyEncryption(ILogger logger, string thumbprint, string source);

    [LoggerMessage(LogLevel.Warning, "Encrypted {Count} Data Protection keys that were stored unencrypted; database backups taken before now still hold them in plain text")]
    private static partial void LogStoredKeysEncrypted(ILogger logger, int count);
}
