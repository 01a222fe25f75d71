using System.Net;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Codegen;

public sealed class AgentPagesTests
{
    [Fact]
    public async Task RunAgentForm_StartsARun_AndTheRunPageOffersConfirmAndReject_ForThePlan()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var browser = await app.Factory.CreateAuthenticatedBrowserAsync();

        var form = await browser.GetStringAsync($"/Agents/Project/{app.ProjectId}");
        var started = await Forms.PostAsync(browser, $"/Agents/Project/{app.ProjectId}", new() { ["Target"] = "Add a dark mode toggle", ["AutoConfirm"] = "false" });

        Assert.Contains("We build small, tested changes. Keep the public API stable.", form, StringComparison.Ordinal);
        Assert.Contains("Auto-confirm the plan", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var runPath = started.Headers.Location!.OriginalString;
        var id = int.Parse(runPath.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("Add a dark mode toggle", app.Codegen.Received("POST", "/agent/run").Single().Body, StringComparison.Ordinal);

        await app.PollUntilAsync(id, AgentRunStatus.AwaitingConfirmation);
        var page = await browser.GetStringAsync(runPath);
        Assert.Contains("Awaiting confirmation", page, StringComparison.Ordinal);
        Assert.Contains("1. Add the endpoint in src/api.ts", page, StringComparison.Ordinal);
        Assert.Contains("Confirm plan", page, StringComparison.Ordinal);
        Assert.Contains("Reject plan", page, StringComparison.Ordinal);

        var confirmed = await Forms.PostAsync(browser, $"{runPath}?handler=Confirm", new() { ["Instructions"] = "Keep the toggle in the header." });

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        var resume = app.Codegen.Received("POST", "/agent/run/resume").Single().Body;
        Assert.Contains("Keep the toggle in the header.", resume, StringComparison.Ordinal);
        var after = await browser.GetStringAsync(confirmed.Headers.Location!.OriginalString);
        Assert.Contains("Plan confirmed: the agent is implementing it.", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Confirm plan", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectWithoutReason_ShowsTheFieldError_AndKeepsWaiting()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var browser = await app.Factory.CreateAuthenticatedBrowserAsync();
        var run = await app.StartRunAsync("Add a footer");
        await app.PollUntilAsync(run.Id, AgentRunStatus.AwaitingConfirmation);

        var response = await Forms.PostAsync(browser, $"/Agents/Run/{run.Id}?handler=Reject", new() { ["Reason"] = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Say why the plan is rejected", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(AgentRunStatus.AwaitingConfirmation, (await app.GetRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task AgentsList_ShowsRunsAcrossProjects_AndFiltersByProjectAndStatus()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var otherProject = await app.AddProjectAsync("acme/gadgets", new ProjectSettings());
        app.Codegen.Repositories.Add((88, "acme/gadgets"));
        var browser = await app.Factory.CreateAuthenticatedBrowserAsync();
        var first = await app.StartRunAsync("Target in widgets");
        await app.PollUntilAsync(first.Id, AgentRunStatus.AwaitingConfirmation);
        var other = await Forms.PostAsync(browser, $"/Agents/Project/{otherProject}", new() { ["Target"] = "Target in gadgets" });
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);

        var all = await browser.GetStringAsync("/Agents");
        var gadgets = await browser.GetStringAsync($"/Agents?Project={otherProject}");
        var waiting = await browser.GetStringAsync("/Agents?Status=AwaitingConfirmation");

        Assert.Contains("Target in widgets", all, StringComparison.Ordinal);
        Assert.Contains("Target in gadgets", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Target in widgets", gadgets, StringComparison.Ordinal);
        Assert.Contains("Target in gadgets", gadgets, StringComparison.Ordinal);
        Assert.Contains("Target in widgets", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain("Target in gadgets", waiting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRunOrProject_Is404()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var browser = await app.Factory.CreateAuthenticatedBrowserAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/Agents/Run/424242")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/Agents/Project/424242")).StatusCode);
    }
}
