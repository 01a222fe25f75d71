using CodegenCicd.Sandboxes;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class SecretMaskerTests
{
    [Fact]
    public void MultiLineSecret_IsMaskedLineByLine_AsOutputArrivesOneLineAtATime()
    {
        const string pem = "-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
        var masker = new SecretMasker([pem]);

        var printed = string.Join('\n', pem.Split('\n').Select(line => masker.Apply(line.TrimEnd('\r'))));

        Assert.DoesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("BKcwggSjAgEAAoIBAQC7", printed, StringComparison.Ordinal);
        Assert.Equal("a *** b", masker.Apply("a " + pem + " b"));
    }

    [Fact]
    public void SecretInsideALongerSecret_IsMaskedWhole_AndTinyValuesAreLeftAlone()
    {
        var masker = new SecretMasker(["abcd", "xxabcdxx", "1"]);

        Assert.Equal("token=*** id=*** n=1", masker.Apply("token=xxabcdxx id=abcd n=1"));
    }
}
