using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>
/// Commit statuses (the older API other CI services post to): <c>GET /repos/{o}/{r}/commits/{ref}/statuses</c>
/// with each context's latest state.
/// </summary>
public sealed partial class FakeGitHub
{
    /// <summary>The latest state per context, by (repository, SHA): pending, success, failure or error.</summary>
    public ConcurrentDictionary<(string Repository, string Sha), ConcurrentDictionary<string, string>> CommitStatuses { get; } = new();

    public void SetCommitStatus(string repository, string sha, string context, string state) =>
        CommitStatuses.GetOrAdd((repository, sha), _ => new(StringComparer.Ordinal))[context] = state;

    partial void MapStatusEndpoints(WebApplication webApp)
    {
        foreach (var repo in RepoGroups(webApp))
        {
            // The list endpoint: every status, newest first, paginated (the fake serves one page).
            repo.MapGet("/commits/{reference}/statuses", (string owner, string repo, string reference) =>
            {
                var repository = $"{owner}/{repo}";
                var statuses = CommitStatuses.TryGetValue((repository, reference), out var found) ? found.ToArray() : [];
                return Results.Json(new JsonArray([.. statuses.Select((s, i) => (JsonNode)new JsonObject
                {
                    ["id"] = i + 1,
                    ["node_id"] = $"SC_{i + 1}",
                    ["url"] = $"https://api.github.com/repos/{repository}/statuses/{reference}",
                    ["state"] = s.Value,
                    ["context"] = s.Key,
                    ["description"] = $"{s.Key} is {s.Value}",
                    ["target_url"] = "https://ci.example.com/build/1",
                    ["created_at"] = "2026-01-01T00:00:00Z",
                    ["updated_at"] = "2026-01-01T00:00:00Z",
                    ["creator"] = new JsonObject { ["login"] = "jenkins", ["id"] = 7 },
                })]));
            });
        }
    }
}
