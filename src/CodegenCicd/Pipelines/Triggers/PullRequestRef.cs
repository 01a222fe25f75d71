using System.Text.Json;

namespace CodegenCicd.Pipelines.Triggers;

/// <summary>The pull request a pipeline validates, as read from a webhook payload.</summary>
/// <param name="FromFork">
/// The head lives in another repository (or one since deleted): its code is not trusted with the project's secrets.
/// </param>
public sealed record PullRequestRef(
    string Repository,
    long? InstallationId,
    int Number,
    string HeadSha,
    string HeadBranch,
    string BaseBranch,
    string? Url,
    string CloneUrl,
    bool Draft,
    bool FromFork = false,
    string? Title = null,
    string? Author = null,
    string? AuthorAssociation = null)
{
    /// <summary>From a <c>pull_request</c> object and the payload's repository.</summary>
    public static PullRequestRef FromPullRequest(JsonElement pullRequest, JsonElement repository,
        long? installationId) => new(
        repository.GetProperty("full_name").GetString()!,
        installationId,
        pullRequest.GetProperty("number").GetInt32(),
        pullRequest.GetProperty("head").GetProperty("sha").GetString()!,
        pullRequest.GetProperty("head").GetProperty("ref").GetString() ?? "",
        pullRequest.GetProperty("base").GetProperty("ref").GetString() ?? "",
        pullRequest.TryGetProperty("html_url", out var url) ? url.GetString() : null,
        repository.GetProperty("clone_url").GetString()!,
        pullRequest.TryGetProperty("draft", out var draft) && draft.ValueKind == JsonValueKind.True,
        IsFromFork(pullRequest),
        pullRequest.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
            ? title.GetString()
            : null,
        pullRequest.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
            && user.TryGetProperty("login", out var login)
            ? login.GetString()
            : null,
        pullRequest.TryGetProperty("author_association", out var association)
            && association.ValueKind == JsonValueKind.String
            ? association.GetString()
            : null);

    /// <summary>
    /// A PR whose head repository is not its base repository, or whose head repository is gone
    /// (GitHub sends <c>head.repo: null</c> once a fork is deleted), is a fork PR.
    /// </summary>
    public static bool IsFromFork(JsonElement pullRequest)
    {
        if (!pullRequest.GetProperty("head").TryGetProperty("repo", out var head)
            || head.ValueKind != JsonValueKind.Object
            || !head.TryGetProperty("id", out var headId))
        {
            return true;
        }
        return !pullRequest.GetProperty("base").GetProperty("repo").TryGetProperty("id", out var baseId)
            || headId.GetInt64() != baseId.GetInt64();
    }

    /// <summary>The PRs listed on a check suite or check run (number, head and base only).</summary>
    public static IEnumerable<PullRequestRef> FromCheckPayload(JsonElement checkObject, JsonElement repository,
        long? installationId)
    {
        if (!checkObject.TryGetProperty("pull_requests", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        var repositoryId = repository.GetProperty("id").GetInt64();
        foreach (var pr in list.EnumerateArray())
        {
            // A check suite also lists PRs of other repositories that share the commit (forks); only ours count.
            if (pr.GetProperty("base").GetProperty("repo").GetProperty("id").GetInt64() != repositoryId)
            {
                continue;
            }
            yield return new(
                repository.GetProperty("full_name").GetString()!,
                installationId,
                pr.GetProperty("number").GetInt32(),
                pr.GetProperty("head").GetProperty("sha").GetString()!,
                pr.GetProperty("head").GetProperty("ref").GetString() ?? "",
                pr.GetProperty("base").GetProperty("ref").GetString() ?? "",
                null,
                repository.GetProperty("clone_url").GetString()!,
                Draft: false,
                FromFork: IsFromFork(pr));
        }
    }
}
