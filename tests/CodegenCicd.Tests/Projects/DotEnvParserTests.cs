using CodegenCicd.Projects;

namespace CodegenCicd.Tests.Projects;

public sealed class DotEnvParserTests
{
    [Fact]
    public void CommonDotEnvForms_AreRead()
    {
        var result = DotEnvParser.Parse("""
            # database
            export DATABASE_URL=postgres://u:p@db/app
            API_KEY="a b \"c\"\nd"  # trailing comment
            SINGLE='raw $HOME \n'
            PLAIN=value # note

            EMPTY=
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
            ["DATABASE_URL=postgres://u:p@db/app", "API_KEY=a b \"c\"\nd", "SINGLE=raw $HOME \\n", "PLAIN=value", "EMPTY="],
            result.Variables.Select(v => $"{v.Key}={v.Value}"));
    }

    [Fact]
    public void BadLines_AreAllReportedWithTheirNumbers()
    {
        var result = DotEnvParser.Parse("GOOD=1\nno equals sign\n1BAD=x\nGOOD=2\nOPEN=\"never closed\n");

        Assert.Equal([2, 3, 4, 5], result.Errors.Select(e => e.Line));
        Assert.Contains("more than once", result.Errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedValue_IsRefused()
    {
        var result = DotEnvParser.Parse($"BIG={new string('x', ProjectSecrets.MaxValueLength + 1)}");

        Assert.Contains("at most", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Empty(result.Variables);
    }
}
