using System.Collections.Concurrent;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Api;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.WebEval;
using Octokit;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>Octokit clients pointed at the fake GitHub with tokens it issued (stands in for the App's client factory).</summary>
public sealed class FakeGitHubClients(
    Infrastructure.FakeGitHub.FakeGitHub fake, IHttpMessageHandlerFactory? appHandlers = null) : IGitHubAppClients
{
    private readonly ConcurrentDictionary<long, string> tokens = new();

    public Task<IGitHubClient> ForInstallationAsync(long installationId, CancellationToken cancellationToken)
    {
        var token = tokens.GetOrAdd(installationId, id => fake.IssueInstallationToken(id).Token);
        var credentials = new Octokit.Internal.InMemoryCredentialStore(
            new Credentials(token, AuthenticationType.Bearer));
        // With the app's handlers, requests take the app's own GitHub pipeline (its retries) as in production.
        var connection = appHandlers is null
            ? new Connection(new ProductHeaderValue("codegencicd-tests"), fake.BaseUrl, credentials)
            : new Connection(new ProductHeaderValue("codegencicd-tests"), fake.BaseUrl, credentials,
                new Octokit.Internal.HttpClientAdapter(() => appHandlers.CreateHandler(GitHubAppApi.HttpClientName)),
                new Octokit.Internal.SimpleJsonSerializer());
        return Task.FromResult<IGitHubClient>(new GitHubClient(connection));
    }

    public Task<string> GetInstallationTokenAsync(long installationId, CancellationToken cancellationToken) =>
        Task.FromResult(tokens.GetOrAdd(installationId, id => fake.IssueInstallationToken(id).Token));
}

/// <summary>
/// The sandbox seam, controlled per test: healthy by default; a test may fail the setup, fail the
/// infrastructure, or hold a deploy until it is released. It checks the commit exists in the clone URL's repository.
/// </summary>
public sealed class FakeDeployments : IPreviewDeployments
{
    public ConcurrentQueue<SandboxSource> Deploys { get; } = new();

    /// <summary>Every analysis run in a sandbox (with <see cref="Deploys"/>: every time the PR's code ran).</summary>
    public ConcurrentQueue<SandboxSource> Analyses { get; } = new();

    public ConcurrentQueue<(string Repository, int PullRequest)> Teardowns { get; } = new();

    public Func<SandboxSource, DeployConfig, CancellationToken, Task<DeployResult>>? OnDeploy { get; set; }

    public Func<SandboxSource, AnalysisConfig, AnalysisResult>? OnAnalyze { get; set; }

    /// <summary>Runs before a teardown is recorded; throwing makes the teardown fail.</summary>
    public Action<string, int>? OnTeardown { get; set; }

    /// <summary>Set when a deploy begins (tests wait on it to act mid-stage).</summary>
    public TaskCompletionSource DeployStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<AnalysisResult> AnalyzeAsync(SandboxSource source, AnalysisConfig config, CancellationToken cancellationToken)
    {
        Analyses.Enqueue(source);
        return Task.FromResult(OnAnalyze?.Invoke(source, config)
            ?? new AnalysisResult(true, [.. config.Commands.Select(c => new CommandResult(c, 0, TimeSpan.FromMilliseconds(5), "ok", false))], []));
    }

    public async Task<DeployResult> DeployAsync(SandboxSource source, DeployConfig config, CancellationToken cancellationToken)
    {
        Deploys.Enqueue(source);
        DeployStarted.TrySetResult();
        if (OnDeploy is not null)
        {
            return await OnDeploy(source, config, cancellationToken);
        }
        return Healthy(source, config);
    }

    /// <summary>The pipeline never only prepares (that is the admin site's "Run now").</summary>
    public Task<DeployResult> PrepareAsync(SandboxSource source, DeployConfig config, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The pipeline deploys; only Run now prepares.");

    /// <summary>
    /// Deploys hang until their stage is cancelled (only the first one with <paramref name="onlyFirst"/>;
    /// later ones are healthy). The result completes when a held deploy was cancelled.
    /// </summary>
    public TaskCompletionSource HoldUntilCancelled(bool onlyFirst = false)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        OnDeploy = async (source, config, ct) =>
        {
            if (onlyFirst && Deploys.Count > 1)
            {
                return Healthy(source, config);
            }
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                stopped.TrySetResult();
                throw;
            }
            return Healthy(source, config);
        };
        return stopped;
    }

    public static DeployResult Healthy(SandboxSource source, DeployConfig config) => new(true,
        [.. config.Setup.Append(config.Start!).Select(c => new CommandResult(c, 0, TimeSpan.FromMilliseconds(10), "done", false))],
        false, "snap-1", new Uri("http://127.0.0.1:45678/"), $"/preview/{source.Repository}/{source.PullRequest}/");

    public Task TeardownAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        OnTeardown?.Invoke(repository, pullRequest);
        Teardowns.Enqueue((repository, pullRequest));
        return Task.CompletedTask;
    }
}

/// <summary>The browser seam, controlled per test: passes unless told otherwise.</summary>
public sealed class FakeWebEvaluator : IWebEvaluator
{
    public ConcurrentQueue<WebEvalRequest> Requests { get; } = new();

    public Func<WebEvalRequest, WebEvalOutcome>? OnEvaluate { get; set; }

    public Task<WebEvalOutcome> EvaluateAsync(WebEvalRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return Task.FromResult(OnEvaluate?.Invoke(request)
            ?? new WebEvalOutcome(WebEvalVerdict.Passed, $"{request.Config.Pages.Count} pages loaded without errors", "All pages passed.", Path.Combine(request.ArtifactDirectory, "report.json")));
    }
}
