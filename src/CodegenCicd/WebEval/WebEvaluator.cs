using System.Diagnostics;
using CodegenCicd.WebEval.Agent;
using CodegenCicd.WebEval.Browser;
using CodegenCicd.WebEval.Checks;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval;

/// <summary>
/// Checks the configured pages (and links found on them) in a fresh browser context, then runs
/// the AI-driven task when there is one, and writes report.json beside the screenshots.
/// The author's app failing gives <see cref="WebEvalVerdict.Failed"/>; the evaluation itself
/// failing (browser died, Gemini refused, budget spent) gives <see cref="WebEvalVerdict.Error"/>.
/// </summary>
public sealed partial class WebEvaluator(
    BrowserHost browserHost,
    AgentRunner agent,
    IOptions<BrowserOptions> options,
    TimeProvider time,
    ILogger<WebEvaluator> logger) : IWebEvaluator
{
    public async Task<WebEvalOutcome> EvaluateAsync(WebEvalRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        Directory.CreateDirectory(request.ArtifactDirectory);
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(settings.EvaluationTimeoutSeconds));

        var pages = new List<PageResult>();
        AgentResult? agentResult = null;
        string? error = null;
        try
        {
            await using var session = await browserHost.OpenSessionAsync(request.BaseUrl, budget.Token);
            try
            {
                await new PageCrawler(new PageChecker(session, request.ArtifactDirectory), settings)
                    .CheckAllAsync(request.BaseUrl, request.Config, pages, budget.Token);
                if (!string.IsNullOrWhiteSpace(request.Config.Task))
                {
                    var start = new Uri(request.BaseUrl, request.Config.Pages.FirstOrDefault() ?? "/");
                    agentResult = await agent.RunAsync(
                        session, start, request.Config.Task, request.ArtifactDirectory, budget.Token);
                }
            }
            catch (PlaywrightException ex)
            {
                error = await session.BrowserDiedAsync(ex)
                    ? new BrowserCrashedException().Message + RestartNote
                    : "The browser failed: " + BrowserHost.FirstLine(ex.Message);
            }
        }
        catch (TimeoutException ex)
        {
            error = "The browser stopped responding: " + BrowserHost.FirstLine(ex.Message);
        }
        catch (BrowserUnavailableException ex)
        {
            error = ex.Message;
        }
        catch (BrowserCrashedException ex)
        {
            error = ex.Message + RestartNote;
        }
        catch (OperationCanceledException)
            when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error = $"The evaluation did not finish within its budget of {settings.EvaluationTimeoutSeconds} s "
                + "(Browser:EvaluationTimeoutSeconds).";
        }
        if (error is not null)
        {
            LogEvaluationError(logger, request.BaseUrl, error);
        }

        var (verdict, summary) = Verdicts.Decide(pages, agentResult, error);
        var report = new WebEvalReport
        {
            Verdict = verdict,
            Summary = summary,
            BaseUrl = request.BaseUrl,
            PreviewUrl = request.PreviewUrl,
            StartedAt = startedAt,
            DurationMs = stopwatch.Elapsed.TotalMilliseconds,
            Pages = pages,
            Agent = agentResult,
            Error = error,
        };
        var path = await WebEvalArtifacts.WriteAsync(report, request.ArtifactDirectory, CancellationToken.None);
        LogEvaluated(logger, request.BaseUrl, verdict, pages.Count, stopwatch.Elapsed.TotalMilliseconds);
        return new WebEvalOutcome(verdict, summary, MarkdownReport.Render(report, request.ReportUrl), path);
    }

    private const string RestartNote = "; it is started again for the next evaluation.";

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Web evaluation of {BaseUrl}: {Verdict} ({PageCount} pages, {ElapsedMs:0} ms)")]
    private static partial void LogEvaluated(
        ILogger logger, Uri baseUrl, WebEvalVerdict verdict, int pageCount, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web evaluation of {BaseUrl} could not complete: {Error}")]
    private static partial void LogEvaluationError(ILogger logger, Uri baseUrl, string error);
}
