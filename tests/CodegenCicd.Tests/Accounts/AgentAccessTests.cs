using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Accounts;

/// <summary>
/// Agent runs follow repository permissions like pipeline runs: a reader of acme/app sees that
/// project's agent runs only and answers no plan; a writer starts a run and answers its plan, audited.
/// </summary>
public sealed class AgentAccessTests
{
    [Fact]
    public async Task Reader_SeesTheAgentRunsOfTheirProject_Only_AndMayNotStartOrAnswerOne()
    {
        await using var codegen = await FakeCodegen.StartAsync();
        await using var app = await SignInApp.StartAsync(s => WithCodegen(s, codegen));
        var visible = await ActivitySeed.AddAgentRunAsync(app.Factory, app.AppProject, AgentRunStatus.AwaitingConfirmation, "Add a dark mode toggle");
        var hidden = await ActivitySeed.AddAgentRunAsync(app.Factory, app.HiddenProject, AgentRunStatus.AwaitingConfirmation, "Rotate the secret keys");
        var rita = await app.SignedInAsAsync("rita");

        var list = await rita.GetStringAsync("/Agents");
        Assert.Contains("Add a dark mode toggle", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Rotate the secret keys", list, StringComparison.Ordinal);
        Assert.DoesNotContain(SignInApp.Hidden, list, StringComparison.Ordinal);
        Assert.Contains("href=\"/Agents\"", await rita.GetStringAsync("/Projects"), StringComparison.Ordinal);

        var runPage = await rita.GetStringAsync($"/Agents/Run/{visible}");
        Assert.Contains("Add a dark mode toggle", runPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Confirm plan", runPage, StringComparison.Ordinal);
        Assert.Contains("waits for someone with write access to acme/app", runPage, StringComparison.Ordinal);
        var projectPage = await rita.GetStringAsync($"/Agents/Project/{app.AppProject}");
        Assert.DoesNotContain(">Run agent</button>", projectPage, StringComparison.Ordinal);
        Assert.Contains("starting one needs write access to acme/app", projectPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/Agents/Run/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/Agents/Project/{app.HiddenProject}")).StatusCode);

        var apiList = await rita.GetFromJsonAsync<JsonElement>($"/api/projects/{app.AppProject}/agent-runs");
        Assert.Equal([visible], apiList.EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await rita.GetAsync($"/api/agent-runs/{visible}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/agent-runs/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/projects/{app.HiddenProject}/agent-runs")).StatusCode);

        var start = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Post, $"/api/projects/{app.AppProject}/agent-runs", new { target = "Anything" });
        var confirm = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Post, $"/api/agent-runs/{visible}/confirm", new { });
        var reject = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Post, $"/api/agent-runs/{visible}/reject", new { reason = "no" });
        var hiddenConfirm = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Post, $"/api/agent-runs/{hidden}/confirm", new { });
        var pageReject = await Forms.PostAsync(rita, $"/Agents/Run/{visible}?handler=Reject", new() { ["Reason"] = "no" });
        var pageStart = await Forms.PostAsync(rita, $"/Agents/Project/{app.AppProject}", new() { ["Target"] = "Anything" });

        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Contains("To start an agent run on this project you need write (push) access to acme/app on GitHub; rita have read (pull) access",
            (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reject.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hiddenConfirm.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pageReject.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pageStart.StatusCode);
        Assert.Empty(codegen.Received("POST", "/agent/run"));
        Assert.Empty(codegen.Received("POST", "/agent/run/resume"));
        Assert.Equal(AgentRunStatus.AwaitingConfirmation, await StatusOfAsync(app, visible));
    }

    [Fact]
    public async Task Writer_StartsAnAgentRun_AndConfirmsItsPlan_AndTheAuditLogNamesThem()
    {
        await using var codegen = await FakeCodegen.StartAsync();
        codegen.Repositories.Add((77, SignInApp.App));
        await using var app = await SignInApp.StartAsync(s => WithCodegen(s, codegen));
        var walt = await app.SignedInAsAsync("walt");

        var started = await SignInApp.SendWithTokenAsync(walt, HttpMethod.Post, $"/api/projects/{app.AppProject}/agent-runs",
            new { target = "Add a health endpoint" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await PollUntilAsync(app, id, AgentRunStatus.AwaitingConfirmation);
        var page = await walt.GetStringAsync($"/Agents/Run/{id}");
        var confirmed = await Forms.PostAsync(walt, $"/Agents/Run/{id}?handler=Confirm", new() { ["Instructions"] = "" });

        Assert.Contains("Confirm plan", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Single(codegen.Received("POST", "/agent/run/resume"));
        var audit = (await walt.GetFromJsonAsync<JsonElement>($"/api/audit?project={app.AppProject}")).EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("target").GetString()));
        Assert.Equal([("walt", "agent-run.confirm", $"agent run {id}"), ("walt", "agent-run.start", $"agent run {id}")], audit);
    }

    /// <summary>The fake Codegen, polled by the test alone (the background poll is an hour away).</summary>
    private static void WithCodegen(Dictionary<string, string?> settings, FakeCodegen codegen)
    {
        codegen.Configure(settings);
        settings["Codegen:PollInterval"] = "01:00:00";
    }

    private static async Task<AgentRunStatus> StatusOfAsync(SignInApp app, int id)
    {
        using var scope = app.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<AgentRunQueries>().GetAsync(id, default))!.Status;
    }

    /// <summary>Polls Codegen as the recurring job does (each poll moves the fake one step) until the run reaches the status.</summary>
    private static async Task PollUntilAsync(SignInApp app, int id, AgentRunStatus status)
    {
        for (var poll = 0; poll < 8 && await StatusOfAsync(app, id) != status; poll++)
        {
            using var scope = app.Factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AgentRunTracker>().PollAsync(id, default);
        }
        Assert.Equal(status, await StatusOfAsync(app, id));
    }
}
