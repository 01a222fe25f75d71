using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen.Api;

/// <summary>
/// The documented Codegen API (REFERENCE.md) and nothing else. Rate limiting and retries live in
/// the HttpClient's handlers (<see cref="CodegenRateLimitHandler"/>, the resilience handler); this
/// class builds requests, reads replies leniently and turns error answers into <see cref="CodegenApiException"/>.
/// </summary>
public sealed class CodegenClient(HttpClient http, IOptions<CodegenOptions> options)
{
    public const int MaxPageSize = 100;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public bool IsConfigured => options.Value.IsConfigured;

    public Task<CodegenAgentRun> CreateRunAsync(CreateAgentRunRequest request, CancellationToken cancellationToken) =>
        SendAsync<CodegenAgentRun>(HttpMethod.Post, $"v1/organizations/{Org}/agent/run", request, cancellationToken);

    public Task<CodegenAgentRun> GetRunAsync(long runId, CancellationToken cancellationToken) =>
        SendAsync<CodegenAgentRun>(HttpMethod.Get, $"v1/organizations/{Org}/agent/run/{runId}", null,
            cancellationToken);

    public Task<CodegenPage<CodegenAgentRun>> ListRunsAsync(int skip, int limit, CancellationToken cancellationToken) =>
        SendAsync<CodegenPage<CodegenAgentRun>>(HttpMethod.Get,
            $"v1/organizations/{Org}/agent/runs?skip={skip}&limit={Math.Clamp(limit, 1, MaxPageSize)}", null,
            cancellationToken);

    public Task<CodegenAgentRun> ResumeRunAsync(long runId, string prompt, CancellationToken cancellationToken) =>
        SendAsync<CodegenAgentRun>(HttpMethod.Post, $"v1/organizations/{Org}/agent/run/resume",
            new ResumeAgentRunRequest(runId, prompt), cancellationToken);

    /// <summary>The alpha trace endpoint; <paramref name="reverse"/> asks for the newest entries first.</summary>
    public Task<CodegenRunLogs> GetLogsAsync(long runId, int skip, int limit, bool reverse,
        CancellationToken cancellationToken) =>
        SendAsync<CodegenRunLogs>(HttpMethod.Get,
            $"v1/alpha/organizations/{Org}/agent/run/{runId}/logs"
            + $"?skip={skip}&limit={Math.Clamp(limit, 1, MaxPageSize)}&reverse={(reverse ? "true" : "false")}",
            null, cancellationToken);

    public Task<CodegenPage<CodegenRepository>> ListRepositoriesAsync(int skip, int limit,
        CancellationToken cancellationToken) =>
        SendAsync<CodegenPage<CodegenRepository>>(HttpMethod.Get,
            $"v1/organizations/{Org}/repos?skip={skip}&limit={Math.Clamp(limit, 1, MaxPageSize)}", null,
            cancellationToken);

    /// <summary>
    /// Maps <c>owner/repo</c> to Codegen's <c>repo_id</c>, walking every page; null when the organization lacks it.
    /// </summary>
    public async Task<long?> FindRepositoryIdAsync(string fullName, CancellationToken cancellationToken)
    {
        for (var skip = 0; ; skip += MaxPageSize)
        {
            var page = await ListRepositoriesAsync(skip, MaxPageSize, cancellationToken);
            var items = page.Items ?? [];
            var match = items.FirstOrDefault(r =>
                string.Equals(r.FullName, fullName, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                return match.Id;
            }
            var lastPage = items.Count < MaxPageSize || (page.Total is { } total && skip + items.Count >= total);
            if (lastPage)
            {
                return null;
            }
        }
    }

    private string Org =>
        (options.Value.OrgId ?? throw new CodegenNotConfiguredException()).ToString(CultureInfo.InvariantCulture);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            throw new CodegenNotConfiguredException();
        }
        using var request = new HttpRequestMessage(method, new Uri(settings.ApiUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CodegenApiException(null,
                $"Codegen could not be reached at {settings.ApiUrl.Host}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CodegenApiException(null,
                $"Codegen did not answer within {http.Timeout.TotalSeconds:0} seconds.", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await CodegenApiException.FromResponseAsync(response, cancellationToken);
            }
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                    ?? throw new CodegenApiException(response.StatusCode, "Codegen answered with an empty body.");
            }
            catch (JsonException e)
            {
                throw new CodegenApiException(response.StatusCode,
                    $"Codegen's answer could not be read: {e.Message}", e);
            }
        }
    }
}
