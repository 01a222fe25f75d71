using CodegenCicd.Hosting.Integrations;
using Microsoft.AspNetCore.DataProtection;

namespace CodegenCicd.Data.KeyEncryption;

public static class KeyEncryptionExtensions
{
    /// <summary>
    /// Data Protection with its keys in the app database, each key encrypted with a certificate kept
    /// outside it. Keys written before key encryption existed stay readable and are encrypted in place.
    /// Call after the database migrator is registered and before anything else adds Data Protection:
    /// the verifier must read the migrated key table before Data Protection's own start-up work.
    /// </summary>
    public static IHostApplicationBuilder AddEncryptedKeyRing(this IHostApplicationBuilder builder)
    {
        // Bound and loaded while the services are registered, not through IOptions on first use: the
        // framework's ProtectKeysWithCertificate and UnprotectKeysWithAnyCertificate take certificate
        // instances, and the decryption list they fill is internal to Data Protection. A bad value
        // fails here with the same one-line "Configuration error: DataProtection:…" as any option.
        var keys = KeyEncryptionKeys.Load(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(_ => keys);
        builder.Services.AddSingleton<StoredKeyEncryption>();
        builder.Services.AddHostedService<KeyRingVerifier>();
        builder.Services.AddSingleton<IIntegrationCheck, KeyEncryptionIntegrationCheck>();

        // Keys live in the app database so every node can decrypt what any node encrypted.
        builder.Services.AddDataProtection()
            .SetApplicationName("CodegenCICD")
            .PersistKeysToDbContext<AppDbContext>()
            .ProtectKeysWithCertificate(keys.Current)
            .UnprotectKeysWithAnyCertificate([.. keys.Previous]);
        return builder;
    }
}
