using CodegenCicd.Projects;

namespace CodegenCicd.WebEval;

public enum WebEvalVerdict
{
    Passed,
    Failed,
    /// <summary>The evaluation could not run (browser crashed, Gemini refused): not the author's fault.</summary>
    Error,
    /// <summary>Nothing to evaluate.</summary>
    Skipped,
}

/// <param name="ArtifactDirectory">
/// Where screenshots and report.json are written (use WebEvalArtifacts.DirectoryFor(key) so the admin site
/// can show it).
/// </param>
/// <param name="ReportUrl">
/// Link to the report page (WebEvalArtifacts.PageUrl(key), absolute when known), put into the Markdown.
/// </param>
public sealed record WebEvalRequest(
    Uri BaseUrl, WebEvalConfig Config, string ArtifactDirectory, string? ReportUrl = null, Uri? PreviewUrl = null);

/// <summary>The seam's view of a report; the full model is written as JSON to <see cref="ReportPath"/>.</summary>
/// <param name="Markdown">Check-run text (≤ 65 535 chars): what failed first, then where.</param>
public sealed record WebEvalOutcome(WebEvalVerdict Verdict, string Summary, string Markdown, string ReportPath);

/// <summary>The seam the pipeline uses. Implemented in this folder with Playwright and Chromium.</summary>
public interface IWebEvaluator
{
    Task<WebEvalOutcome> EvaluateAsync(WebEvalRequest request, CancellationToken cancellationToken);
}
