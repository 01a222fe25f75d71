using System.Text.Json.Serialization;

namespace CodegenCicd.GitHub.Api;

// The subset of GitHub's REST shapes the App itself reads (snake_case on the wire).

public sealed record InstallationTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

public sealed record GitHubAccount(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("login")] string Login,
    [property: JsonPropertyName("type")] string? Type);

public sealed record GitHubInstallation(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("account")] GitHubAccount? Account,
    [property: JsonPropertyName("repository_selection")] string? RepositorySelection,
    [property: JsonPropertyName("html_url")] string? HtmlUrl,
    [property: JsonPropertyName("suspended_at")] DateTimeOffset? SuspendedAt);

public sealed record GitHubRepository(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("full_name")] string FullName,
    [property: JsonPropertyName("private")] bool Private,
    [property: JsonPropertyName("default_branch")] string? DefaultBranch);

public sealed record InstallationRepositoriesPage(
    [property: JsonPropertyName("total_count")] int TotalCount,
    [property: JsonPropertyName("repositories")] IReadOnlyList<GitHubRepository> Repositories);

public sealed record GitHubApp(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("slug")] string? Slug,
    [property: JsonPropertyName("html_url")] string? HtmlUrl,
    [property: JsonPropertyName("client_id")] string? ClientId);

/// <summary>The answer of <c>POST /app-manifests/{code}/conversions</c>.</summary>
public sealed record ManifestConversion(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("slug")] string? Slug,
    [property: JsonPropertyName("html_url")] string HtmlUrl,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("client_secret")] string? ClientSecret,
    [property: JsonPropertyName("webhook_secret")] string? WebhookSecret,
    [property: JsonPropertyName("pem")] string Pem);
