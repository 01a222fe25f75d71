using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>
/// Brings every stored key under the current certificate: keys stored before key encryption existed
/// (a copy of the database would otherwise still decrypt every secret protected with them, and the
/// newest would stay the default key until it expires), and keys under an earlier certificate (so it
/// can leave DataProtection:PreviousCertificates after one start).
/// </summary>
/// <remarks>
/// The crypto is the framework's: its configured certificate encryptor wraps the element Data
/// Protection marked <c>requiresEncryption</c>, stored the way Data Protection stores a new key (an
/// <c>encryptedSecret</c> element naming its decryptor). A row is rewritten only after the
/// framework's decryptor has given back exactly the original element.
/// </remarks>
internal sealed class StoredKeyEncryption(
    IServiceProvider services, IOptions<KeyManagementOptions> keyManagement, KeyEncryptionKeys keys,
    IServiceScopeFactory scopes)
{
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";
    private static readonly XName X509CertificateElement =
        XName.Get("X509Certificate", "http://www.w3.org/2000/09/xmldsig#");

    /// <summary>Returns how many stored keys it re-encrypted.</summary>
    public async Task<int> ReencryptWithCurrentCertificateAsync(CancellationToken cancellationToken)
    {
        var encryptor = keyManagement.Value.XmlEncryptor
            ?? throw new InvalidOperationException("Data Protection has no key encryptor configured");
        var decryptor = new EncryptedXmlDecryptor(services);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var changed = 0;
        foreach (var row in await db.DataProtectionKeys.ToListAsync(cancellationToken))
        {
            if (row.Xml is null)
            {
                continue;
            }
            var key = XElement.Parse(row.Xml);
            var plaintext = key.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
            var underEarlierCertificate = key.Descendants(EncryptedSecret).Where(IsUnderEarlierCertificate).ToList();
            foreach (var secret in plaintext)
            {
                secret.ReplaceWith(Encrypt(secret, encryptor, decryptor));
            }
            foreach (var wrapped in underEarlierCertificate)
            {
                wrapped.ReplaceWith(Encrypt(decryptor.Decrypt(wrapped.Elements().Single()), encryptor, decryptor));
            }
            if (plaintext.Count + underEarlierCertificate.Count > 0)
            {
                row.Xml = key.ToString(SaveOptions.DisableFormatting);
                changed++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }

    /// <summary>The certificate XML Encryption recorded next to the wrapped key; null when there is none.</summary>
    public static string? EncryptingThumbprint(XElement encrypted)
    {
        var der = encrypted.Descendants(X509CertificateElement).Select(e => e.Value).FirstOrDefault();
        if (der is null)
        {
            return null;
        }
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(der));
        return certificate.Thumbprint;
    }

    /// <summary>
    /// Wrapped by the certificate encryptor, with a certificate this node decrypts with but no longer encrypts with.
    /// </summary>
    private bool IsUnderEarlierCertificate(XElement wrapped) =>
        EncryptingThumbprint(wrapped) is { } thumbprint
        && !string.Equals(thumbprint, keys.Current.Thumbprint, StringComparison.OrdinalIgnoreCase)
        && keys.Previous.Any(c => string.Equals(c.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase));

    private static XElement Encrypt(XElement secret, IXmlEncryptor encryptor, IXmlDecryptor decryptor)
    {
        // A copy in a document of its own, as Data Protection hands it to the encryptor.
        var copy = new XElement(secret);
        _ = new XDocument(copy);
        var result = encryptor.Encrypt(copy);
        if (!SameElement(decryptor.Decrypt(result.EncryptedElement), secret))
        {
            throw new InvalidOperationException("A re-encrypted Data Protection key did not decrypt to the original; "
                + "the stored key was left as it was");
        }
        return new XElement(EncryptedSecret,
            new XAttribute("decryptorType", result.DecryptorType.AssemblyQualifiedName!),
            result.EncryptedElement);
    }

    /// <summary>Equal up to attribute order and namespace declarations, which the XML round trip may change.</summary>
    private static bool SameElement(XElement a, XElement b) =>
        a.Name == b.Name
        && Attributes(a).SetEquals(Attributes(b))
        && a.Nodes().Count() == b.Nodes().Count()
        && a.Nodes().Zip(b.Nodes()).All(pair => pair is (XElement x, XElement y)
            ? SameElement(x, y)
            : XNode.DeepEquals(pair.First, pair.Second));

    private static HashSet<(XName Name, string Value)> Attributes(XElement element) =>
        [.. element.Attributes().Where(a => !a.IsNamespaceDeclaration).Select(a => (a.Name, a.Value))];
}
