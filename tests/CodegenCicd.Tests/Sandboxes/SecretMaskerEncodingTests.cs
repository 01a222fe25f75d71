using System.Text;
using System.Text.Json;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Secrets printed encoded, or cut in two by the pump's 16 KiB line limit, are still masked.</summary>
public sealed class SecretMaskerEncodingTests
{
    private const string Secret = "s3cr3t-T0ken/with+odd~chars \"quoted\"";

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    public void Base64OfTheSecret_AtEveryAlignment_StandardAndUrlSafe_IsMasked(string before)
    {
        var masker = new SecretMasker([Secret]);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(before + Secret + "zz"));
        var urlSafe = encoded.Replace('+', '-').Replace('/', '_');

        foreach (var text in new[] { encoded, urlSafe })
        {
            var masked = masker.Apply("Authorization: Basic " + text);
            Assert.Contains(SecretMasker.Mask, masked, StringComparison.Ordinal);
            // What is left around the mask encodes the bytes before and after the secret (and the padding), not the secret.
            Assert.True(masked.Length - "Authorization: Basic ".Length - SecretMasker.Mask.Length <= 10, masked);
        }
    }

    [Fact]
    public void UrlEncodedAndJsonEscapedSecret_AreMasked()
    {
        var masker = new SecretMasker([Secret]);

        Assert.Equal("GET /?t=***", masker.Apply("GET /?t=" + Uri.EscapeDataString(Secret)));
        var lowerHex = System.Text.RegularExpressions.Regex.Replace(Uri.EscapeDataString(Secret), "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant());
        Assert.NotEqual(Uri.EscapeDataString(Secret), lowerHex);
        Assert.Equal("GET /?t=***", masker.Apply("GET /?t=" + lowerHex));
        Assert.Equal("{\"env\":\"***\"}", masker.Apply("{\"env\":" + JsonSerializer.Serialize(Secret) + "}"));
        Assert.Equal("{\"env\":\"***\"}", masker.Apply("{\"env\":\"" + Secret.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}"));
    }

    [Fact]
    public void ShortValues_AreLeftAloneInEveryForm()
    {
        var masker = new SecretMasker(["abc"]);

        Assert.Equal("abc YWJj", masker.Apply("abc YWJj"));
    }

    [Fact]
    public async Task SecretStraddlingThe16KiBCut_IsMaskedInThePumpedLines()
    {
        var masker = new SecretMasker([Secret]);
        foreach (var shift in new[] { 1, 5, Secret.Length / 2, Secret.Length - 1 })
        {
            var output = new string('x', OutputPump.MaxLineLength - shift) + Secret + new string('y', 100) + "\n";
            var lines = new List<string>();

            await OutputPump.PumpAsync(new StringReader(output), masker, lines.Add);

            var joined = string.Concat(lines);
            Assert.DoesNotContain("s3cr3t", joined, StringComparison.Ordinal);
            Assert.Contains(SecretMasker.Mask, joined, StringComparison.Ordinal);
            Assert.Equal(output.Length - 1 - Secret.Length + SecretMasker.Mask.Length, joined.Length);
            Assert.All(lines, l => Assert.True(l.Length <= OutputPump.MaxLineLength));
        }
    }

    [Fact]
    public async Task OutputWithoutNewlines_StillComesOutInBoundedLines()
    {
        var masker = new SecretMasker([Secret]);
        var lines = new List<string>();

        await OutputPump.PumpAsync(new StringReader(new string('z', 5 * OutputPump.MaxLineLength)), masker, lines.Add);

        Assert.Equal(5 * OutputPump.MaxLineLength, lines.Sum(l => l.Length));
        Assert.All(lines, l => Assert.True(l.Length <= OutputPump.MaxLineLength));
    }
}
