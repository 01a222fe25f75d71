using System.Text.Json.Nodes;
using CodegenCicd.WebEval.Browser;
using CodegenCicd.WebEval.Checks;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Agent;

/// <summary>
/// The AI-driven part: Gemini gets the task, the page's state and the browser actions as
/// functions; each call it returns is executed and answered, until it calls done or a step,
/// time or malformed-reply limit is reached. Every step is recorded with its screenshot.
/// </summary>
public sealed partial class AgentRunner(
    GeminiClient gemini, IOptions<GeminiOptions> options, IOptions<BrowserOptions> browserOptions,
    ILogger<AgentRunner> logger)
{
    private static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(10);

    internal async Task<AgentResult> RunAsync(
        BrowserSession session, Uri startUrl, string task, string artifactDirectory,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            return new AgentResult
            {
                Task = task, Status = AgentStatus.Skipped, Reason = "Gemini is not configured (Gemini:ApiKey)."
            };
        }
        using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeLimit.CancelAfter(TimeSpan.FromSeconds(settings.TimeLimitSeconds));
        var steps = new List<AgentStep>();

        var waitingForGemini = false;
        var page = await session.Context.NewPageAsync();
        page.SetDefaultTimeout((float)ActionTimeout.TotalMilliseconds);
        var problems = new PageProblems(page, session.BlockedReason, session.ConnectFailure);
        var seen = new ProblemCursor();
        AgentResult End(AgentStatus status, string reason, bool? passed = null) => new()
        {
            Task = task,
            Status = status,
            Reason = reason,
            TaskPassed = passed,
            Steps = steps,
            ConsoleErrors = problems.ConsoleErrors,
            FailedRequests = problems.FailedRequests,
        };

        try
        {
            await OpenStartAsync(page, startUrl, TimeSpan.FromSeconds(browserOptions.Value.NavigationTimeoutSeconds));
            var actions = new BrowserActions(page, startUrl, ActionTimeout);
            var history = new JsonArray
            {
                UserTurn(new JsonObject { ["text"] = BrowserTools.Instructions(task, startUrl) })
            };
            var malformedInRow = 0;
            for (var number = 1; number <= settings.MaxSteps; number++)
            {
                timeLimit.Token.ThrowIfCancellationRequested();
                var state = await PageState.CaptureAsync(page, artifactDirectory, number)
                    with { NewProblems = seen.Next(problems) };
                timeLimit.Token.ThrowIfCancellationRequested();
                waitingForGemini = true;
                var reply = await gemini.GenerateAsync(Request(history, state), timeLimit.Token);
                waitingForGemini = false;
                history.Add(ModelTurn(reply));
                var call = reply.Calls.FirstOrDefault();
                var problem = reply.Problem ?? (call is null ? "the reply has no function call" : null);
                if (call is not null && call.Name == BrowserTools.Done && problem is null)
                {
                    if (DoneVerdict(call.Arguments) is { } verdict)
                    {
                        steps.Add(new(number, call.Name, call.Arguments, reply.Text,
                            verdict.Passed ? "passed" : "failed", null, state.Url, state.ScreenshotFile));
                        return End(AgentStatus.Finished, verdict.Reason, verdict.Passed);
                    }
                    problem = "done needs a boolean 'passed' and a string 'reason'";
                }
                ActionOutcome outcome = problem is not null
                    ? ActionOutcome.Invalid(problem)
                    : await actions.ExecuteAsync(call!);
                if (!session.BrowserAlive)
                {
                    throw new BrowserCrashedException();
                }
                steps.Add(new(number, call?.Name, call?.Arguments, reply.Text, outcome.Result, outcome.Problem,
                    state.Url, state.ScreenshotFile));
                LogStep(logger, number, call?.Name ?? "(none)", outcome.Result);
                malformedInRow = outcome.Problem is null ? 0 : malformedInRow + 1;
                if (malformedInRow >= settings.MaxMalformedReplies)
                {
                    return End(AgentStatus.Error,
                        $"Gemini gave {malformedInRow} unusable replies in a row; the last: {outcome.Problem}");
                }
                history.Add(Answer(reply.Calls, call, outcome));
            }
            return End(AgentStatus.LimitReached,
                $"The agent did not finish the task within {settings.MaxSteps} steps.");
        }
        catch (OperationCanceledException)
            when (timeLimit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Out of time while Gemini was thinking is Gemini's failure, not the app's.
            return waitingForGemini
                ? End(AgentStatus.Error,
                    $"Gemini did not answer before the task's time limit of {settings.TimeLimitSeconds} s.")
                : End(AgentStatus.LimitReached,
                    $"The agent did not finish the task within {settings.TimeLimitSeconds} s.");
        }
        catch (GeminiRefusedException ex)
        {
            return End(AgentStatus.Error, ex.Message);
        }
        catch (PlaywrightException ex)
        {
            if (await session.BrowserDiedAsync(ex))
            {
                throw new BrowserCrashedException();
            }
            return End(AgentStatus.Error, "The browser failed during the task: " + BrowserHost.FirstLine(ex.Message));
        }
        finally
        {
            try
            {
                await page.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // The browser went away with the page.
            }
        }
    }

    private static async Task OpenStartAsync(IPage page, Uri startUrl, TimeSpan timeout)
    {
        try
        {
            await page.GotoAsync(startUrl.AbsoluteUri, new() { Timeout = (float)timeout.TotalMilliseconds });
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            // The agent sees the error page in its first snapshot and decides; the page checks report the failure.
        }
    }

    private static JsonObject Request(JsonArray history, PageState state)
    {
        var contents = (JsonArray)history.DeepClone();
        var last = (JsonObject)contents[^1]!;
        var parts = (JsonArray)last["parts"]!;
        if (last["role"]?.ToString() != "user")
        {
            parts = [];
            contents.Add(new JsonObject { ["role"] = "user", ["parts"] = parts });
        }
        foreach (var part in state.ToParts())
        {
            parts.Add(part);
        }
        return new JsonObject
        {
            ["contents"] = contents,
            ["tools"] = new JsonArray { new JsonObject { ["functionDeclarations"] = BrowserTools.Declarations() } },
            ["toolConfig"] = new JsonObject { ["functionCallingConfig"] = new JsonObject { ["mode"] = "ANY" } },
            ["generationConfig"] = new JsonObject { ["temperature"] = 0.2 },
        };
    }

    /// <summary>The model's turn as sent back; an unusable reply is replaced so the next request stays valid.</summary>
    private static JsonObject ModelTurn(GeminiReply reply)
    {
        if (reply.Problem is null && reply.ModelContent is { } content)
        {
            content["role"] = "model";
            return content;
        }
        return new JsonObject
        {
            ["role"] = "model", ["parts"] = new JsonArray { new JsonObject { ["text"] = "(unusable reply)" } }
        };
    }

    private static JsonObject UserTurn(params JsonNode[] parts) =>
        new() { ["role"] = "user", ["parts"] = new JsonArray(parts) };

    /// <summary>
    /// Every call gets a functionResponse; only the first runs (one action per turn keeps state readable).
    /// </summary>
    private static JsonObject Answer(IReadOnlyList<FunctionCall> calls, FunctionCall? executed, ActionOutcome outcome)
    {
        if (executed is null)
        {
            return UserTurn(new JsonObject
            {
                ["text"] = $"Your reply could not be used: {outcome.Problem}. Call exactly one of the functions."
            });
        }
        return UserTurn([.. calls.Select((c, i) => (JsonNode)new JsonObject
        {
            ["functionResponse"] = new JsonObject
            {
                ["name"] = c.Name,
                ["response"] = new JsonObject
                {
                    ["result"] = i == 0 ? outcome.Result : "not executed: one action per turn"
                },
            },
        })]);
    }

    private static (bool Passed, string Reason)? DoneVerdict(JsonObject args) =>
        args["passed"] is JsonValue p && p.TryGetValue<bool>(out var passed)
        && args["reason"] is JsonValue r && r.TryGetValue<string>(out var reason) && reason.Length > 0
            ? (passed, reason)
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent step {Step}: {Action} → {Result}")]
    private static partial void LogStep(ILogger logger, int step, string action, string result);
}
