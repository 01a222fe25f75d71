using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Codegen;

public sealed class AgentRunFlowTests
{
    [Fact]
    public async Task Target_BecomesACodegenRun_WithThePlanningStatementInItsPrompt()
    {
        await using var app = await AgentRunsApp.StartAsync();

        var run = await app.StartRunAsync("Add a /health endpoint that reports the version");

        var sent = app.Codegen.Received("POST", "/agent/run").Single().Json!;
        var prompt = sent["prompt"]!.GetValue<string>();
        Assert.Contains("We build small, tested changes. Keep the public API stable.", prompt, StringComparison.Ordinal);
        Assert.Contains("Add a /health endpoint that reports the version", prompt, StringComparison.Ordinal);
        Assert.Contains("reply with a plan only", prompt, StringComparison.Ordinal);
        Assert.Equal(77, sent["repo_id"]!.GetValue<long>());
        Assert.Equal(prompt, run.Prompt);
        Assert.Equal(AgentRunStatus.Planning, run.Status);
        Assert.Equal(app.Codegen.Runs.Keys.Single(), run.CodegenRunId);
        Assert.Equal($"https://codegen.com/agent/trace/{run.CodegenRunId}", run.WebUrl);
        Assert.Equal("We build small, tested changes. Keep the public API stable.", run.PlanningStatement);
    }

    [Fact]
    public async Task Plan_WaitsForConfirmation_AndConfirmingResumesTheRunUntilItOpensAPullRequest()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await app.StartRunAsync("Add a /health endpoint");

        var pending = await app.PollAsync(run.Id);
        var active = await app.PollAsync(run.Id);
        var planned = await app.PollAsync(run.Id);
        var stillWaiting = await app.PollAsync(run.Id);

        Assert.Equal(AgentRunStatus.Planning, pending.Status);
        Assert.Equal("ACTIVE", active.CodegenStatus);
        Assert.Equal(AgentRunStatus.AwaitingConfirmation, planned.Status);
        Assert.StartsWith("Plan:\n1. Add the endpoint", planned.Plan, StringComparison.Ordinal);
        Assert.Equal(AgentRunStatus.AwaitingConfirmation, stillWaiting.Status);
        Assert.Empty(app.Codegen.Received("POST", "/agent/run/resume"));
        var listed = await app.Api.GetFromJsonAsync<JsonArray>($"/api/projects/{app.ProjectId}/agent-runs");
        Assert.Equal("AwaitingConfirmation", listed![0]!["status"]!.GetValue<string>());
        Assert.Equal("Awaiting confirmation", listed[0]!["statusLabel"]!.GetValue<string>());

        var confirm = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/confirm", new { prompt = "Also document it in the README." });
        confirm.EnsureSuccessStatusCode();

        var resume = app.Codegen.Received("POST", "/agent/run/resume").Single().Json!;
        Assert.Equal(run.CodegenRunId, resume["agent_run_id"]!.GetValue<long>());
        Assert.StartsWith("Plan confirmed.", resume["prompt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Also document it in the README.", resume["prompt"]!.GetValue<string>(), StringComparison.Ordinal);

        // Codegen still shows the plan's COMPLETE until the agent picks the confirmation up: that is not the end.
        var stale = await app.PollAsync(run.Id);
        Assert.Equal(AgentRunStatus.Implementing, stale.Status);
        var done = await app.PollUntilAsync(run.Id, AgentRunStatus.Completed);

        var pr = Assert.Single(done.PullRequests);
        Assert.Equal("https://github.com/acme/widgets/pull/41", pr.Url);
        Assert.Equal("Implemented; opened a pull request", done.Result);
        Assert.Contains(done.History, h => h.Note.Contains("Plan confirmed with adjusted instructions", StringComparison.Ordinal));
        Assert.Contains(done.History, h => h.CodegenStatus == "RUNNING");
    }

    [Fact]
    public async Task AutoConfirm_ResumesAsSoonAsThePlanArrives()
    {
        await using var app = await AgentRunsApp.StartAsync(new ProjectSettings { AutoConfirmPlans = true, PlanningStatement = "Be brief." });
        var run = await app.StartRunAsync("Fix the typo on the home page");

        var implementing = await app.PollUntilAsync(run.Id, AgentRunStatus.Implementing);

        Assert.True(implementing.AutoConfirm);
        Assert.Equal("Plan:\n1. Add the endpoint in src/api.ts\n2. Cover it with a test", implementing.Plan);
        Assert.StartsWith("Plan confirmed.", app.Codegen.Received("POST", "/agent/run/resume").Single().Json!["prompt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(implementing.History, h => h.Note.Contains("automatically", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfirmationCodegenRefuses_LeavesThePlanWaiting_WithTheReason_AndCanBeConfirmedAgain()
    {
        await using var app = await AgentRunsApp.StartAsync(new ProjectSettings { AutoConfirmPlans = true });
        app.Codegen.Overrides.Enqueue(("POST", "/agent/run/resume", FakeCodegen.Error(422, "prompt too long")));
        app.Codegen.Overrides.Enqueue(("POST", "/agent/run/resume", FakeCodegen.Error(403, "token revoked")));
        var run = await app.StartRunAsync("Add a footer");

        var afterAuto = await app.PollUntilAsync(run.Id, AgentRunStatus.AwaitingConfirmation);
        var manual = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/confirm", new { });
        var afterManual = await app.GetRunAsync(run.Id);
        var retried = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/confirm", new { });

        Assert.Contains("prompt too long", afterAuto.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, manual.StatusCode);
        Assert.Equal(AgentRunStatus.AwaitingConfirmation, afterManual.Status);
        Assert.Contains("token revoked", afterManual.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(AgentRunStatus.Implementing, (await app.GetRunAsync(run.Id)).Status);
        Assert.Equal(3, app.Codegen.Received("POST", "/agent/run/resume").Count());
    }

    [Fact]
    public async Task PlanFromLogs_IsUsed_WhenCodegenGivesNoResultText()
    {
        await using var app = await AgentRunsApp.StartAsync();
        app.Codegen.OnCreate = run =>
        {
            run.Logs.Add(new JsonObject { ["agent_run_id"] = run.Id, ["created_at"] = "2025-06-21 11:20:05.1", ["message_type"] = "ACTION", ["thought"] = "Reading files" });
            run.Logs.Add(new JsonObject { ["agent_run_id"] = run.Id, ["created_at"] = "2025-06-21 11:21:05.1", ["message_type"] = "PLAN_EVALUATION", ["thought"] = "1. Touch only README.md" });
            return [new("COMPLETE")];
        };
        var run = await app.StartRunAsync("Update the README");

        var planned = await app.PollAsync(run.Id);

        Assert.Equal(AgentRunStatus.AwaitingConfirmation, planned.Status);
        Assert.Equal("1. Touch only README.md", planned.Plan);
    }

    [Fact]
    public async Task Reject_TellsTheAgentNotToProceed_AndEndsTheRun_ButNeedsAReason()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await app.StartRunAsync("Rewrite everything in Rust");
        await app.PollUntilAsync(run.Id, AgentRunStatus.AwaitingConfirmation);

        var noReason = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/reject", new { reason = " " });
        var rejected = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/reject", new { reason = "Too large a change" });
        var confirmAfter = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/confirm", new { });

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var problem = await noReason.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["reason"]);
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, confirmAfter.StatusCode);
        var resume = app.Codegen.Received("POST", "/agent/run/resume").Single().Json!["prompt"]!.GetValue<string>();
        Assert.Contains("Plan rejected", resume, StringComparison.Ordinal);
        Assert.Contains("Too large a change", resume, StringComparison.Ordinal);
        Assert.Equal(AgentRunStatus.Rejected, (await app.GetRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task ConfirmingARunThatIsStillPlanning_IsAConflict_AndSendsNothing()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await app.StartRunAsync("Add a footer");

        var response = await app.Api.PostAsJsonAsync($"/api/agent-runs/{run.Id}/confirm", new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(app.Codegen.Received("POST", "/agent/run/resume"));
    }

    [Fact]
    public async Task MissingTarget_And_UnknownProject_AreProblemsNamingTheFault()
    {
        await using var app = await AgentRunsApp.StartAsync();

        var missing = await app.Api.PostAsJsonAsync($"/api/projects/{app.ProjectId}/agent-runs", new { target = "" });
        var unknown = await app.Api.PostAsJsonAsync("/api/projects/999999/agent-runs", new { target = "x" });
        var unknownRun = await app.Api.GetAsync("/api/agent-runs/999999");

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.NotNull((await missing.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["target"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRun.StatusCode);
        Assert.Empty(app.Codegen.Received("POST", "/agent/run"));
    }

    [Fact]
    public async Task PlanLimitReached_IsShownToTheUser_AndTheRunIsKeptAsFailed()
    {
        await using var app = await AgentRunsApp.StartAsync();
        app.Codegen.Overrides.Enqueue(("POST", "/agent/run", FakeCodegen.Error(402, "Upgrade your plan")));

        var response = await app.Api.PostAsJsonAsync($"/api/projects/{app.ProjectId}/agent-runs", new { target = "Add a footer" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("plan limit", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(402, problem["codegenStatus"]!.GetValue<int>());
        var saved = await app.GetRunAsync(problem["agentRunId"]!.GetValue<int>());
        Assert.Equal(AgentRunStatus.Failed, saved.Status);
        Assert.Contains("Upgrade your plan", saved.Error, StringComparison.Ordinal);
        Assert.Equal("Add a footer", saved.Target);
    }

    [Fact]
    public async Task RepositoryNotInCodegen_FailsWithAMessageSayingSo()
    {
        await using var app = await AgentRunsApp.StartAsync();
        app.Codegen.Repositories.RemoveAll(r => r.FullName == "acme/widgets");

        var response = await app.Api.PostAsJsonAsync($"/api/projects/{app.ProjectId}/agent-runs", new { target = "Add a footer" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("not among the Codegen organization's repositories",
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(app.Codegen.Runs);
    }

    [Fact]
    public async Task CodegenRunFailing_MarksTheAgentRunFailed_WithCodegensReason()
    {
        await using var app = await AgentRunsApp.StartAsync();
        app.Codegen.OnCreate = _ => [new("ACTIVE"), new("ERROR", "Sandbox crashed")];
        var run = await app.StartRunAsync("Add a footer");

        var failed = await app.PollUntilAsync(run.Id, AgentRunStatus.Failed);

        Assert.Equal("Sandbox crashed", failed.Error);
        Assert.Null(failed.NextPollAt);
    }
}
