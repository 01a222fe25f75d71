using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;

namespace CodegenCicd.Tests.WebEval;

/// <summary>The Gemini-driven agent loop in real Chromium, against a fake Gemini that plays a script.</summary>
[Collection(SharedBrowserCollection.Name)]
public sealed partial class AgentTests(SharedBrowserFixture fixture) : IAsyncLifetime
{
    private FakeGemini gemini = null!;

    public async Task InitializeAsync() => gemini = await FakeGemini.StartAsync();

    public async Task DisposeAsync() => await gemini.DisposeAsync();

    private async Task<(WebEvalOutcome Outcome, WebEvalReport Report, string[] Files)> RunTaskAsync(
        string task, Dictionary<string, string?>? extra = null, string startPage = "/signup")
    {
        Chromium.Require();
        var settings = gemini.Settings;
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        await using var harness = WebEvalHarness.Create(settings, fixture.Browser);
        var (outcome, report, directory) = await harness.EvaluateAsync(fixture.Site.BaseUrl, new WebEvalConfig { Pages = [startPage], Task = task });
        Assert.DoesNotContain(FakeGemini.ApiKey, await File.ReadAllTextAsync(outcome.ReportPath), StringComparison.Ordinal);
        return (outcome, report, [.. Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>()]);
    }

    [Fact]
    public async Task ScriptedAgent_SignsUpThroughTheRealFormAndPasses()
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        gemini.ReplyWithCall("type", new JsonObject { ["selector"] = "#email", ["text"] = email }, "I will fill in the email first.");
        gemini.ReplyWithCall(request =>
        {
            // Click by the ref the accessible snapshot gave the button, as the real model would.
            var match = ButtonRef().Match(FakeGemini.LastUserText(request));
            return ("click", new JsonObject { ["ref"] = match.Success ? match.Groups[1].Value : "missing-ref" });
        });
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = true, ["reason"] = "The dashboard greets the new user." });

        var (outcome, report, files) = await RunTaskAsync("Sign up with an email, then check the dashboard shows it");

        Assert.Equal(WebEvalVerdict.Passed, outcome.Verdict);
        Assert.Contains((email, "free"), fixture.Site.SignUps);
        var agent = report.Agent!;
        Assert.Equal((AgentStatus.Finished, true), (agent.Status, agent.TaskPassed));
        Assert.Equal(["type", "click", "done"], agent.Steps.Select(s => s.Action));
        Assert.Equal("I will fill in the email first.", agent.Steps[0].Reasoning);
        Assert.All(agent.Steps, s => Assert.Contains(s.Screenshot!, files));
        Assert.All(agent.Steps, s => Assert.Null(s.Problem));

        var requests = gemini.Requests.ToArray();
        Assert.Empty(gemini.Rejections);
        Assert.Equal(3, requests.Length);
        Assert.Contains("Sign up with an email", requests[0].ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(requests[0]["contents"]![0]!["parts"]!.AsArray().Last()!["inlineData"]);
        Assert.Contains("Signed in as " + email, FakeGemini.LastUserText(requests[2]), StringComparison.Ordinal);
        Assert.Contains("| 3 | done(", outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryBrowserAction_RunsAgainstThePageAndAnswersWithWhatHappened()
    {
        var email = $"grace-{Guid.NewGuid():N}@example.com";
        gemini.ReplyWithCall("navigate", new JsonObject { ["url"] = "https://example.invalid/phish" });
        gemini.ReplyWithCall("navigate", new JsonObject { ["url"] = "/signup" });
        gemini.ReplyWithCall("wait", new JsonObject { ["text"] = "Sign up" });
        gemini.ReplyWithCall("select", new JsonObject { ["selector"] = "#plan", ["value"] = "Gold" });
        gemini.ReplyWithCall("select", new JsonObject { ["selector"] = "#plan", ["value"] = "Professional" });
        gemini.ReplyWithCall("scroll", new JsonObject { ["direction"] = "down" });
        gemini.ReplyWithCall("type", new JsonObject { ["selector"] = "#email", ["text"] = email, ["submit"] = true });
        gemini.ReplyWithCall("wait", new JsonObject { ["seconds"] = 0.2 });
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = true, ["reason"] = "Signed up on the Professional plan." });

        var (outcome, report, _) = await RunTaskAsync("Sign up on the professional plan", startPage: "/");

        Assert.Equal(WebEvalVerdict.Passed, outcome.Verdict);
        Assert.Contains((email, "pro"), fixture.Site.SignUps);
        var results = report.Agent!.Steps.Select(s => s.Result).ToList();
        Assert.StartsWith("refused: https://example.invalid/phish is outside the app under test", results[0], StringComparison.Ordinal);
        Assert.Equal($"opened {new Uri(fixture.Site.BaseUrl, "/signup")} (HTTP 200)", results[1]);
        Assert.Equal("\"Sign up\" is visible", results[2]);
        Assert.Equal("error: the list has no option 'Gold'", results[3]);
        Assert.Equal(["selected Professional", "scrolled down", "typed and pressed Enter", "waited 0.2 s", "passed"], results[4..]);
        Assert.All(report.Agent.Steps, s => Assert.Null(s.Problem));
    }

    [Fact]
    public async Task MalformedReplies_AreRecordedAsProblemsAndTheRunContinues()
    {
        gemini.ReplyWithRaw(200, "{}");
        gemini.ReplyWithCall("fly", new JsonObject { ["to"] = "the moon" });
        gemini.ReplyWithCall("scroll", new JsonObject { ["direction"] = "down" });
        gemini.ReplyWithCall("click", new JsonObject());
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = true, ["reason"] = "Form is there." });

        var (outcome, report, _) = await RunTaskAsync("Check the sign-up form exists");

        Assert.Equal(WebEvalVerdict.Passed, outcome.Verdict);
        var steps = report.Agent!.Steps;
        Assert.Equal(5, steps.Count);
        Assert.Equal("the reply has no candidates", steps[0].Problem);
        Assert.Equal("unknown function 'fly'", steps[1].Problem);
        Assert.Null(steps[2].Problem);
        Assert.Contains("'ref'", steps[3].Problem, StringComparison.Ordinal);
        Assert.Empty(gemini.Rejections); // every function call was answered with a functionResponse
        var answer = gemini.Requests.ElementAt(2)["contents"]!.AsArray().Last()!["parts"]![0]!["functionResponse"]!;
        Assert.Equal("fly", answer["name"]!.GetValue<string>());
        Assert.Equal("error: unknown function 'fly'", answer["response"]!["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnusableRepliesInARow_EndAsAnErrorNotAFailure()
    {
        gemini.ReplyWithRaw(200, """{"candidates":[{"content":{"role":"model","parts":[{"text":"I think it works."}]},"finishReason":"STOP"}]}""");
        gemini.ReplyWithRaw(200, "not json at all");
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = "yes" });

        var (outcome, report, _) = await RunTaskAsync("Check the sign-up form exists");

        Assert.Equal(WebEvalVerdict.Error, outcome.Verdict);
        Assert.Equal(AgentStatus.Error, report.Agent!.Status);
        Assert.Contains("3 unusable replies in a row", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(["the reply has no function call", "the reply is not a JSON object", "done needs a boolean 'passed' and a string 'reason'"],
            report.Agent.Steps.Select(s => s.Problem));
    }

    [Fact]
    public async Task GeminiRefusingTheKey_EndsAsAnErrorWithItsMessageAndNeverShowsTheKey()
    {
        gemini.ReplyWithRaw(403, """{"error":{"code":403,"message":"Permission denied: consumer has been suspended.","status":"PERMISSION_DENIED"}}""");

        var (outcome, report, _) = await RunTaskAsync("Sign up");

        Assert.Equal(WebEvalVerdict.Error, outcome.Verdict);
        Assert.Contains("403", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("consumer has been suspended", outcome.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeGemini.ApiKey, outcome.Markdown, StringComparison.Ordinal);
        Assert.Single(gemini.Requests); // a 4xx is not retried
    }

    [Fact]
    public async Task BlockedPrompt_EndsAsAnError()
    {
        gemini.ReplyWithRaw(200, """{"promptFeedback":{"blockReason":"SAFETY"}}""");

        var (outcome, _, _) = await RunTaskAsync("Sign up");

        Assert.Equal(WebEvalVerdict.Error, outcome.Verdict);
        Assert.Contains("blocked the prompt", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentFindingTheTaskBroken_FailsWithItsReason()
    {
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = false, ["reason"] = "There is no password field, so sign-up cannot complete." });

        var (outcome, report, _) = await RunTaskAsync("Sign up with a password");

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.False(report.Agent!.TaskPassed);
        Assert.Contains("**AI-driven task** — failed: There is no password field", outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentThatNeverCallsDone_StopsAtTheStepLimit()
    {
        gemini.ReplyWithCall("scroll", new JsonObject { ["direction"] = "down" });
        gemini.ReplyWithCall("scroll", new JsonObject { ["direction"] = "up" });

        var (outcome, report, _) = await RunTaskAsync("Sign up", new() { ["Gemini:MaxSteps"] = "2" });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.Equal(AgentStatus.LimitReached, report.Agent!.Status);
        Assert.Contains("within 2 steps", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(2, gemini.Requests.Count);
    }

    [Fact]
    public async Task ErrorsWhileTheAgentWorks_AreShownToGeminiAndKeptInTheReport()
    {
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = false, ["reason"] = "The item list failed to load (500)." });

        var (outcome, report, _) = await RunTaskAsync("Check the item list loads", startPage: "/api-fails");

        var itemsUrl = new Uri(fixture.Site.BaseUrl, "/api/items").AbsoluteUri;
        Assert.Contains($"failed request: GET {itemsUrl} → 500", FakeGemini.LastUserText(gemini.Requests.First()), StringComparison.Ordinal);
        Assert.Contains(report.Agent!.FailedRequests, r => r.Url == itemsUrl && r.Status == 500);
        Assert.Contains("Seen while the agent worked:", outcome.Markdown, StringComparison.Ordinal);
        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
    }

    [Fact]
    public async Task StartPageThatNeverLoads_StillGivesTheAgentAStateToJudge()
    {
        gemini.ReplyWithCall("done", new JsonObject { ["passed"] = false, ["reason"] = "The page never finished loading." });

        // Long enough for the page's own HTML to arrive on a busy machine; only its image never does.
        var (outcome, report, _) = await RunTaskAsync("Read the page", new() { ["Browser:NavigationTimeoutSeconds"] = "6" }, startPage: "/hangs");

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.Equal(AgentStatus.Finished, report.Agent!.Status);
        Assert.Contains("Loading…", FakeGemini.LastUserText(gemini.Requests.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeminiThatNeverAnswers_EndsAsAnErrorAtTheTimeLimit()
    {
        gemini.ReplyNever();

        // The limit covers the whole task; it is long enough that opening the start page on a loaded
        // machine (CI saw more than 2 s; the page may take up to 10 s) cannot use it up before Gemini is asked.
        var (outcome, report, _) = await RunTaskAsync("Sign up", new() { ["Gemini:TimeLimitSeconds"] = "12" });

        Assert.Equal(WebEvalVerdict.Error, outcome.Verdict);
        Assert.Equal(AgentStatus.Error, report.Agent!.Status);
        Assert.Contains("Gemini did not answer before the task's time limit of 12 s", outcome.Summary, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"button ""Create account"" \[ref=(e\d+)\]")]
    private static partial Regex ButtonRef();
}
