using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// The forms in which a secret leaks through build output besides itself: <c>echo $TOKEN | base64</c>,
/// an <c>Authorization: Basic</c> header, a URL with the token in its query, a JSON dump of the environment.
/// </summary>
internal static class SecretForms
{
    /// <summary>Shorter base64 fragments match too much unrelated text to be worth masking.</summary>
    private const int MinimumFragmentLength = 8;

    public static IEnumerable<string> Of(string secret)
    {
        yield return secret;
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var offset = 0; offset < 3; offset++)
        {
            if (Base64Fragment(bytes, offset) is { Length: >= MinimumFragmentLength } fragment)
            {
                yield return fragment;
                yield return fragment.Replace('+', '-').Replace('/', '_');
            }
        }
        var escaped = Uri.EscapeDataString(secret);
        yield return escaped;
        yield return LowerHex(escaped);
        yield return escaped.Replace("%20", "+", StringComparison.Ordinal);
        yield return JsonSerializer.Serialize(secret)[1..^1];
        yield return JsonSerializer.Serialize(secret, RelaxedJson)[1..^1];
    }

    private static readonly JsonSerializerOptions RelaxedJson =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The base64 characters that depend on the secret alone when it starts <paramref name="offset"/>
    /// bytes into a 3-byte group: the characters shared with the bytes before or after it are left out.
    /// </summary>
    internal static string Base64Fragment(byte[] secret, int offset)
    {
        var padded = new byte[offset + secret.Length];
        secret.CopyTo(padded, offset);
        var encoded = Convert.ToBase64String(padded).TrimEnd('=');
        var skip = offset == 0 ? 0 : offset + 1;
        var drop = padded.Length % 3 == 0 ? 0 : 1;
        return encoded.Length - drop > skip ? encoded[skip..^drop] : "";
    }

    private static string LowerHex(string escaped)
    {
        var text = escaped.ToCharArray();
        for (var i = 0; i + 2 < text.Length; i++)
        {
            if (text[i] == '%')
            {
                text[i + 1] = char.ToLowerInvariant(text[i + 1]);
                text[i + 2] = char.ToLowerInvariant(text[i + 2]);
            }
        }
        return new string(text);
    }
}
