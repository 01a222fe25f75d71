using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Pipelines;
using CodegenCicd.WebEval;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Web-eval browses the run's own deployment, woken if it sleeps, never an address saved before a restart.</summary>
public sealed class WebEvalDeploymentTests
{
    [Fact]
    public async Task SavedPortNowServedByAnotherProcess_IsNeverBrowsed_TheDeploymentIsWokenAndBrowsedInstead_AndANewerHeadIsRefused()
    {
        // What a restart leaves: the run's saved address now answers for something else entirely.
        await using var foreign = LoopbackServer.Create();
        var foreignHits = 0;
        foreign.MapGet("/{**rest}", () => { Interlocked.Increment(ref foreignHits); return "somebody else's server"; });
        var foreignUrl = await LoopbackServer.StartAsync(foreign);
        var evaluator = new FakeWebEvaluator();
        using var app = new AppFactory();
        using var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.RemoveAll<IWebEvaluator>();
            s.AddSingleton<IWebEvaluator>(evaluator);
        }));
        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        var run = await PreviewRuns.SeedAsync(factory.Services, repo, repository, 8, repo.HeadSha);
        run.DeploymentUrl = foreignUrl.ToString();
        run.DeploymentId = 424242; // the deployment the deploy stage made before the restart: not live any more

        var woken = await ExecuteAsync(factory.Services, run, PreviewRuns.Source(repo, repository, 8));

        Assert.Equal(StageConclusion.Success, woken.Conclusion);
        var browsed = Assert.Single(evaluator.Requests).BaseUrl;
        var live = factory.Services.GetRequiredService<DeploymentRegistry>().Find(repository, 8)!;
        Assert.Equal(repo.HeadSha, live.HeadSha);
        Assert.Equal(live.Result.LocalUrl, browsed);
        Assert.NotEqual(foreignUrl.Port, browsed.Port);

        // The PR moved on: the old run's evaluation must not judge the new head's preview.
        var oldSha = repo.HeadSha;
        repo.Commit("next push");
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        Assert.True((await deployments.DeployAsync(PreviewRuns.Source(repo, repository, 8), PreviewRuns.StartOnly, default)).Succeeded);
        var refused = await ExecuteAsync(factory.Services, run, PreviewRuns.Source(repo, repository, 8, oldSha));

        Assert.True(refused.InfrastructureError);
        Assert.Contains($"now serves {repo.HeadSha[..12]}, not this run's {oldSha[..12]}", refused.Summary, StringComparison.Ordinal);
        Assert.Single(evaluator.Requests);
        Assert.Equal(0, foreignHits);
        await deployments.TeardownAsync(repository, 8, default);
    }

    private static async Task<StageOutcome> ExecuteAsync(IServiceProvider services, PipelineRun run, SandboxSource source)
    {
        await using var scope = services.CreateAsyncScope();
        var stage = scope.ServiceProvider.GetServices<IStageExecutor>().OfType<WebEvalStage>().Single();
        var config = new PipelineConfig { Deploy = PreviewRuns.StartOnly, WebEval = new WebEvalConfig { Pages = ["/"] } };
        var context = new StageContext(run, new PipelineStage { Kind = StageKind.WebEval, Attempt = 1 }, config,
            _ => throw new InvalidOperationException("web-eval needs no GitHub client"), _ => Task.FromResult(source), _ => Task.FromResult(true));
        return await stage.ExecuteAsync(context, CancellationToken.None);
    }
}
