using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>A repository as the fake holds it.</summary>
public sealed record FakeRepository(long Id, string FullName, bool Private = false, string DefaultBranch = "main");

/// <summary>An installation of the App, with the repositories it can reach.</summary>
public sealed class FakeInstallation(long id, string account, string accountType)
{
    public long Id { get; } = id;

    public string Account { get; } = account;

    public string AccountType { get; } = accountType;

    public DateTimeOffset? SuspendedAt { get; set; }

    public ConcurrentDictionary<long, FakeRepository> Repositories { get; } = new();
}

/// <summary>The App's own endpoints: /app, installations, installation tokens, repositories, manifest conversions, hook deliveries.</summary>
public sealed partial class FakeGitHub
{
    private readonly ConcurrentDictionary<long, FakeInstallation> installations = new();
    private readonly ConcurrentDictionary<string, string> manifestCodes = new(StringComparer.Ordinal);
    private int accessTokenRequests;

    public string AppSlug { get; } = "codegencicd-test";

    public string WebhookSecret { get; } = "fake-webhook-secret-" + Guid.NewGuid().ToString("N");

    /// <summary>Lifetime of the installation tokens it issues (GitHub: one hour).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many times <c>POST /app/installations/{id}/access_tokens</c> was answered with a token.</summary>
    public int AccessTokenRequests => Volatile.Read(ref accessTokenRequests);

    /// <summary>Seeds an installation that <c>GET /app/installations</c> lists and that can get tokens.</summary>
    public FakeInstallation AddInstallation(long id, string account, string accountType = "Organization", params FakeRepository[] repositories)
    {
        var installation = new FakeInstallation(id, account, accountType);
        foreach (var repository in repositories)
        {
            installation.Repositories[repository.Id] = repository;
        }
        installations[id] = installation;
        return installation;
    }

    public void RemoveInstallation(long id) => installations.TryRemove(id, out _);

    /// <summary>A code GitHub would hand back on the manifest redirect; it converts once, as on GitHub.</summary>
    public string CreateManifestCode()
    {
        var code = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));
        manifestCodes[code] = code;
        return code;
    }

    // Handlers declare Task<IResult>: a lambda taking only HttpContext and returning a plain Task would
    // bind as a RequestDelegate, and its result would be dropped (an empty 200).
    partial void MapAppEndpoints(WebApplication webApp)
    {
        webApp.MapGet("/app", async Task<IResult> (HttpContext context) => await AsAppAsync(context, () => Results.Json(new JsonObject
        {
            ["id"] = AppId,
            ["slug"] = AppSlug,
            ["client_id"] = "Iv1.fakeclient",
            ["html_url"] = $"https://github.com/apps/{AppSlug}",
        })));

        webApp.MapGet("/app/installations", async Task<IResult> (HttpContext context) => await AsAppAsync(context, () =>
            Results.Json(Page(installations.Values.OrderBy(i => i.Id), context).Select(InstallationJson).ToArray())));

        webApp.MapPost("/app/installations/{id:long}/access_tokens", async (HttpContext context, long id) => await AsAppAsync(context, () =>
        {
            if (!installations.TryGetValue(id, out var installation))
            {
                return Error(404, "Not Found");
            }
            if (installation.SuspendedAt is not null)
            {
                return Error(403, "This installation has been suspended");
            }
            Interlocked.Increment(ref accessTokenRequests);
            var (token, expiresAt) = IssueInstallationToken(id, TokenLifetime);
            return Results.Json(new JsonObject
            {
                ["token"] = token,
                ["expires_at"] = expiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["permissions"] = new JsonObject { ["checks"] = "write", ["contents"] = "write", ["pull_requests"] = "write" },
                ["repository_selection"] = "selected",
            }, statusCode: 201);
        }));

        webApp.MapGet("/installation/repositories", (HttpContext context) =>
        {
            if (!TryAuthenticateInstallation(context.Request.Headers.Authorization.ToString(), out var installationId))
            {
                return Error(401, "Bad credentials");
            }
            var repositories = installations.TryGetValue(installationId, out var installation)
                ? installation.Repositories.Values.OrderBy(r => r.Id).ToList()
                : [];
            return Results.Json(new JsonObject
            {
                ["total_count"] = repositories.Count,
                ["repository_selection"] = "selected",
                ["repositories"] = new JsonArray(Page(repositories, context).Select(RepositoryJson).ToArray()),
            });
        });

        webApp.MapPost("/app-manifests/{code}/conversions", (string code) =>
        {
            // No authentication: the one-time code is the credential (valid for an hour on GitHub).
            if (!manifestCodes.TryRemove(code, out _))
            {
                return Error(404, "Not Found");
            }
            return Results.Json(new JsonObject
            {
                ["id"] = AppId,
                ["slug"] = AppSlug,
                ["node_id"] = "A_kwDOfake",
                ["name"] = "CodegenCICD",
                ["html_url"] = $"https://github.com/apps/{AppSlug}",
                ["client_id"] = "Iv1.fakeclient",
                ["client_secret"] = "fake-client-secret",
                ["webhook_secret"] = WebhookSecret,
                ["pem"] = PrivateKeyPem,
            }, statusCode: 201);
        });

        MapHookEndpoints(webApp);
    }

    /// <summary>/app/hook/deliveries (cursor pages), redelivery attempts, /app/hook/config (FakeGitHub.Hooks.cs).</summary>
    partial void MapHookEndpoints(WebApplication webApp);

    private async Task<IResult> AsAppAsync(HttpContext context, Func<IResult> respond)
    {
        var problem = await ValidateAppJwtAsync(context.Request.Headers.Authorization.ToString());
        return problem is null ? respond() : Error(401, problem);
    }

    private static IEnumerable<T> Page<T>(IEnumerable<T> items, HttpContext context)
    {
        var perPage = int.TryParse(context.Request.Query["per_page"], CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(context.Request.Query["page"], CultureInfo.InvariantCulture, out var n) ? Math.Max(n, 1) : 1;
        return items.Skip((page - 1) * perPage).Take(perPage);
    }

    private static JsonObject InstallationJson(FakeInstallation installation) => new()
    {
        ["id"] = installation.Id,
        ["account"] = new JsonObject { ["login"] = installation.Account, ["id"] = installation.Id * 10, ["type"] = installation.AccountType },
        ["repository_selection"] = "selected",
        ["html_url"] = $"https://github.com/organizations/{installation.Account}/settings/installations/{installation.Id}",
        ["app_id"] = 424242,
        ["suspended_at"] = installation.SuspendedAt?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    private static JsonObject RepositoryJson(FakeRepository repository) => new()
    {
        ["id"] = repository.Id,
        ["name"] = repository.FullName.Split('/')[1],
        ["full_name"] = repository.FullName,
        ["private"] = repository.Private,
        ["default_branch"] = repository.DefaultBranch,
    };
}
