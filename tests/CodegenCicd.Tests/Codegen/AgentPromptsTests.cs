using CodegenCicd.Codegen.Runs;

namespace CodegenCicd.Tests.Codegen;

public sealed class AgentPromptsTests
{
    [Fact]
    public void FirstPrompt_AsksForAPlanAndAStop_AndNamesTheRepositoryAndBranch()
    {
        var prompt = AgentPrompts.Initial("acme/widgets", "trunk", "", "Add a footer");

        Assert.Contains("acme/widgets", prompt, StringComparison.Ordinal);
        Assert.Contains("against trunk", prompt, StringComparison.Ordinal);
        Assert.Contains("Do not change code", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("## Planning statement", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeFailureReport_IsCut_SoTheFixRequestStaysReadable()
    {
        var report = "first line of the report\n" + new string('x', AgentPrompts.MaxReportLength * 2);

        var prompt = AgentPrompts.Fix(1, 3, "https://github.com/acme/widgets/pull/41", "0123456789abcdef0123", report);

        Assert.True(prompt.Length < AgentPrompts.MaxReportLength + 1_000);
        Assert.Contains("first line of the report", prompt, StringComparison.Ordinal);
        Assert.Contains("(report cut)", prompt, StringComparison.Ordinal);
        Assert.Contains("at commit 0123456789ab.", prompt, StringComparison.Ordinal);
    }
}
