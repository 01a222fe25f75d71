using System.Security.Cryptography;
using System.Text;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>, compared in constant time.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether the header has a signature's shape (<c>sha256=</c> and 64 hex digits).</summary>
    public static bool LooksValid(string signature) =>
        signature.Length == Prefix.Length + HMACSHA256.HashSizeInBytes * 2
        && signature.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
        && signature.AsSpan(Prefix.Length).ContainsAnyExcept(HexDigits) is false;

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static bool IsValid(ReadOnlySpan<byte> body, string secret, string signature)
    {
        if (!signature.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        Span<byte> received = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hex = signature.AsSpan(Prefix.Length);
        if (hex.Length != received.Length * 2
            || Convert.FromHexString(hex, received, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }
}
