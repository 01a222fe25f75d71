using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// Codegen's API on loopback (REFERENCE.md): create, get, list, resume, alpha logs, repos — with the
/// real shapes, upper-case statuses, both <c>created_at</c> formats, FastAPI-style errors and the
/// 429 body <c>{message, status_code}</c>. It checks the bearer token and the org id on every call.
/// Each run follows a script of statuses, advanced one step per GET, like an agent working.
/// </summary>
public sealed class FakeCodegen : IAsyncDisposable
{
    private readonly WebApplication app;
    private long nextRunId = 9000;

    private FakeCodegen(WebApplication app) => this.app = app;

    public long OrgId { get; } = 321;

    public string Token { get; } = "cg_test_" + Guid.NewGuid().ToString("N");

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request in arrival order, with its time and body.</summary>
    public ConcurrentQueue<CodegenRequest> Requests { get; } = new();

    public ConcurrentDictionary<long, FakeAgentRun> Runs { get; } = new();

    /// <summary>The organization's repositories (ids from 500); the one tests use is <c>acme/widgets</c>, on the second page.</summary>
    public List<(long Id, string FullName)> Repositories { get; } =
        [.. Enumerable.Range(0, 120).Select(i => (500L + i, $"acme/filler-{i}")), (77L, "acme/widgets")];

    /// <summary>One-shot answers served before the normal handler, matched by method and path suffix.</summary>
    public ConcurrentQueue<(string Method, string PathSuffix, Func<HttpContext, Task> Respond)> Overrides { get; } = new();

    /// <summary>The script a new run follows; by default it plans: PENDING → ACTIVE → COMPLETE with a plan.</summary>
    public Func<FakeAgentRun, IEnumerable<FakeStep>> OnCreate { get; set; } = _ =>
        [new("PENDING"), new("ACTIVE"), new("COMPLETE", "Plan:\n1. Add the endpoint in src/api.ts\n2. Cover it with a test")];

    /// <summary>
    /// The script after a resume. By default the first GET still shows the previous answer (as Codegen
    /// does until the agent picks the prompt up), then the agent works and answers; a confirmation opens a PR.
    /// </summary>
    public Func<FakeAgentRun, string, IEnumerable<FakeStep>> OnResume { get; set; } = (run, prompt) =>
        prompt.StartsWith("Plan confirmed.", StringComparison.Ordinal)
            ? [new("COMPLETE", run.Result), new("RUNNING"), new("COMPLETE", "Implemented; opened a pull request", OpensPullRequest: true)]
            : [new("COMPLETE", run.Result), new("ACTIVE"), new("COMPLETE", $"Pushed fix {run.Prompts.Count}")];

    public static async Task<FakeCodegen> StartAsync()
    {
        var webApp = LoopbackServer.Create();
        var fake = new FakeCodegen(webApp);
        fake.Configure(webApp);
        fake.BaseUrl = await LoopbackServer.StartAsync(webApp);
        return fake;
    }

    /// <summary>Settings that point the app at this fake.</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        settings["Codegen:ApiUrl"] = BaseUrl.ToString();
        settings["Codegen:OrgId"] = OrgId.ToString(CultureInfo.InvariantCulture);
        settings["Codegen:ApiToken"] = Token;
        settings["Codegen:RetryDelay"] = "00:00:00.020";
    }

    public IEnumerable<CodegenRequest> Received(string method, string pathSuffix) =>
        Requests.Where(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

    public static Func<HttpContext, Task> RateLimited(int? retryAfterSeconds) => async context =>
    {
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        await Results.Json(new JsonObject { ["message"] = "Rate limit exceeded", ["status_code"] = 429 }, statusCode: 429).ExecuteAsync(context);
    };

    public static Func<HttpContext, Task> Error(int status, string detail) =>
        context => Results.Json(new JsonObject { ["detail"] = detail }, statusCode: status).ExecuteAsync(context);

    private void Configure(WebApplication webApp)
    {
        webApp.Use(async (context, next) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Items["body"] = body;
            Requests.Enqueue(new CodegenRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", body, DateTimeOffset.UtcNow));
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await Error(403, "Invalid or missing API token")(context);
                return;
            }
            foreach (var candidate in Overrides)
            {
                if (candidate.Method == context.Request.Method && context.Request.Path.Value!.EndsWith(candidate.PathSuffix, StringComparison.Ordinal)
                    && TakeOverride(candidate))
                {
                    await candidate.Respond(context);
                    return;
                }
            }
            await next(context);
        });
        var org = webApp.MapGroup("/v1/organizations/{org:long}").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.RouteValues["org"]?.ToString() == OrgId.ToString(CultureInfo.InvariantCulture) ? await next(context)
                : Results.Json(new JsonObject { ["detail"] = "Organization not found" }, statusCode: 404));
        org.MapPost("/agent/run", (HttpRequest request) => Create((string)request.HttpContext.Items["body"]!));
        org.MapGet("/agent/run/{id:long}", (long id) => Runs.TryGetValue(id, out var run) ? Results.Json(Advance(run).ToJson()) : NotFound());
        org.MapPost("/agent/run/resume", (HttpRequest request) => Resume((string)request.HttpContext.Items["body"]!));
        org.MapGet("/agent/runs", (int? skip, int? limit) =>
            Page([.. Runs.Values.OrderByDescending(r => r.Id).Select(r => r.ToJson())], skip ?? 0, limit ?? 100));
        org.MapGet("/repos", (int? skip, int? limit) => Page(
            [.. Repositories.Select(r => new JsonObject { ["id"] = r.Id, ["name"] = r.FullName.Split('/')[1], ["full_name"] = r.FullName })],
            skip ?? 0, limit ?? 100));
        webApp.MapGet("/v1/alpha/organizations/{org:long}/agent/run/{id:long}/logs", (long id, bool? reverse) =>
            Runs.TryGetValue(id, out var run) ? Results.Json(run.LogsJson(reverse == true)) : NotFound());
    }

    private IResult Create(string body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        if (json["prompt"]?.GetValue<string>() is not { Length: > 0 } prompt)
        {
            return Results.Json(new JsonObject { ["detail"] = new JsonArray(new JsonObject
            {
                ["loc"] = new JsonArray("body", "prompt"), ["msg"] = "Field required", ["type"] = "missing",
            }) }, statusCode: 422);
        }
        var run = new FakeAgentRun(Interlocked.Increment(ref nextRunId), OrgId, json["repo_id"]?.GetValue<long?>());
        run.Prompts.Add(prompt);
        run.Metadata = json["metadata"]?.DeepClone();
        foreach (var step in OnCreate(run))
        {
            run.Script.Enqueue(step);
        }
        Runs[run.Id] = run;
        return Results.Json(run.ToJson());
    }

    private IResult Resume(string body)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        if (json["agent_run_id"]?.GetValue<long>() is not { } id || !Runs.TryGetValue(id, out var run))
        {
            return NotFound();
        }
        var prompt = json["prompt"]!.GetValue<string>();
        run.Prompts.Add(prompt);
        run.Script.Clear();
        foreach (var step in OnResume(run, prompt))
        {
            run.Script.Enqueue(step);
        }
        return Results.Json(run.ToJson());
    }

    private static FakeAgentRun Advance(FakeAgentRun run)
    {
        if (run.Script.TryDequeue(out var step))
        {
            run.Status = step.Status;
            run.Result = step.Result ?? (step.Status == "COMPLETE" ? run.Result : null);
            if (step.OpensPullRequest)
            {
                var number = 40 + run.PullRequests.Count + 1;
                run.PullRequests.Add(new JsonObject
                {
                    ["id"] = 7000 + number, ["title"] = "Add the endpoint", ["url"] = $"https://github.com/acme/widgets/pull/{number}",
                    ["created_at"] = "2025-06-21 11:20:04.338398", ["head_branch_name"] = $"codegen-bot/add-endpoint-{run.Id}",
                });
            }
        }
        return run;
    }

    private static IResult Page(List<JsonObject> all, int skip, int limit) => Results.Json(new JsonObject
    {
        ["items"] = new JsonArray([.. all.Skip(skip).Take(limit)]),
        ["total"] = all.Count,
        ["page"] = (skip / Math.Max(limit, 1)) + 1,
        ["size"] = limit,
        ["pages"] = (all.Count + limit - 1) / Math.Max(limit, 1),
    });

    private static IResult NotFound() => Results.Json(new JsonObject { ["detail"] = "Agent run not found" }, statusCode: 404);

    private bool TakeOverride((string, string, Func<HttpContext, Task>) candidate)
    {
        lock (Overrides)
        {
            var items = Overrides.ToList();
            var index = items.IndexOf(candidate);
            if (index < 0)
            {
                return false;
            }
            items.RemoveAt(index);
            Overrides.Clear();
            items.ForEach(Overrides.Enqueue);
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record CodegenRequest(string Method, string Path, string Query, string Body, DateTimeOffset At)
{
    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);
}

/// <param name="OpensPullRequest">The agent opens a PR at this step (it appears in <c>github_pull_requests</c>).</param>
public sealed record FakeStep(string Status, string? Result = null, bool OpensPullRequest = false);

public sealed class FakeAgentRun(long id, long orgId, long? repoId)
{
    public long Id { get; } = id;

    public long? RepoId { get; } = repoId;

    public string Status { get; set; } = "PENDING";

    public string? Result { get; set; }

    public JsonNode? Metadata { get; set; }

    public List<string> Prompts { get; } = [];

    public ConcurrentQueue<FakeStep> Script { get; } = new();

    public List<JsonObject> PullRequests { get; } = [];

    /// <summary>Trace entries served by the alpha logs endpoint.</summary>
    public List<JsonObject> Logs { get; } = [];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["organization_id"] = orgId,
        ["status"] = Status,
        // Codegen mixes formats; odd ids use the space-separated one.
        ["created_at"] = Id % 2 == 1 ? "2025-06-21 11:20:04.338398" : "2025-06-21T11:20:04.338398+00:00",
        ["web_url"] = $"https://codegen.com/agent/trace/{Id}",
        ["result"] = Result,
        ["summary"] = null,
        ["source_type"] = "API",
        ["github_pull_requests"] = new JsonArray([.. PullRequests.Select(p => p.DeepClone())]),
        ["metadata"] = Metadata?.DeepClone(),
    };

    public JsonObject LogsJson(bool reverse)
    {
        var json = ToJson();
        IEnumerable<JsonObject> logs = reverse ? Enumerable.Reverse(Logs) : Logs;
        json["logs"] = new JsonArray([.. logs.Select(l => l.DeepClone())]);
        json["total_logs"] = Logs.Count;
        json["page"] = 1;
        json["size"] = 100;
        json["pages"] = 1;
        return json;
    }

    public override string ToString() => JsonSerializer.Serialize(ToJson());
}
