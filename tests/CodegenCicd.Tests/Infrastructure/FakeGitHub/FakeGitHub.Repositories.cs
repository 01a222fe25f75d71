using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>
/// <c>/repos/{o}/{r}</c>: the repository, file contents at a ref (from an in-memory map or a local
/// git repository), branch protection, and deleting refs. Every repository endpoint requires a
/// live installation token.
/// </summary>
public sealed partial class FakeGitHub
{
    /// <summary>Files by (repository, ref, path); a ref may be a SHA or a branch name.</summary>
    public ConcurrentDictionary<(string Repository, string Ref, string Path), string> Files { get; } = new();

    /// <summary>Repositories whose contents are served from a local git repository (<c>git show REF:PATH</c>).</summary>
    public ConcurrentDictionary<string, string> GitRepositories { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Branch protection JSON by (repository, branch); absent means 404 "Branch not protected".</summary>
    public ConcurrentDictionary<(string Repository, string Branch), JsonObject> BranchProtections { get; } = new();

    /// <summary>Branch heads by (repository, branch), served by <c>GET /branches/{branch}</c>.</summary>
    public ConcurrentDictionary<(string Repository, string Branch), string> Branches { get; } = new();

    /// <summary>
    /// Permissions by (repository, login) for <c>GET /collaborators/{login}/permission</c> (admin, write, read…);
    /// anyone not listed has "read", as on a public repository.
    /// </summary>
    public ConcurrentDictionary<(string Repository, string Login), string> Permissions { get; } = new();

    /// <summary>Logins whose permission was asked, in order.</summary>
    public ConcurrentQueue<string> PermissionChecks { get; } = new();

    /// <summary>Refs deleted through <c>DELETE /git/refs/…</c>, e.g. "owner/repo heads/feature".</summary>
    public ConcurrentQueue<string> DeletedRefs { get; } = new();

    partial void MapRepositoryEndpoints(WebApplication webApp)
    {
        foreach (var repo in RepoGroups(webApp))
        {
            repo.MapGet("/", (string owner, string repo, HttpContext context) =>
            {
                var json = new JsonObject
                {
                    ["id"] = RepositoryId($"{owner}/{repo}"),
                    ["name"] = repo,
                    ["full_name"] = $"{owner}/{repo}",
                    ["owner"] = new JsonObject { ["login"] = owner },
                    ["default_branch"] = "main",
                    ["private"] = false,
                };
                // Asked with a user's token: what that user may do, as GitHub adds it (or 404, as for a private repository they cannot see).
                if (UserOf(context.Request.Headers.Authorization.ToString()) is { } login)
                {
                    if (!UserPermissions.TryGetValue(($"{owner}/{repo}", login), out var permission))
                    {
                        return Error(404, "Not Found");
                    }
                    json["permissions"] = new JsonObject
                    {
                        ["admin"] = permission == "admin",
                        ["maintain"] = permission is "admin" or "maintain",
                        ["push"] = permission is "admin" or "maintain" or "write",
                        ["triage"] = permission is "admin" or "maintain" or "write" or "triage",
                        ["pull"] = true,
                    };
                }
                return Results.Json(json);
            });
            repo.MapGet("/contents/{**path}", async (string owner, string repo, string path, string? @ref) =>
            {
                var content = await ReadFileAsync($"{owner}/{repo}", @ref ?? "main", path);
                return content is null ? Error(404, "Not Found") : Results.Json(new JsonObject
                {
                    ["type"] = "file",
                    ["encoding"] = "base64",
                    ["name"] = Path.GetFileName(path),
                    ["path"] = path,
                    ["sha"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(content))),
                    ["size"] = Encoding.UTF8.GetByteCount(content),
                    ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(content)),
                });
            });
            repo.MapGet("/branches/{branch}", (string owner, string repo, string branch) =>
                Branches.TryGetValue(($"{owner}/{repo}", branch), out var sha)
                    ? Results.Json(new JsonObject
                    {
                        ["name"] = branch,
                        ["commit"] = new JsonObject { ["sha"] = sha, ["url"] = $"{BaseUrl}repos/{owner}/{repo}/commits/{sha}" },
                        ["protected"] = BranchProtections.ContainsKey(($"{owner}/{repo}", branch)),
                    })
                    : Error(404, "Branch not found"));
            repo.MapGet("/branches/{branch}/protection", (string owner, string repo, string branch) =>
                BranchProtections.TryGetValue(($"{owner}/{repo}", branch), out var protection)
                    ? Results.Json(protection)
                    : Error(404, "Branch not protected"));
            repo.MapGet("/collaborators/{login}/permission", (string owner, string repo, string login) =>
            {
                PermissionChecks.Enqueue(login);
                var permission = Permissions.GetValueOrDefault(($"{owner}/{repo}", login), "read");
                return Results.Json(new JsonObject
                {
                    ["permission"] = permission,
                    ["role_name"] = permission,
                    ["user"] = new JsonObject { ["login"] = login, ["id"] = 42 },
                });
            });
            repo.MapDelete("/git/refs/{**reference}", (string owner, string repo, string reference) =>
            {
                DeletedRefs.Enqueue($"{owner}/{repo} {reference}");
                return Results.NoContent();
            });
        }
    }

    /// <summary>The repository routes under both API roots Octokit may use (<c>/</c> and GitHub Enterprise's <c>/api/v3/</c>).</summary>
    private IEnumerable<RouteGroupBuilder> RepoGroups(WebApplication webApp) =>
        new[] { "", "/api/v3" }.Select(root => webApp.MapGroup(root + "/repos/{owner}/{repo}").AddEndpointFilter(async (context, next) =>
            TryAuthenticateInstallation(context.HttpContext.Request.Headers.Authorization.ToString(), out _)
                // A user token reads the repository itself (with its permissions), nothing else here.
                || (UserOf(context.HttpContext.Request.Headers.Authorization.ToString()) is not null
                    && HttpMethods.IsGet(context.HttpContext.Request.Method) && context.HttpContext.Request.RouteValues.Count == 2)
                ? await next(context)
                : Error(401, "Bad credentials")));

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext context) =>
        context.Request.ContentLength is 0 ? null : JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject;

    private static long RepositoryId(string fullName) => Math.Abs((long)StringComparer.OrdinalIgnoreCase.GetHashCode(fullName)) + 1;

    private async Task<string?> ReadFileAsync(string repository, string reference, string path)
    {
        if (Files.TryGetValue((repository, reference, path), out var content))
        {
            return content;
        }
        if (!GitRepositories.TryGetValue(repository, out var directory))
        {
            return null;
        }
        var git = Process.Start(new ProcessStartInfo("git", ["-C", directory, "show", $"{reference}:{path}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var text = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        return git.ExitCode == 0 ? text : null;
    }
}
