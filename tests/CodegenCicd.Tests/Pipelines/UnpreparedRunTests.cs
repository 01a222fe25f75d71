using System.Net;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.GitHub;

namespace CodegenCicd.Tests.Pipelines;

public sealed class UnpreparedRunTests
{
    [Fact]
    public async Task PullRequestWithoutAGitHubApp_EndsActionRequiredAtOnce_SayingHowToSetOneUp()
    {
        // What the README's "without GitHub" path does: a webhook secret, a pinned project, no App.
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = "no-app-secret" };
        factory.Settings["GitHub:WebhookSecret"] = "no-app-secret";
        await factory.QueryAsync(db =>
        {
            db.Add(new Project { FullName = "Codertocat/Hello-World", GitHubRepositoryId = 1296269, InstallationId = 1, IsPinned = true });
            return db.SaveChangesAsync();
        });
        var deliveryId = Guid.NewGuid().ToString();

        var response = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("pull_request", GitHubAppFactory.Fixture("pull_request.opened.json"), "no-app-secret", deliveryId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await PipelineHarness.WaitForRunAsync(factory, r => r.Status.IsFinal());
        Assert.Equal(RunStatus.ActionRequired, run.Status);
        Assert.All(run.Stages, stage =>
        {
            Assert.Equal(StageConclusion.ActionRequired, stage.Conclusion);
            Assert.Contains("No GitHub App is configured: create one at /setup", stage.Summary, StringComparison.Ordinal);
        });
        // Ended, so the project is not held busy by a run that can never start: it can be unpinned.
        var unpin = await factory.CreateApiClient().DeleteAsync($"/api/projects/{run.ProjectId}");
        Assert.True(unpin.IsSuccessStatusCode, $"{(int)unpin.StatusCode} {await unpin.Content.ReadAsStringAsync()}");
    }
}
