using System.Net;
using CodegenCicd.Codegen.Api;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Codegen;

public sealed class CodegenClientTests
{
    [Fact]
    public async Task CreateThenGet_ReadsUpperCaseStatusesBothDateFormatsAndPullRequests()
    {
        await using var host = await CodegenClientHost.StartAsync();
        host.Fake.OnCreate = _ => [new("ACTIVE"), new("COMPLETE", "done", OpensPullRequest: true)];

        var created = await host.Client.CreateRunAsync(new CreateAgentRunRequest("Add a health endpoint", RepoId: 77), default);
        var working = await host.Client.GetRunAsync(created.Id, default);
        var done = await host.Client.GetRunAsync(created.Id, default);

        Assert.Equal(CodegenRunState.Running, created.State);
        Assert.Equal(new DateTimeOffset(2025, 6, 21, 11, 20, 4, TimeSpan.Zero), created.CreatedAt!.Value.AddTicks(-3383980));
        Assert.Equal("ACTIVE", working.Status);
        Assert.Equal(CodegenRunState.Complete, done.State);
        Assert.Equal("done", done.Result);
        var pr = Assert.Single(done.PullRequests);
        Assert.Equal($"codegen-bot/add-endpoint-{created.Id}", pr.HeadBranchName);
        Assert.NotNull(pr.CreatedAt);
        var sent = host.Fake.Received("POST", "/agent/run").Single();
        Assert.Equal(77, sent.Json!["repo_id"]!.GetValue<long>());
        Assert.StartsWith($"/v1/organizations/{host.Fake.OrgId}/", sent.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("COMPLETE", CodegenRunState.Complete)]
    [InlineData("complete", CodegenRunState.Complete)]
    [InlineData("PENDING", CodegenRunState.Running)]
    [InlineData("RUNNING", CodegenRunState.Running)]
    [InlineData("EVALUATING_SOMETHING_NEW", CodegenRunState.Running)]
    [InlineData(null, CodegenRunState.Running)]
    [InlineData("PAUSED", CodegenRunState.Paused)]
    [InlineData("Error", CodegenRunState.Failed)]
    [InlineData("FAILED", CodegenRunState.Failed)]
    [InlineData("STOPPED", CodegenRunState.Stopped)]
    [InlineData("CANCELLED", CodegenRunState.Stopped)]
    public void Status_IsComparedCaseInsensitively_AndUnknownMeansRunning(string? status, CodegenRunState expected) =>
        Assert.Equal(expected, CodegenRunStates.Parse(status));

    [Theory]
    [InlineData("2025-06-21 11:20:04.338398")]
    [InlineData("2025-06-21T11:20:04.338398Z")]
    [InlineData("2025-06-21T13:20:04.338398+02:00")]
    public void CreatedAt_ParsesEitherFormat_AsUtc(string text) =>
        Assert.Equal(new DateTimeOffset(2025, 6, 21, 11, 20, 4, 338, TimeSpan.Zero), LenientDateTimeConverter.Parse(text)!.Value.AddTicks(-3980));

    [Fact]
    public async Task ListRunsAndRepositories_ArePaged_AndRepositoryMapsOnALaterPage()
    {
        await using var host = await CodegenClientHost.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await host.Client.CreateRunAsync(new CreateAgentRunRequest($"task {i}"), default);
        }

        var page = await host.Client.ListRunsAsync(skip: 1, limit: 2, default);
        var repoId = await host.Client.FindRepositoryIdAsync("ACME/Widgets", default);
        var missing = await host.Client.FindRepositoryIdAsync("acme/unknown", default);

        Assert.Equal(3, page.Total);
        Assert.Equal(2, page.Items!.Count);
        Assert.Equal(77, repoId);
        Assert.Null(missing);
        Assert.Contains(host.Fake.Requests, r => r.Path.EndsWith("/repos", StringComparison.Ordinal) && r.Query.Contains("skip=100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_AreReadFromTheAlphaEndpoint_NewestFirst()
    {
        await using var host = await CodegenClientHost.StartAsync();
        var run = await host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default);
        host.Fake.Runs[run.Id].Logs.Add(new() { ["agent_run_id"] = run.Id, ["created_at"] = "2025-06-21 11:20:05.1", ["message_type"] = "ACTION", ["thought"] = "Looking around", ["tool_name"] = "ripgrep_search", ["tool_input"] = new System.Text.Json.Nodes.JsonObject { ["query"] = "x" } });
        host.Fake.Runs[run.Id].Logs.Add(new() { ["agent_run_id"] = run.Id, ["created_at"] = "2025-06-21T11:21:00Z", ["message_type"] = "PLAN_EVALUATION", ["thought"] = "The plan" });

        var logs = await host.Client.GetLogsAsync(run.Id, 0, 10, reverse: true, default);

        Assert.Equal(["PLAN_EVALUATION", "ACTION"], logs.Entries.Select(e => e.MessageType));
        Assert.Equal(2, logs.TotalLogs);
        Assert.StartsWith($"/v1/alpha/organizations/{host.Fake.OrgId}/agent/run/{run.Id}/logs", host.Fake.Requests.Last().Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        await using var host = await CodegenClientHost.StartAsync();
        var run = await host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default);
        host.Fake.Overrides.Enqueue(("GET", $"/agent/run/{run.Id}", FakeCodegen.RateLimited(retryAfterSeconds: 1)));

        var fetched = await host.Client.GetRunAsync(run.Id, default);

        var attempts = host.Fake.Received("GET", $"/agent/run/{run.Id}").ToList();
        Assert.Equal(run.Id, fetched.Id);
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {attempts[1].At - attempts[0].At}");
    }

    [Fact]
    public async Task RateLimited_WithALongRetryAfter_FailsAtOnceWithTheRateLimitMessage()
    {
        await using var host = await CodegenClientHost.StartAsync();
        host.Fake.Overrides.Enqueue(("GET", "/agent/runs", FakeCodegen.RateLimited(retryAfterSeconds: 3600)));

        var error = await Assert.ThrowsAsync<CodegenApiException>(() => host.Client.ListRunsAsync(0, 10, default));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Contains("rate limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rate limit exceeded", error.Message, StringComparison.Ordinal);
        Assert.Single(host.Fake.Received("GET", "/agent/runs"));
    }

    [Fact]
    public async Task RateLimited_WithoutRetryAfter_BacksOffAndRetriesEvenACreation()
    {
        await using var host = await CodegenClientHost.StartAsync();
        host.Fake.Overrides.Enqueue(("POST", "/agent/run", FakeCodegen.RateLimited(retryAfterSeconds: null)));
        host.Fake.Overrides.Enqueue(("POST", "/agent/run", FakeCodegen.RateLimited(retryAfterSeconds: null)));

        var run = await host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default);

        Assert.Equal(3, host.Fake.Received("POST", "/agent/run").Count());
        Assert.Single(host.Fake.Runs);
        Assert.True(host.Fake.Runs.ContainsKey(run.Id));
    }

    [Fact]
    public async Task ServerError_IsRetriedForReads_ButNotForCreation()
    {
        await using var host = await CodegenClientHost.StartAsync();
        host.Fake.Overrides.Enqueue(("POST", "/agent/run", FakeCodegen.Error(502, "Bad gateway")));
        var failure = await Assert.ThrowsAsync<CodegenApiException>(() => host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default));
        var run = await host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default);
        host.Fake.Overrides.Enqueue(("GET", $"/agent/run/{run.Id}", FakeCodegen.Error(503, "Service unavailable")));

        var fetched = await host.Client.GetRunAsync(run.Id, default);

        Assert.Equal(HttpStatusCode.BadGateway, failure.StatusCode);
        Assert.Contains("unavailable", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, host.Fake.Received("POST", "/agent/run").Count());
        Assert.Equal(2, host.Fake.Received("GET", $"/agent/run/{run.Id}").Count());
        Assert.Equal(run.Id, fetched.Id);
    }

    [Theory]
    [InlineData(402, "plan limit")]
    [InlineData(403, "refused access")]
    [InlineData(404, "does not know")]
    [InlineData(422, "invalid")]
    public async Task ErrorAnswers_BecomeClearMessages_WithoutRetry(int status, string expected)
    {
        await using var host = await CodegenClientHost.StartAsync();
        host.Fake.Overrides.Enqueue(("POST", "/agent/run", FakeCodegen.Error(status, "upstream says no")));

        var error = await Assert.ThrowsAsync<CodegenApiException>(() => host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default));

        Assert.Equal(status, (int)error.StatusCode!);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("upstream says no", error.Message, StringComparison.Ordinal);
        Assert.Single(host.Fake.Received("POST", "/agent/run"));
        Assert.Empty(host.Fake.Runs);
    }

    [Fact]
    public async Task WrongToken_IsRefusedByCodegen_AndSaysWhichSettingsToCheck()
    {
        await using var host = await CodegenClientHost.StartAsync(s => s["Codegen:ApiToken"] = "not-the-token");

        var error = await Assert.ThrowsAsync<CodegenApiException>(() => host.Client.GetRunAsync(1, default));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("Codegen:ApiToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", error.Message, StringComparison.Ordinal);
    }
}
