using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>The certificates that encrypt (current) and decrypt (current and previous) the key ring.</summary>
/// <param name="source">
/// Where the current one came from, for messages: the configuration key or the generated file.
/// </param>
public sealed class KeyEncryptionKeys(
    X509Certificate2 current, IReadOnlyList<X509Certificate2> previous, string source, bool generated)
    : IDisposable
{
    public X509Certificate2 Current { get; } = current;

    public IReadOnlyList<X509Certificate2> Previous { get; } = previous;

    public string Source { get; } = source;

    /// <summary>True when no certificate is configured and this installation generated its own.</summary>
    public bool Generated { get; } = generated;

    public IEnumerable<X509Certificate2> All => [Current, .. Previous];

    /// <summary>
    /// Loads the configured certificates, or the generated one (creating it on first start).
    /// Throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> with one line naming the key.
    /// </summary>
    public static KeyEncryptionKeys Load(IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(KeyEncryptionOptions.SectionName).Get<KeyEncryptionOptions>() ?? new();
        var previous = options.PreviousCertificates.Select((p, i) => LoadPrevious(p, i, contentRoot)).ToList();
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var path = Path.GetFullPath(options.CertificatePath, contentRoot);
            var current = CertificateFile.Load(path, options.CertificatePassword, "DataProtection:CertificatePath",
                "DataProtection:CertificatePassword");
            return new KeyEncryptionKeys(current, previous, $"DataProtection:CertificatePath ({path})",
                generated: false);
        }
        if (!string.IsNullOrEmpty(options.CertificatePassword))
        {
            throw KeyEncryptionOptions.Error(
                "DataProtection:CertificatePassword is set but DataProtection:CertificatePath is not");
        }
        var folder = string.IsNullOrWhiteSpace(options.KeyFolder)
            ? DefaultKeyFolder(configuration, contentRoot)
            : Path.GetFullPath(options.KeyFolder, contentRoot);
        var generated = GeneratedCertificate.LoadOrCreate(folder);
        return new KeyEncryptionKeys(generated, previous,
            Path.Combine(folder, KeyEncryptionOptions.GeneratedFileName), generated: true);
    }

    /// <summary>
    /// Next to the SQLite file, so one folder (one volume) holds the app's state; data/keys otherwise.
    /// </summary>
    internal static string DefaultKeyFolder(IConfiguration configuration, string contentRoot)
    {
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var configured = configuration.GetConnectionString("App");
            var sqlite = new SqliteConnectionStringBuilder(
                string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultSqliteConnection : configured);
            if (sqlite.DataSource is not (":memory:" or "") && sqlite.Mode != SqliteOpenMode.Memory)
            {
                return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sqlite.DataSource, contentRoot))!, "keys");
            }
        }
        return Path.Combine(contentRoot, "data", "keys");
    }

    private static X509Certificate2 LoadPrevious(PreviousCertificate previous, int index, string contentRoot)
    {
        var key = $"DataProtection:PreviousCertificates:{index}:Path";
        if (string.IsNullOrWhiteSpace(previous.Path))
        {
            throw KeyEncryptionOptions.Error($"{key} is required");
        }
        return CertificateFile.Load(Path.GetFullPath(previous.Path, contentRoot), previous.Password, key,
            $"DataProtection:PreviousCertificates:{index}:Password");
    }

    public void Dispose()
    {
        foreach (var certificate in All)
        {
            certificate.Dispose();
        }
    }
}
