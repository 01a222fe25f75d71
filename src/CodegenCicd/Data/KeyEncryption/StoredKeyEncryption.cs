using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Data.KeyEncryption;

/// <summary>
/// Encrypts, in place, keys stored before the key ring was encrypted. Left alone they would let a
/// copy of the database decrypt every secret protected with them, and the newest of them would stay
/// the default key (for new secrets too) until it expires.
/// </summary>
/// <remarks>
/// The crypto is the framework's: its configured certificate encryptor wraps the element Data
/// Protection marked <c>requiresEncryption</c>, stored the way Data Protection stores a new key (an
/// <c>encryptedSecret</c> element naming its decryptor). A row is rewritten only after the
/// framework's decryptor has given back exactly the original element.
/// </remarks>
internal sealed class StoredKeyEncryption(
    IServiceProvider services, IOptions<KeyManagementOptions> keyManagement, IServiceScopeFactory scopes)
{
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";

    /// <summary>Returns how many stored keys it encrypted.</summary>
    public async Task<int> EncryptPlaintextKeysAsync(CancellationToken cancellationToken)
    {
        var encryptor = keyManagement.Value.XmlEncryptor
            ?? throw new InvalidOperationException("Data Protection has no key encryptor configured");
        var decryptor = new EncryptedXmlDecryptor(services);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var encrypted = 0;
        foreach (var row in await db.DataProtectionKeys.ToListAsync(cancellationToken))
        {
            if (row.Xml is null)
            {
                continue;
            }
            var key = XElement.Parse(row.Xml);
            var secrets = key.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
            foreach (var secret in secrets)
            {
                secret.ReplaceWith(Encrypt(secret, encryptor, decryptor));
            }
            if (secrets.Count > 0)
            {
                row.Xml = key.ToString(SaveOptions.DisableFormatting);
                encrypted++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return encrypted;
    }

    private static XElement Encrypt(XElement secret, IXmlEncryptor encryptor, IXmlDecryptor decryptor)
    {
        // A copy in a document of its own, as Data Protection hands it to the encryptor.
        var copy = new XElement(secret);
        _ = new XDocument(copy);
        var result = encryptor.Encrypt(copy);
        if (!SameElement(decryptor.Decrypt(result.EncryptedElement), secret))
        {
            throw new InvalidOperationException("A re-encrypted Data Protection key did not decrypt to the original; the stored key was left as it was");
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
        && a.Nodes().Zip(b.Nodes()).All(pair => pair is (XElement x, XElement y) ? SameElement(x, y) : XNode.DeepEquals(pair.First, pair.Second));

    private static HashSet<(XName Name, string Value)> Attributes(XElement element) =>
        [.. element.Attributes().Where(a => !a.IsNamespaceDeclaration).Select(a => (a.Name, a.Value))];
}
