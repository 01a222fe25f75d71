using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;

namespace CodegenCicd.Tests.WebEval;

/// <summary>Who is at fault: the author's app (failed) or the evaluation itself (error).</summary>
public sealed class VerdictTests
{
    private static PageResult Page(bool passed) => new()
    {
        Path = passed ? "/ok" : "/broken",
        Url = new Uri("http://127.0.0.1/"),
        Passed = passed,
        Status = passed ? 200 : 500,
    };

    private static AgentResult Agent(AgentStatus status, bool? passed = null) =>
        new() { Task = "t", Status = status, TaskPassed = passed, Reason = "because" };

    [Fact]
    public void FailingPage_WinsOverAnAgentError()
    {
        var (verdict, summary) = Verdicts.Decide([Page(true), Page(false)], Agent(AgentStatus.Error), null);

        Assert.Equal(WebEvalVerdict.Failed, verdict);
        Assert.Equal("1 of 2 pages failed (/broken: HTTP 500)", summary);
    }

    [Fact]
    public void CleanPagesButGeminiRefusing_IsAnErrorNotAFailure()
    {
        var (verdict, summary) = Verdicts.Decide([Page(true)], Agent(AgentStatus.Error), null);

        Assert.Equal(WebEvalVerdict.Error, verdict);
        Assert.Equal("The AI-driven task could not run: because", summary);
    }

    [Fact]
    public void AgentOutOfSteps_IsAFailureOfTheTask()
    {
        var (verdict, summary) = Verdicts.Decide([Page(true)], Agent(AgentStatus.LimitReached), null);

        Assert.Equal(WebEvalVerdict.Failed, verdict);
        Assert.Equal("The AI-driven task did not finish: because", summary);
    }

    [Fact]
    public void NoPagesAndNoTask_IsSkipped()
    {
        var (verdict, _) = Verdicts.Decide([], null, null);

        Assert.Equal(WebEvalVerdict.Skipped, verdict);
    }

    [Fact]
    public void CleanPagesAndPassedTask_PassWithBothInTheSummary()
    {
        var (verdict, summary) = Verdicts.Decide([Page(true)], Agent(AgentStatus.Finished, passed: true), null);

        Assert.Equal(WebEvalVerdict.Passed, verdict);
        Assert.Equal("1 page loaded without errors; the AI-driven task passed: because", summary);
    }
}
