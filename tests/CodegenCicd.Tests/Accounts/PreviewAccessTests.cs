using System.Net;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Comments;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Accounts;

/// <summary>
/// <c>Previews:Access</c> decides which link the PR comment carries: the stable link, which opens for
/// collaborators who sign in with read access (default), or the unguessable capability link, which
/// opens for anyone who has it (<c>link</c>). The guessable stable link never opens for everyone. The
/// comment says whether the preview is live or asleep.
/// </summary>
public sealed class PreviewAccessTests
{
    private const long Installation = 42;

    [Fact]
    public async Task Collaborators_TheCommentCarriesTheStableLink_WhichOpensForReaders_AndSaysAsleepOnceTheIdleSweepStopsIt()
    {
        await using var app = await SignInApp.StartAsync();
        using var repo = new GitFixture();
        var token = await DeployAsync(app, repo, 21);
        var comment = await CommentSayingAsync(app, 21, "(live)");

        Assert.Contains("/preview/acme/app/21/ (live)", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("/p/", comment, StringComparison.Ordinal);
        AssertSentToSignIn(await app.Factory.CreateAnonymousClient().GetAsync("/preview/acme/app/21/"), "/preview/acme/app/21/");
        var reader = await (await app.SignedInAsAsync("rita")).GetAsync("/preview/acme/app/21/");
        Assert.Equal(HttpStatusCode.Redirect, reader.StatusCode);
        Assert.Equal($"/p/{token}/", reader.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.SignedInAsAsync("stranger")).GetAsync("/preview/acme/app/21/")).StatusCode);

        // Stopped for idleness while the PR is open: asleep, and the same link wakes it.
        var registry = app.Factory.Services.GetRequiredService<DeploymentRegistry>();
        registry.Find(SignInApp.App, 21)!.MarkUsed(DateTimeOffset.UtcNow.AddDays(-1));
        using (var scope = app.Factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PreviewSweep>().RunAsync(default);
        }
        Assert.Null(registry.Find(SignInApp.App, 21));
        var asleep = await CommentSayingAsync(app, 21, "(asleep, wakes on the first visit)");
        Assert.Contains("/preview/acme/app/21/ (asleep, wakes on the first visit)", asleep, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_TheCommentCarriesTheCapabilityLink_WhichOpensForAnyone_WhileTheGuessableStableLinkStillNeedsSignIn()
    {
        await using var app = await SignInApp.StartAsync(s => s["Previews:Access"] = "link");
        using var repo = new GitFixture();
        var token = await DeployAsync(app, repo, 22);
        var comment = await CommentSayingAsync(app, 22, "(live)");

        Assert.Contains($"/p/{token}/ (live)", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("/preview/acme/app/22/", comment, StringComparison.Ordinal);
        foreach (var visitor in new[] { app.Factory.CreateAnonymousClient(), await app.SignedInAsAsync("stranger"), await app.SignedInAsAsync("rita") })
        {
            var served = await visitor.GetAsync($"/p/{token}/");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Contains("Sample app", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        AssertSentToSignIn(await app.Factory.CreateAnonymousClient().GetAsync("/preview/acme/app/22/"), "/preview/acme/app/22/");
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.SignedInAsAsync("stranger")).GetAsync("/preview/acme/app/22/")).StatusCode);
        await app.Factory.Services.GetRequiredService<IPreviewDeployments>().TeardownAsync(SignInApp.App, 22, default);
    }

    private static void AssertSentToSignIn(HttpResponseMessage answer, string returnTo)
    {
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = new Uri(new Uri("http://localhost/"), answer.Headers.Location!);
        Assert.Equal("/Account/SignIn", location.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(returnTo), location.Query, StringComparison.Ordinal);
    }

    /// <summary>A run of acme/app#<paramref name="pr"/> from the App's installation, and its preview deployed; returns the capability token.</summary>
    private static async Task<string> DeployAsync(SignInApp app, GitFixture repo, int pr)
    {
        app.GitHub.AddInstallation(Installation, "acme", repositories: new FakeRepository(5001, SignInApp.App));
        var run = await PreviewRuns.SeedAsync(app.Factory.Services, repo, SignInApp.App, pr, repo.HeadSha);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PipelineRun>().Where(r => r.Id == run.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.InstallationId, Installation));
        }
        var deployed = await app.Factory.Services.GetRequiredService<IPreviewDeployments>()
            .DeployAsync(PreviewRuns.Source(repo, SignInApp.App, pr), PreviewRuns.StartOnly, default);
        Assert.True(deployed.Succeeded, deployed.Error);
        return app.Factory.Services.GetRequiredService<DeploymentRegistry>().Find(SignInApp.App, pr)!.PreviewToken;
    }

    /// <summary>The PR's status comment once it says <paramref name="text"/> (a preview's start and stop refresh it in a job).</summary>
    private static async Task<string> CommentSayingAsync(SignInApp app, int pr, string text) =>
        await Poll.UntilAsync(
            () => Task.FromResult(app.GitHub.Comments.Values.SingleOrDefault(c => c.Repository == SignInApp.App && c.Number == pr)?.Body ?? ""),
            body => body.Contains(PullRequestComments.Marker, StringComparison.Ordinal) && body.Contains(text, StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), body => $"The comment on #{pr} never said '{text}': {body}");
}
