using System.Net;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>The real app deploying the sample Node app into bubblewrap previews.</summary>
public sealed class PreviewDeploymentTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static readonly DeployConfig SampleConfig = new()
    {
        Setup = ["npm ci --offline --no-audit --no-fund", "mkdir -p build && date +%s%N > build/setup-stamp"],
        Start = "npm start",
        ReadyPath = "/",
        TimeoutSeconds = 60,
    };

    private IPreviewDeployments Deployments => factory.Services.GetRequiredService<IPreviewDeployments>();

    private DeploymentRegistry Registry => factory.Services.GetRequiredService<DeploymentRegistry>();

    private static SandboxSource Source(GitFixture repo, string repository, int pr, Dictionary<string, string>? secrets = null) =>
        new(1, repository, pr, repo.HeadSha, repo.CloneUrl, null, secrets ?? []);

    private static string UniqueRepository() => $"owner/app-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task SampleApp_StartsAndAnswersOnItsPort_ThroughTheCapabilityLink_AndTeardownLeavesNothingBehind()
    {
        using var repo = new GitFixture();
        var repository = UniqueRepository();

        var result = await Deployments.DeployAsync(Source(repo, repository, 7), SampleConfig, default);

        Assert.True(result.Succeeded, result.Error + string.Join("\n", result.Commands.Select(c => c.OutputTail)));
        using var http = new HttpClient();
        var page = await http.GetStringAsync(result.LocalUrl);
        Assert.Contains("<h1>Sample app</h1>", page, StringComparison.Ordinal);
        Assert.Equal($"/preview/{repository}/7/", result.PreviewPath);

        var admin = await factory.CreateSignedInClientAsync();
        var redirect = await admin.GetAsync(result.PreviewPath + "about?tab=team");
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var token = Registry.Find(repository, 7)!.PreviewToken;
        Assert.Equal($"/p/{token}/about?tab=team", redirect.Headers.Location?.OriginalString);

        // The capability link needs no sign-in: it is what the sandboxed page's own requests use.
        var anonymous = factory.CreateAnonymousClient();
        var proxied = await anonymous.GetAsync(redirect.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Contains("<h1>About</h1>", await proxied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("sandbox", proxied.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", proxied.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(proxied.Headers.Contains("Access-Control-Allow-Origin"));
        // The sandboxed page's own fetches come from an opaque origin, "null", and need CORS to read the answer.
        using var fromPage = new HttpRequestMessage(HttpMethod.Get, $"/p/{token}/about") { Headers = { { "Origin", "null" } } };
        Assert.Equal("*", (await anonymous.SendAsync(fromPage)).Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"/p/{token}/api")
        {
            Headers = { { "Origin", "null" }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "content-type" } },
        };
        var allowed = await anonymous.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("content-type", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single());
        var root = await anonymous.GetAsync($"/p/{token}");
        Assert.Equal($"/p/{token}/", root.Headers.Location?.OriginalString);
        // The stable path stays the admin's.
        var stable = await anonymous.GetAsync(result.PreviewPath);
        Assert.Equal(HttpStatusCode.Redirect, stable.StatusCode);
        Assert.StartsWith("/Account/SignIn", stable.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var processId = Registry.Find(repository, 7)!.Process.ProcessId;
        await Deployments.TeardownAsync(repository, 7, default);

        Assert.Null(Registry.Find(repository, 7));
        Assert.True(await SandboxTestKit.EventuallyAsync(() => !Directory.Exists($"/proc/{processId}"), TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(result.LocalUrl));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(result.PreviewPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/p/{token}/about")).StatusCode);
        Assert.Null(Registry.FindByToken(token));
    }

    [Fact]
    public async Task UnknownCapabilityToken_AnswersNotFound_WithoutSignIn_AndWithoutAHint()
    {
        var anonymous = factory.CreateAnonymousClient();
        var unknown = PreviewCapability.NewToken();

        var page = await anonymous.GetAsync($"/p/{unknown}/");
        var root = await anonymous.GetAsync($"/p/{unknown}");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        var body = await page.Content.ReadAsStringAsync();
        Assert.Contains("No preview is running at this address.", body, StringComparison.Ordinal);
        Assert.DoesNotContain(unknown, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondDeploy_WithUnchangedLockfile_RestoresTheSnapshotAndSkipsSetup_AChangedLockfileRebuilds()
    {
        using var repo = new GitFixture();
        var repository = UniqueRepository();
        var cold = await Deployments.DeployAsync(Source(repo, repository, 1), SampleConfig, default);
        Assert.True(cold.Succeeded, cold.Error);
        Assert.False(cold.SnapshotRestored);
        Assert.Equal([.. SampleConfig.Setup, "npm start"], cold.Commands.Select(c => c.Command));

        repo.Commit("change the page", new() { ["server.js"] = File.ReadAllText(Path.Combine(repo.Folder, "server.js")).Replace("Sample app</h1>", "Sample app v2</h1>", StringComparison.Ordinal) });
        var warm = await Deployments.DeployAsync(Source(repo, repository, 2), SampleConfig, default);

        Assert.True(warm.Succeeded, warm.Error);
        Assert.True(warm.SnapshotRestored);
        Assert.Equal(cold.SnapshotKey, warm.SnapshotKey);
        Assert.Equal(["npm start"], warm.Commands.Select(c => c.Command));
        using var http = new HttpClient();
        Assert.Contains("Sample app v2", await http.GetStringAsync(warm.LocalUrl), StringComparison.Ordinal);

        repo.Commit("lockfile change", new() { ["package-lock.json"] = File.ReadAllText(Path.Combine(repo.Folder, "package-lock.json")).Replace("1.0.0", "1.0.1", StringComparison.Ordinal), ["package.json"] = File.ReadAllText(Path.Combine(repo.Folder, "package.json")).Replace("1.0.0", "1.0.1", StringComparison.Ordinal) });
        var rebuilt = await Deployments.DeployAsync(Source(repo, repository, 2), SampleConfig, default);

        Assert.True(rebuilt.Succeeded, rebuilt.Error);
        Assert.False(rebuilt.SnapshotRestored);
        Assert.NotEqual(cold.SnapshotKey, rebuilt.SnapshotKey);
        Assert.Contains(rebuilt.Commands, c => c.Command.StartsWith("npm ci", StringComparison.Ordinal));
        await Deployments.TeardownAsync(repository, 1, default);
        await Deployments.TeardownAsync(repository, 2, default);
    }

    [Fact]
    public async Task NewHead_SupersedesTheRunningPreview_WithANewCapabilityLink_AndTheSameHeadIsIdempotent()
    {
        using var repo = new GitFixture();
        var repository = UniqueRepository();
        var first = await Deployments.DeployAsync(Source(repo, repository, 3), SampleConfig, default);
        var again = await Deployments.DeployAsync(Source(repo, repository, 3), SampleConfig, default);
        var firstProcess = Registry.Find(repository, 3)!.Process.ProcessId;
        var firstToken = Registry.Find(repository, 3)!.PreviewToken;
        Assert.Same(first, again);

        repo.Commit("next push");
        var second = await Deployments.DeployAsync(Source(repo, repository, 3), SampleConfig, default);

        Assert.True(second.Succeeded, second.Error);
        Assert.Equal(repo.HeadSha, Registry.Find(repository, 3)!.HeadSha);
        // The superseded deployment's capability link dies with it; the new one has its own.
        var newToken = Registry.Find(repository, 3)!.PreviewToken;
        Assert.NotEqual(firstToken, newToken);
        Assert.Null(Registry.FindByToken(firstToken));
        var anonymous = factory.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/p/{firstToken}/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/p/{newToken}/")).StatusCode);
        Assert.True(await SandboxTestKit.EventuallyAsync(() => !Directory.Exists($"/proc/{firstProcess}"), TimeSpan.FromSeconds(10)));
        await Deployments.TeardownAsync(repository, 3, default);
    }

    [Fact]
    public async Task FailingSetup_EndsTheDeployWithTheCommandAndItsOutput_AndSecretsMasked()
    {
        using var repo = new GitFixture();
        var config = SampleConfig with { Setup = ["echo \"connecting with $DB_PASSWORD\"; exit 3"] };

        var result = await Deployments.DeployAsync(Source(repo, UniqueRepository(), 4, new() { ["DB_PASSWORD"] = "hunter2-very-secret" }), config, default);

        Assert.False(result.Succeeded);
        Assert.False(result.InfrastructureError);
        var setup = Assert.Single(result.Commands);
        Assert.Equal(3, setup.ExitCode);
        Assert.Contains("connecting with ***", setup.OutputTail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", setup.OutputTail, StringComparison.Ordinal);
        Assert.Contains("setup command failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartCommandThatNeverAnswers_TimesOut_AndLeavesNoProcess()
    {
        using var repo = new GitFixture();
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.75";
        var config = SampleConfig with { Setup = [], Start = $"sleep {marker}", TimeoutSeconds = 3 };

        var result = await Deployments.DeployAsync(Source(repo, UniqueRepository(), 5), config, default);

        Assert.False(result.Succeeded);
        Assert.Contains("did not answer", result.Error, StringComparison.Ordinal);
        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesWith($"sleep {marker}").Count == 0, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task UnreachableRepository_IsAnInfrastructureError()
    {
        var source = new SandboxSource(1, UniqueRepository(), 6, new string('a', 40), new Uri("file:///nonexistent/repo"), null, new Dictionary<string, string>());

        var result = await Deployments.DeployAsync(source, SampleConfig, default);

        Assert.False(result.Succeeded);
        Assert.True(result.InfrastructureError);
        Assert.Contains("could not fetch", result.Error, StringComparison.Ordinal);
    }
}
