using System.Buffers.Text;
using System.Security.Cryptography;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// The capability link of a running preview, <c>/p/{token}/</c>. The preview is served with a
/// sandbox CSP (an opaque origin), so the admin's SameSite=Lax cookie never reaches its scripts,
/// styles, fetches or WebSockets; the unguessable token in the path authorises them instead, like a
/// Vercel preview link. Each deployment gets a new token, which dies with it.
/// </summary>
public static class PreviewCapability
{
    public const string RoutePrefix = "/p";

    // 192 random bits, 32 URL-safe characters: far beyond guessing, short enough to share.
    private const int TokenBytes = 24;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>The path prefix the preview is served under, without the trailing slash.</summary>
    public static string PrefixOf(string token) => $"{RoutePrefix}/{token}";

    /// <summary>A request path with any capability token replaced, for logs (the token is a credential).</summary>
    public static string Redact(string path) =>
        path.StartsWith(RoutePrefix + "/", StringComparison.Ordinal)
            ? RoutePrefix + "/***" + (path.IndexOf('/', RoutePrefix.Length + 1) is var end and >= 0 ? path[end..] : "")
            : path;
}
