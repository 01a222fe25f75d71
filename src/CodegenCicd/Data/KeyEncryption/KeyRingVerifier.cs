using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>
/// Reads every key in the database's key ring at start-up. A key this node cannot decrypt (another
/// node's certificate, a replaced key file) stops the app with one line, instead of secrets failing
/// to decrypt later and Data Protection writing a new key the other nodes cannot read. Then brings
/// the stored keys under the current certificate.
/// </summary>
internal sealed partial class KeyRingVerifier(
    IKeyManager keyManager, KeyEncryptionKeys keys, StoredKeyEncryption storedKeys, IServiceScopeFactory scopes,
    ILogger<KeyRingVerifier> logger) : IHostedService
{
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
        if (await storedKeys.ReencryptWithCurrentCertificateAsync(cancellationToken) is var count and > 0)
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
            ? $"DataProtection:CertificatePath is not set, and the certificate generated in {keys.Source} ({known}) "
              + $"cannot decrypt Data Protection key {keyId} in the database{certificate}; "
              + "set DataProtection:CertificatePath to the certificate that encrypted it "
              + "(another node's, or a backup of the generated file) on every node sharing the database"
            : $"DataProtection:CertificatePath: the certificate(s) {known} cannot decrypt Data Protection key {keyId} "
              + $"in the database{certificate}; every node sharing the database needs the same certificate, "
              + "and earlier ones go under DataProtection:PreviousCertificates";
    }

    /// <summary>The certificate that encrypted the key, so the operator knows which one to find.</summary>
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
            return StoredKeyEncryption.EncryptingThumbprint(element);
        }
        return null;
    }

    [LoggerMessage(LogLevel.Information,
        "Data Protection keys are encrypted at rest with certificate {Thumbprint} from {Source}")]
    private static partial void LogKeyEncryption(ILogger logger, string thumbprint, string source);

    [LoggerMessage(LogLevel.Warning,
        "Re-encrypted {Count} stored Data Protection keys with the current certificate "
        + "(they were unencrypted or under an earlier one); "
        + "database backups from before still hold them as they were")]
    private static partial void LogStoredKeysEncrypted(ILogger logger, int count);
}
