using CodegenCicd.Hosting.Integrations;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>Shows on the home page and in /api/status which certificate protects the key ring.</summary>
internal sealed class KeyEncryptionIntegrationCheck(KeyEncryptionKeys keys) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new IntegrationStatus(
            "Key encryption",
            true,
            $"Data Protection keys are encrypted with certificate {keys.Current.Thumbprint} from {keys.Source}",
            keys.Generated
                ? "Several nodes on one database: set DataProtection:CertificatePath on every node to the same .pfx "
                    + "(this generated one will do)."
                : ""));
}
