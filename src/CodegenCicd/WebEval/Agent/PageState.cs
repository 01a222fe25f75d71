using System.Text.Json.Nodes;
using CodegenCicd.WebEval.Browser;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Agent;

/// <summary>What the agent sees before each decision: URL, title, accessible snapshot and a screenshot.</summary>
/// <param name="NewProblems">
/// Console errors and failed requests since the previous state, so the agent can judge them.
/// </param>
internal sealed record PageState(string Url, string Snapshot, byte[]? Screenshot, string? ScreenshotFile,
    string? NewProblems = null)
{
    /// <summary>Keeps each request well under Gemini's limits; a snapshot past this is cut.</summary>
    private const int MaxSnapshotChars = 15_000;

    public static async Task<PageState> CaptureAsync(IPage page, string artifactDirectory, int step)
    {
        string snapshot;
        try
        {
            snapshot = await page.Locator("body")
                .AriaSnapshotAsync(new() { Mode = AriaSnapshotMode.Ai, Timeout = 5_000 });
            if (snapshot.Length > MaxSnapshotChars)
            {
                snapshot = snapshot[..MaxSnapshotChars] + "\n# … snapshot cut here (page too large)";
            }
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            snapshot = "(no snapshot: " + BrowserHost.FirstLine(ex.Message) + ")";
        }
        var file = $"step-{step:00}.jpg";
        byte[]? screenshot;
        try
        {
            screenshot = await page.ScreenshotAsync(new()
            {
                Path = Path.Combine(artifactDirectory, file),
                Type = ScreenshotType.Jpeg,
                Quality = 70,
                Timeout = 10_000,
            });
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            (screenshot, file) = (null, null);
        }
        return new PageState(page.Url, snapshot, screenshot, file);
    }

    /// <summary>
    /// The parts appended to the latest user turn (older states are not resent, to bound the request).
    /// </summary>
    public IEnumerable<JsonNode> ToParts()
    {
        var problems = NewProblems is null ? "" : $"Errors since your last action:\n{NewProblems}\n";
        yield return new JsonObject { ["text"] = $"Current URL: {Url}\n{problems}Accessibility snapshot:\n{Snapshot}" };
        if (Screenshot is not null)
        {
            yield return new JsonObject
            {
                ["inlineData"] = new JsonObject
                {
                    ["mimeType"] = "image/jpeg", ["data"] = Convert.ToBase64String(Screenshot)
                },
            };
        }
    }
}
