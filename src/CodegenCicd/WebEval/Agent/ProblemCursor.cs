using System.Globalization;
using CodegenCicd.WebEval.Checks;

namespace CodegenCicd.WebEval.Agent;

/// <summary>Which of the page's problems the agent has already been told about.</summary>
internal sealed class ProblemCursor
{
    private int consoleSeen;
    private int requestsSeen;

    /// <summary>The problems since the last call, one per line, or null when there are none.</summary>
    public string? Next(PageProblems problems)
    {
        var console = problems.ConsoleErrors.Skip(consoleSeen).ToList();
        var requests = problems.FailedRequests.Skip(requestsSeen).ToList();
        consoleSeen += console.Count;
        requestsSeen += requests.Count;
        var lines = console.Select(c => $"- {c.Kind}: {c.Message}{(c.Location is null ? "" : " at " + c.Location)}")
            .Concat(requests.Select(r => $"- failed request: {r.Method} {r.Url} "
                + $"→ {r.Status?.ToString(CultureInfo.InvariantCulture) ?? r.Failure}"))
            .Take(20)
            .ToList();
        return lines.Count == 0 ? null : string.Join("\n", lines);
    }
}
