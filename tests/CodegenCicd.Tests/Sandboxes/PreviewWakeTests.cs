using System.Net;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Previews sleep (restart, idle sweep) and wake on the first request while their PR is open; a closed or replaced one says so.</summary>
public sealed class PreviewWakeTests
{
    [Fact]
    public async Task AfterTheAppRestarts_TheStableLinkWakesThePreview_OnTheSameCapabilityLink()
    {
        // The database outlives both processes of the app (the factories delete their own folders).
        var shared = Directory.CreateTempSubdirectory("codegencicd-restart-").FullName;
        var connection = $"Data Source={Path.Combine(shared, "app.db")}";
        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        string token;
        string previewPath;
        await using (var before = new AppFactory())
        {
            before.Settings["ConnectionStrings:App"] = connection;
            var run = await PreviewRuns.SeedAsync(before.Services, repo, repository, 4, repo.HeadSha);
            previewPath = run.PreviewPath!;
            var deployed = await before.Services.GetRequiredService<IPreviewDeployments>().DeployAsync(PreviewRuns.Source(repo, repository, 4), PreviewRuns.StartOnly, default);
            Assert.True(deployed.Succeeded, deployed.Error);
            token = before.Services.GetRequiredService<DeploymentRegistry>().Find(repository, 4)!.PreviewToken;
        }

        using var after = new AppFactory();
        after.Settings["ConnectionStrings:App"] = connection;
        var admin = await after.CreateSignedInClientAsync();

        // The link in the PR comment: first a page saying the preview wakes, which refreshes itself…
        var waking = await admin.GetAsync(previewPath);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waking.StatusCode);
        var page = await waking.Content.ReadAsStringAsync();
        Assert.Contains("Waking the preview of #4", page, StringComparison.Ordinal);
        Assert.Contains("http-equiv=\"refresh\"", page, StringComparison.Ordinal);
        // …then the preview, on the capability link it had before the restart.
        var ready = await EventuallyAnswersAsync(admin, previewPath, HttpStatusCode.Redirect);
        Assert.Equal($"/p/{token}/", ready.Headers.Location!.OriginalString);
        var served = await after.CreateAnonymousClient().GetAsync($"/p/{token}/");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("Sample app", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await after.Services.GetRequiredService<IPreviewDeployments>().TeardownAsync(repository, 4, default);
        TempFolder.TryDelete(shared);
    }

    [Fact]
    public async Task PreviewSweptForIdleness_WakesOnItsCapabilityLink()
    {
        using var factory = new AppFactory();
        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        await PreviewRuns.SeedAsync(factory.Services, repo, repository, 5, repo.HeadSha);
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        var registry = factory.Services.GetRequiredService<DeploymentRegistry>();
        Assert.True((await deployments.DeployAsync(PreviewRuns.Source(repo, repository, 5), PreviewRuns.StartOnly, default)).Succeeded);
        var token = registry.Find(repository, 5)!.PreviewToken;
        registry.Find(repository, 5)!.MarkUsed(DateTimeOffset.UtcNow.AddDays(-1));
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PreviewSweep>().RunAsync(default);
        }
        Assert.Null(registry.Find(repository, 5));
        var anonymous = factory.CreateAnonymousClient();

        var waking = await anonymous.GetAsync($"/p/{token}/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, waking.StatusCode);
        Assert.Contains("Waking the preview of #5", await waking.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var served = await EventuallyAnswersAsync(anonymous, $"/p/{token}/", HttpStatusCode.OK);
        Assert.Contains("Sample app", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(token, registry.Find(repository, 5)!.PreviewToken);
        await deployments.TeardownAsync(repository, 5, default);
    }

    [Fact]
    public async Task ClosedPullRequestsPreviewLinks_SayItWasMerged_InsteadOfABare404()
    {
        using var factory = new AppFactory();
        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        await PreviewRuns.SeedAsync(factory.Services, repo, repository, 6, repo.HeadSha, closedAt: new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero),
            mergedSha: repo.HeadSha);
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        Assert.True((await deployments.DeployAsync(PreviewRuns.Source(repo, repository, 6), PreviewRuns.StartOnly, default)).Succeeded);
        var token = factory.Services.GetRequiredService<DeploymentRegistry>().Find(repository, 6)!.PreviewToken;
        await deployments.TeardownAsync(repository, 6, default);

        var capability = await factory.CreateAnonymousClient().GetAsync($"/p/{token}/");
        var stable = await (await factory.CreateSignedInClientAsync()).GetAsync($"/preview/{repository}/6/");

        foreach (var answer in new[] { capability, stable })
        {
            Assert.Equal(HttpStatusCode.Gone, answer.StatusCode);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.Contains($"{repository}#6</b> was merged on 2026-11-30 09:15 UTC", text, StringComparison.Ordinal);
        }
        Assert.Null(factory.Services.GetRequiredService<DeploymentRegistry>().Find(repository, 6)); // explained, not woken
    }

    [Fact]
    public async Task ReplacedHeadsCapabilityLink_NamesTheCommitThatReplacedIt()
    {
        using var factory = new AppFactory();
        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        var registry = factory.Services.GetRequiredService<DeploymentRegistry>();
        var firstSha = repo.HeadSha;
        await PreviewRuns.SeedAsync(factory.Services, repo, repository, 7, firstSha);
        Assert.True((await deployments.DeployAsync(PreviewRuns.Source(repo, repository, 7), PreviewRuns.StartOnly, default)).Succeeded);
        var firstToken = registry.Find(repository, 7)!.PreviewToken;
        var secondSha = repo.Commit("next push");
        await PreviewRuns.SeedAsync(factory.Services, repo, repository, 7, secondSha);
        Assert.True((await deployments.DeployAsync(PreviewRuns.Source(repo, repository, 7), PreviewRuns.StartOnly, default)).Succeeded);

        var answer = await factory.CreateAnonymousClient().GetAsync($"/p/{firstToken}/");

        Assert.Equal(HttpStatusCode.Gone, answer.StatusCode);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.Contains($"showed commit <code>{firstSha[..7]}</code>", text, StringComparison.Ordinal);
        Assert.Contains($"replaced by commit <code>{secondSha[..7]}</code>", text, StringComparison.Ordinal);
        Assert.DoesNotContain(firstToken, text, StringComparison.Ordinal);
        await deployments.TeardownAsync(repository, 7, default);
    }

    /// <summary>Requests <paramref name="path"/> until it answers <paramref name="status"/> (the waking page refreshes the same way).</summary>
    internal static async Task<HttpResponseMessage> EventuallyAnswersAsync(HttpClient client, string path, HttpStatusCode status)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var answer = await client.GetAsync(path);
            if (answer.StatusCode == status)
            {
                return answer;
            }
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable && clock.Elapsed < TimeSpan.FromSeconds(60),
                $"{path} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }
}
