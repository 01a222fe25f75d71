using CodegenCicd.Hosting.Configuration;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>
/// The certificate that encrypts the Data Protection key ring before it is written to the database,
/// so a copy of the database alone cannot decrypt project secrets or GitHub App credentials.
/// Unset: a certificate is generated on first start in <see cref="KeyFolder"/> and reused after.
/// </summary>
public sealed class KeyEncryptionOptions : IConfigSection
{
    public static string SectionName => "DataProtection";

    public const string GeneratedFileName = "key-encryption.pfx";

    /// <summary>
    /// A PKCS#12 (.pfx) file with an RSA private key. Nodes sharing one database all need the same one.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <c>CertificatePath</c> (empty for none).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Certificates used before <see cref="CertificatePath"/>: they still decrypt keys they encrypted.
    /// </summary>
    public List<PreviousCertificate> PreviousCertificates { get; set; } = [];

    /// <summary>
    /// Where the generated certificate lives when <see cref="CertificatePath"/> is unset. Default: a
    /// <c>keys</c> folder next to the SQLite file, or <c>data/keys</c> on PostgreSQL.
    /// </summary>
    public string? KeyFolder { get; set; }

    /// <summary>A start-up failure the app reports as one line naming the key.</summary>
    public static OptionsValidationException Error(string message) =>
        new(SectionName, typeof(KeyEncryptionOptions), [message]);
}

public sealed class PreviousCertificate
{
    /// <summary>
    /// A certificate used before the current one (.pfx), kept so the keys it encrypted stay readable;
    /// drop it after one start.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Its password.</summary>
    public string? Password { get; set; }
}
