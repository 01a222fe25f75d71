using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

public sealed class FakePullRequest
{
    public required string Repository { get; init; }
    public int Number { get; init; }
    public required string HeadSha { get; set; }
    public string HeadRef { get; set; } = "feature";
    public string BaseRef { get; set; } = "main";
    public bool Draft { get; set; }
    public string State { get; set; } = "open";
    public bool? Mergeable { get; set; } = true;
    public string MergeableState { get; set; } = "clean";
    public ConcurrentBag<string> Labels { get; set; } = [];
    public bool Merged { get; set; }
    public string? MergeCommitSha { get; set; }
    public List<(string User, string State)> Reviews { get; } = [];
    public string AuthorLogin { get; set; } = "octocat";
    /// <summary>GitHub's <c>author_association</c> of the author with the base repository.</summary>
    public string AuthorAssociation { get; set; } = "OWNER";
    /// <summary>The fork the head lives in (<c>owner/name</c>); null for a branch of the repository itself.</summary>
    public string? HeadRepository { get; set; }
}

public sealed record FakeMerge(string Repository, int Number, string Sha, string Method, string MergeCommitSha);

public sealed record FakeComment(long Id, string Repository, int Number, string Body);

/// <summary>
/// Pull requests: get, merge (405 when not mergeable or already merged, 409 when <c>sha</c> is not
/// the head; merges are recorded), update-branch, reviews, labels, and issue comments.
/// </summary>
public sealed partial class FakeGitHub
{
    private long nextCommentId = 5_000;

    public ConcurrentDictionary<(string Repository, int Number), FakePullRequest> PullRequests { get; } = new();

    public ConcurrentQueue<FakeMerge> Merges { get; } = new();

    public ConcurrentDictionary<long, FakeComment> Comments { get; } = new();

    /// <summary>Accepted update-branch calls: (repository, number, the <c>expected_head_sha</c> sent, if any).</summary>
    public ConcurrentQueue<(string Repository, int Number, string? ExpectedHeadSha)> BranchUpdates { get; } = new();

    public FakePullRequest AddPullRequest(string repository, int number, string headSha)
    {
        var pr = new FakePullRequest { Repository = repository, Number = number, HeadSha = headSha };
        PullRequests[(repository, number)] = pr;
        return pr;
    }

    partial void MapPullRequestEndpoints(WebApplication webApp)
    {
        foreach (var repo in RepoGroups(webApp))
        {
            repo.MapGet("/pulls/{number:int}", (string owner, string repo, int number) =>
                FindPullRequest(owner, repo, number) is { } pr ? Results.Json(PullRequestJson(pr)) : Error(404, "Not Found"));
            repo.MapPut("/pulls/{number:int}/merge", async (string owner, string repo, int number, HttpContext context) =>
            {
                if (FindPullRequest(owner, repo, number) is not { } pr)
                {
                    return Error(404, "Not Found");
                }
                var body = await ReadJsonAsync(context) ?? [];
                lock (pr)
                {
                    if (pr.Merged || pr.State != "open" || pr.Mergeable != true)
                    {
                        return Error(405, "Pull Request is not mergeable");
                    }
                    if (body["sha"]?.GetValue<string>() is { } sha && sha != pr.HeadSha)
                    {
                        return Error(409, "Head branch was modified. Review and try the merge again.");
                    }
                    if (pr.MergeableState == "behind" && RequiresUpToDateBranch(pr))
                    {
                        return Error(405, "Head branch is out of date. Review and try the merge again.");
                    }
                    var method = body["merge_method"]?.GetValue<string>() ?? "merge";
                    pr.Merged = true;
                    pr.State = "closed";
                    pr.MergeCommitSha = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
                    Merges.Enqueue(new FakeMerge(pr.Repository, number, body["sha"]?.GetValue<string>() ?? "", method, pr.MergeCommitSha));
                    return Results.Json(new JsonObject { ["sha"] = pr.MergeCommitSha, ["merged"] = true, ["message"] = "Pull Request successfully merged" });
                }
            });
            repo.MapPut("/pulls/{number:int}/update-branch", async (string owner, string repo, int number, HttpContext context) =>
            {
                if (FindPullRequest(owner, repo, number) is not { } pr)
                {
                    return Error(404, "Not Found");
                }
                var expected = (await ReadJsonAsync(context))?["expected_head_sha"]?.GetValue<string>();
                lock (pr)
                {
                    if (expected is not null && expected != pr.HeadSha)
                    {
                        return Error(422, "expected head sha didn't match current head ref.");
                    }
                    if (pr.MergeableState == "dirty")
                    {
                        return Error(422, "merge conflict between base and head");
                    }
                    // GitHub merges the base into the head branch: a new head, up to date.
                    BranchUpdates.Enqueue((pr.Repository, number, expected));
                    pr.HeadSha = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
                    pr.MergeableState = "clean";
                }
                return Results.Json(new JsonObject { ["message"] = "Updating pull request branch.", ["url"] = $"https://github.com/{pr.Repository}/pull/{number}" }, statusCode: 202);
            });
            repo.MapGet("/pulls/{number:int}/reviews", (string owner, string repo, int number) =>
                FindPullRequest(owner, repo, number) is { } pr
                    ? Results.Json(new JsonArray([.. pr.Reviews.Select((r, i) => (JsonNode)new JsonObject
                    {
                        ["id"] = i + 1,
                        ["user"] = new JsonObject { ["login"] = r.User, ["id"] = i + 100 },
                        ["state"] = r.State,
                        ["submitted_at"] = DateTimeOffset.UnixEpoch.AddMinutes(i).ToString("O"),
                        ["commit_id"] = pr.HeadSha,
                    })]))
                    : Error(404, "Not Found"));
            repo.MapGet("/issues/{number:int}/labels", (string owner, string repo, int number) =>
                FindPullRequest(owner, repo, number) is { } pr ? Results.Json(LabelsJson(pr)) : Error(404, "Not Found"));
            repo.MapGet("/issues/{number:int}/comments", (string owner, string repo, int number) =>
                Results.Json(new JsonArray([.. Comments.Values.Where(c => c.Repository == $"{owner}/{repo}" && c.Number == number)
                    .OrderBy(c => c.Id).Select(c => (JsonNode)CommentJson(c))])));
            repo.MapPost("/issues/{number:int}/comments", async (string owner, string repo, int number, HttpContext context) =>
            {
                if ((await ReadJsonAsync(context))?["body"]?.GetValue<string>() is not { Length: > 0 } body)
                {
                    return Error(422, "Invalid request: body is required");
                }
                var comment = new FakeComment(Interlocked.Increment(ref nextCommentId), $"{owner}/{repo}", number, body);
                Comments[comment.Id] = comment;
                return Results.Json(CommentJson(comment), statusCode: 201);
            });
            repo.MapMethods("/issues/comments/{id:long}", ["PATCH"], async (string owner, string repo, long id, HttpContext context) =>
            {
                if (!Comments.TryGetValue(id, out var comment) || comment.Repository != $"{owner}/{repo}")
                {
                    return Error(404, "Not Found");
                }
                var body = (await ReadJsonAsync(context))?["body"]?.GetValue<string>() ?? comment.Body;
                Comments[id] = comment with { Body = body };
                return Results.Json(CommentJson(Comments[id]));
            });
        }
    }

    private bool RequiresUpToDateBranch(FakePullRequest pr) =>
        BranchProtections.TryGetValue((pr.Repository, pr.BaseRef), out var protection)
        && protection["required_status_checks"]?["strict"]?.GetValue<bool>() == true;

    private FakePullRequest? FindPullRequest(string owner, string repo, int number) =>
        PullRequests.TryGetValue(($"{owner}/{repo}", number), out var pr) ? pr : null;

    private static JsonArray LabelsJson(FakePullRequest pr) =>
        new([.. pr.Labels.Select((l, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["name"] = l, ["color"] = "ededed" })]);

    private static JsonObject CommentJson(FakeComment comment) => new()
    {
        ["id"] = comment.Id,
        ["body"] = comment.Body,
        ["html_url"] = $"https://github.com/{comment.Repository}/pull/{comment.Number}#issuecomment-{comment.Id}",
        ["user"] = new JsonObject { ["login"] = "codegencicd[bot]", ["id"] = 1 },
        ["created_at"] = "2026-01-01T00:00:00Z",
        ["updated_at"] = "2026-01-01T00:00:00Z",
    };

    private static JsonObject PullRequestJson(FakePullRequest pr)
    {
        JsonObject Branch(string reference, string sha, string repository) => new()
        {
            ["ref"] = reference,
            ["sha"] = sha,
            ["label"] = reference,
            ["repo"] = new JsonObject { ["id"] = RepositoryId(repository), ["full_name"] = repository, ["name"] = repository.Split('/')[1] },
        };
        return new JsonObject
        {
            ["id"] = pr.Number * 1000,
            ["number"] = pr.Number,
            ["state"] = pr.State,
            ["title"] = $"PR {pr.Number}",
            ["html_url"] = $"https://github.com/{pr.Repository}/pull/{pr.Number}",
            ["draft"] = pr.Draft,
            ["merged"] = pr.Merged,
            ["merged_at"] = pr.Merged ? "2026-01-01T00:00:00Z" : null,
            ["merge_commit_sha"] = pr.MergeCommitSha,
            ["mergeable"] = pr.Mergeable,
            ["mergeable_state"] = pr.MergeableState,
            ["labels"] = LabelsJson(pr),
            ["head"] = Branch(pr.HeadRef, pr.HeadSha, pr.HeadRepository ?? pr.Repository),
            ["base"] = Branch(pr.BaseRef, "0000000000000000000000000000000000000000", pr.Repository),
            ["user"] = new JsonObject { ["login"] = pr.AuthorLogin, ["id"] = 1 },
            ["author_association"] = pr.AuthorAssociation,
        };
    }
}
