using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PipelineStateMachineTests
{
    [Theory]
    [InlineData(RunStatus.Cancelled, RunStatus.Running)]
    [InlineData(RunStatus.Queued, RunStatus.Succeeded)]
    [InlineData(RunStatus.Queued, RunStatus.Waiting)]
    public void IllegalRunTransitions_Throw(RunStatus from, RunStatus to)
    {
        var run = new PipelineRun { Repository = "o/r", HeadSha = "abc", CloneUrl = "file:///x", Trigger = "test", Status = from };

        var error = Assert.Throws<InvalidOperationException>(() => run.MoveTo(to, DateTimeOffset.UnixEpoch));
        Assert.Contains($"from {from} to {to}", error.Message, StringComparison.Ordinal);
        Assert.Equal(from, run.Status);
    }

    [Fact]
    public void StageStart_CountsTheAttempt_AndAStartedStageCannotGoBackToPending()
    {
        var stage = new PipelineStage { Status = StageStatus.Queued };

        stage.MoveTo(StageStatus.InProgress, DateTimeOffset.UnixEpoch);

        Assert.Equal(1, stage.Attempt);
        Assert.Single(stage.Effects, e => e.Kind == EffectKind.SyncCheckRun);
        Assert.Throws<InvalidOperationException>(() => stage.MoveTo(StageStatus.Pending, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void CancellingARun_FreesItsHeadForANewRun()
    {
        var run = new PipelineRun { Repository = "o/r", HeadSha = "abc", CloneUrl = "file:///x", Trigger = "test", Status = RunStatus.Running, ActiveKey = "1:2:abc" };

        run.MoveTo(RunStatus.Cancelled, DateTimeOffset.UnixEpoch, "closed");

        Assert.Null(run.ActiveKey);
        Assert.Equal(DateTimeOffset.UnixEpoch, run.CompletedAt);
    }

    [Fact]
    public void EveryFinalStatusButCancelled_CanBeReRun()
    {
        foreach (var status in Enum.GetValues<RunStatus>().Where(s => s.IsFinal()))
        {
            Assert.Equal(status != RunStatus.Cancelled, PipelineStateMachine.CanMove(status, RunStatus.Running));
        }
    }
}
