using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>A check run as the fake holds it; every create/update is kept in <see cref="Updates"/>.</summary>
public sealed class FakeCheckRun
{
    public long Id { get; init; }
    public required string Repository { get; init; }
    public required string Name { get; init; }
    public required string HeadSha { get; init; }
    public string Status { get; set; } = "queued";
    public string? Conclusion { get; set; }
    public string? ExternalId { get; set; }
    public string? DetailsUrl { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
    public string? Text { get; set; }
    public List<JsonObject> Annotations { get; } = [];
    public List<string> ActionIdentifiers { get; set; } = [];
    public ConcurrentQueue<JsonObject> Updates { get; } = new();
}

/// <summary>
/// <c>POST/PATCH /repos/{o}/{r}/check-runs</c> and the list for a ref, with GitHub's limits: ≤ 50
/// annotations per request, summary and text ≤ 65 535 chars, ≤ 3 actions (label ≤ 20, description ≤ 40,
/// identifier ≤ 20); a completed run needs a conclusion.
/// </summary>
public sealed partial class FakeGitHub
{
    private long nextCheckRunId = 9_000;

    public ConcurrentDictionary<long, FakeCheckRun> CheckRuns { get; } = new();

    /// <summary>While set, every check-run update hangs until it is released: a slow or unreachable GitHub.</summary>
    public RequestHold? CheckRunUpdateHold { get; set; }

    /// <summary>The check runs of one commit with one name, oldest first.</summary>
    public IReadOnlyList<FakeCheckRun> CheckRunsFor(string headSha, string name) =>
        [.. CheckRuns.Values.Where(c => c.HeadSha == headSha && c.Name == name).OrderBy(c => c.Id)];

    partial void MapCheckEndpoints(WebApplication webApp)
    {
        foreach (var repo in RepoGroups(webApp))
        {
            repo.MapPost("/check-runs", async (string owner, string repo, HttpContext context) =>
            {
                var body = await ReadJsonAsync(context);
                if (body?["name"]?.GetValue<string>() is not { Length: > 0 } name || body["head_sha"]?.GetValue<string>() is not { Length: > 0 } sha)
                {
                    return Error(422, "Invalid request: name and head_sha are required");
                }
                var check = new FakeCheckRun { Id = Interlocked.Increment(ref nextCheckRunId), Repository = $"{owner}/{repo}", Name = name, HeadSha = sha };
                if (ApplyCheckUpdate(check, body) is { } error)
                {
                    return error;
                }
                CheckRuns[check.Id] = check;
                return Results.Json(CheckRunJson(check), statusCode: 201);
            });
            repo.MapMethods("/check-runs/{id:long}", ["PATCH"], async (string owner, string repo, long id, HttpContext context) =>
            {
                if (CheckRunUpdateHold is { } hold)
                {
                    await hold.WaitAsync(context.RequestAborted);
                }
                if (!CheckRuns.TryGetValue(id, out var check) || check.Repository != $"{owner}/{repo}")
                {
                    return Error(404, "Not Found");
                }
                var body = await ReadJsonAsync(context);
                lock (check)
                {
                    return ApplyCheckUpdate(check, body ?? []) ?? Results.Json(CheckRunJson(check));
                }
            });
            repo.MapGet("/commits/{sha}/check-runs", (string owner, string repo, string sha, string? check_name) =>
            {
                var runs = CheckRuns.Values.Where(c => c.Repository == $"{owner}/{repo}" && c.HeadSha == sha && (check_name is null || c.Name == check_name))
                    .OrderBy(c => c.Id).Select(c => (JsonNode)CheckRunJson(c)).ToArray();
                return Results.Json(new JsonObject { ["total_count"] = runs.Length, ["check_runs"] = new JsonArray(runs) });
            });
        }
    }

    private static IResult? ApplyCheckUpdate(FakeCheckRun check, JsonObject body)
    {
        var output = body["output"] as JsonObject;
        var annotations = output?["annotations"] as JsonArray ?? [];
        if (annotations.Count > 50)
        {
            return Error(422, "Invalid request: only 50 annotations are allowed per request");
        }
        foreach (var field in new[] { "summary", "text" })
        {
            if (output?[field]?.GetValue<string>() is { Length: > 65_535 })
            {
                return Error(422, $"Invalid request: output.{field} is too long (maximum is 65535 characters)");
            }
        }
        if (body["actions"] is JsonArray actions)
        {
            if (actions.Count > 3)
            {
                return Error(422, "Invalid request: only 3 actions are allowed");
            }
            foreach (var action in actions.OfType<JsonObject>())
            {
                if (Length(action, "label") is 0 or > 20 || Length(action, "description") is 0 or > 40 || Length(action, "identifier") is 0 or > 20)
                {
                    return Error(422, "Invalid request: action label ≤ 20, description ≤ 40, identifier ≤ 20 characters");
                }
            }
            check.ActionIdentifiers = [.. actions.Select(a => a!["identifier"]!.GetValue<string>())];
        }
        var status = body["status"]?.GetValue<string>() ?? (body["conclusion"] is not null ? "completed" : check.Status);
        var conclusion = body["conclusion"]?.GetValue<string>();
        if (status == "completed" && conclusion is null && check.Conclusion is null)
        {
            return Error(422, "Invalid request: conclusion is required when status is completed");
        }
        if (conclusion is "action_required" && (body["details_url"] ?? (JsonNode?)check.DetailsUrl) is null)
        {
            return Error(422, "Invalid request: details_url is required when conclusion is action_required");
        }
        check.Status = status;
        check.Conclusion = status == "completed" ? conclusion ?? check.Conclusion : null;
        check.ExternalId = body["external_id"]?.GetValue<string>() ?? check.ExternalId;
        check.DetailsUrl = body["details_url"]?.GetValue<string>() ?? check.DetailsUrl;
        if (output is not null)
        {
            check.Title = output["title"]?.GetValue<string>() ?? check.Title;
            check.Summary = output["summary"]?.GetValue<string>() ?? check.Summary;
            check.Text = output["text"]?.GetValue<string>() ?? check.Text;
            check.Annotations.AddRange(annotations.OfType<JsonObject>().Select(a => (JsonObject)a.DeepClone()));
        }
        check.Updates.Enqueue((JsonObject)body.DeepClone());
        return null;
    }

    private static int Length(JsonObject node, string field) => node[field]?.GetValue<string>().Length ?? 0;

    private static JsonObject CheckRunJson(FakeCheckRun check) => new()
    {
        ["id"] = check.Id,
        ["name"] = check.Name,
        ["head_sha"] = check.HeadSha,
        ["status"] = check.Status,
        ["conclusion"] = check.Conclusion,
        ["external_id"] = check.ExternalId,
        ["details_url"] = check.DetailsUrl,
        ["html_url"] = $"https://github.com/{check.Repository}/runs/{check.Id}",
        ["started_at"] = "2026-01-01T00:00:00Z",
        ["output"] = new JsonObject { ["title"] = check.Title, ["summary"] = check.Summary, ["text"] = check.Text, ["annotations_count"] = check.Annotations.Count },
        ["pull_requests"] = new JsonArray(),
    };
}
