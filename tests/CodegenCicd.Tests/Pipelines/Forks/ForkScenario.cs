using System.Text.Json.Nodes;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Pipelines.Forks;

/// <summary>
/// The scenario: a stranger's fork PR from a branch named <c>release</c> (a branch the base repository
/// has too) whose configuration file empties <c>web_eval.pages</c>, while the base branch keeps the sample's pages.
/// </summary>
internal static class ForkScenario
{
    public const string Fork = "stranger/sample-fork";
    public const string Author = "stranger";
    public const string SharedBranch = "release";

    public static readonly string NoPagesConfig = SampleRepository.DefaultConfig.Replace("pages: [\"/\", \"/about\"]", "pages: []", StringComparison.Ordinal);

    /// <summary>Points the PR at a fork head and returns that head's SHA.</summary>
    public static string OpenFrom(PipelineHarness harness, string association, string? baseConfig = null, string? headConfig = null)
    {
        var head = harness.Sample.Commit("fork: nothing to test", headConfig ?? NoPagesConfig);
        // The base branch moves on with its own file; the fork's head keeps the emptied one.
        harness.Sample.SetBranch("main", baseConfig ?? SampleRepository.DefaultConfig);
        var pr = harness.PullRequestState;
        (pr.HeadSha, pr.HeadRef, pr.HeadRepository, pr.AuthorLogin, pr.AuthorAssociation) = (head, SharedBranch, Fork, Author, association);
        harness.GitHub.Branches[(harness.Repository, SharedBranch)] = "1111111111111111111111111111111111111111";
        return head;
    }

    /// <summary>Makes a pull_request payload say what GitHub says for a fork PR by <see cref="Author"/>.</summary>
    public static Action<JsonObject> Payload(PipelineHarness harness) => payload =>
    {
        var pull = payload["pull_request"]!.AsObject();
        var headRepo = pull["head"]!["repo"]!.AsObject();
        headRepo["id"] = 555_000_111;
        headRepo["full_name"] = Fork;
        pull["author_association"] = harness.PullRequestState.AuthorAssociation;
        pull["user"]!["login"] = harness.PullRequestState.AuthorLogin;
    };

    public static async Task SetPolicyAsync(AppFactory app, PipelineHarness harness, ForkPolicy policy)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = await db.Set<Project>().SingleAsync(p => p.FullName == harness.Repository);
        project.Settings = project.Settings with { Forks = policy };
        await db.SaveChangesAsync();
    }

    public static async Task AddSecretAsync(AppFactory app, PipelineHarness harness, string name, string value)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var project = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Project>().SingleAsync(p => p.FullName == harness.Repository);
        await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().SetAsync(project.Id, name, value, CancellationToken.None);
    }

    /// <summary>Presses a button on one of the run's check runs, as <paramref name="sender"/>.</summary>
    public static Task PressAsync(PipelineHarness harness, AppFactory app, Infrastructure.FakeGitHub.FakeCheckRun check, string identifier, string sender) =>
        harness.DeliverAsync(app, "check_run.requested_action", patch: payload =>
        {
            payload["check_run"]!["id"] = check.Id;
            payload["check_run"]!["external_id"] = check.ExternalId;
            payload["requested_action"] = new JsonObject { ["identifier"] = identifier };
            payload["sender"]!["login"] = sender;
        });
}
