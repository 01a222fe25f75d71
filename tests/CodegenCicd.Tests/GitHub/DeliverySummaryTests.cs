using System.Text;
using CodegenCicd.GitHub.Webhooks.Intake;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// Intake's one pass over a body: it finds the action, installation and repository, and refuses every body that is
/// not one well-formed JSON object, as a full parse would.
/// </summary>
public sealed class DeliverySummaryTests
{
    private static DeliverySummary? Read(string json) => DeliverySummary.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void AFixture_GivesItsActionInstallationAndRepository()
    {
        var summary = DeliverySummary.Read(Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("pull_request.opened.json")));

        Assert.Equal(new DeliverySummary("opened", 1, "Codertocat/Hello-World"), summary);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{")]
    [InlineData("{\"action\":\"opened\"")]
    [InlineData("{\"action\":\"opened\"}{}")]
    [InlineData("{\"action\":\"opened\"} x")]
    [InlineData("{\"action\":opened}")]
    [InlineData("{\"a\":[1,2,}")]
    [InlineData("{\"repository\":{\"full_name\":\"o/r\",}}")]
    [InlineData("{\"deep\":{\"deeper\":[{\"x\":tru}]}}")]
    [InlineData("{\"action\":\"opened\",}")]
    [InlineData("{'action':'opened'}")]
    public void ABodyThatIsNotOneJsonObject_IsRefused(string body) => Assert.Null(Read(body));

    [Fact]
    public void NestingDeeperThanAFullParseAllows_IsRefused()
    {
        var deep = "{\"a\":" + new string('[', 70) + new string(']', 70) + "}";

        Assert.Null(Read(deep));
    }

    [Theory]
    [InlineData("{}", null, null, null)]
    [InlineData("{\"action\":5,\"installation\":\"1\",\"repository\":[\"o/r\"]}", null, null, null)]
    [InlineData("{\"installation\":{\"id\":\"7\"},\"repository\":{\"full_name\":null}}", null, null, null)]
    [InlineData("{\"installation\":{\"id\":1.5}}", null, null, null)]
    [InlineData("{\"sender\":{\"action\":\"x\",\"id\":3},\"installation\":{\"account\":{\"id\":9},\"id\":4}}", null, 4L, null)]
    [InlineData("{\"repository\":{\"owner\":{\"full_name\":\"no\"},\"full_name\":\"o/r\"},\"action\":\"closed\"}", "closed", null, "o/r")]
    [InlineData("{\"action\":\"first\",\"action\":\"last\"}", "last", null, null)]
    public void ValuesOfTheWrongShapeOrPlace_AreIgnored(string body, string? action, long? installation, string? repository) =>
        Assert.Equal(new DeliverySummary(action, installation, repository), Read(body));

    [Fact]
    public void LongNames_AreCutToTheirColumns()
    {
        var summary = Read($"{{\"action\":\"{new string('a', 100)}\",\"repository\":{{\"full_name\":\"{new string('r', 300)}\"}}}}");

        Assert.Equal(64, summary!.Action!.Length);
        Assert.Equal(200, summary.Repository!.Length);
    }

    [Fact]
    public void EscapedText_IsUnescaped()
    {
        Assert.Equal("o/r\u00e9", Read("{\"repository\":{\"full_name\":\"o\\/r\\u00e9\"}}")!.Repository);
    }
}
