using System.Text;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// Every prompt sent to Codegen. The plan step relies on these words: Codegen has no plan state,
/// so the first prompt asks for a plan and a stop, and the follow-ups say what to do next.
/// </summary>
public static class AgentPrompts
{
    /// <summary>Codegen accepts long prompts, but a failure report past this is noise; the tail is cut.</summary>
    public const int MaxReportLength = 20_000;

    public const string ConfirmationPhrase = "Plan confirmed.";

    public static string Initial(string repository, string defaultBranch, string planningStatement, string target)
    {
        var prompt = new StringBuilder();
        prompt.Append("You are working on the GitHub repository ").Append(repository).Append(".\n\n");
        if (!string.IsNullOrWhiteSpace(planningStatement))
        {
            prompt.Append("## Planning statement\n").Append(planningStatement.Trim()).Append("\n\n");
        }
        prompt.Append("## Target\n").Append(target.Trim()).Append("\n\n");
        prompt.Append("## How to proceed\n")
            .Append("1. First reply with a plan only: the changes you intend to make, file by file, "
                + "and how you will verify them.\n")
            .Append("2. Do not change code, push branches or open pull requests yet. "
                + "End your reply after the plan and wait.\n")
            .Append("3. You will get \"").Append(ConfirmationPhrase)
            .Append("\" (possibly with adjusted instructions) before you implement, ")
            .Append("then open one pull request against ").Append(defaultBranch).Append(".\n")
            .Append("4. A CI pipeline deploys and tests that pull request; if it fails you will receive its report. ")
            .Append("Push fixes to the same branch; do not open another pull request.\n");
        return prompt.ToString();
    }

    public static string Confirm(string defaultBranch, string? adjustedInstructions)
    {
        var prompt = new StringBuilder(ConfirmationPhrase)
            .Append(" Proceed with the implementation as planned and open one pull request against ")
            .Append(defaultBranch).Append('.');
        if (!string.IsNullOrWhiteSpace(adjustedInstructions))
        {
            prompt.Append("\n\nThe reviewer adjusted the plan; these instructions take precedence:\n")
                .Append(adjustedInstructions.Trim());
        }
        return prompt.ToString();
    }

    public static string Reject(string reason) =>
        "Plan rejected by the reviewer. Do not implement it, do not change code and do not open a pull request.\n\n"
        + $"Reason: {reason.Trim()}";

    public static string Fix(int iteration, int maxIterations, string? pullRequestUrl, string headSha, string report)
    {
        var trimmed = report.Length <= MaxReportLength ? report : report[..MaxReportLength] + "\n\n… (report cut)";
        return new StringBuilder()
            .Append("The CI pipeline failed on your pull request ").Append(pullRequestUrl ?? "(URL unknown)")
            .Append(" at commit ").Append(headSha.Length > 12 ? headSha[..12] : headSha).Append(".\n")
            .Append("Fix attempt ").Append(iteration).Append(" of ").Append(maxIterations)
            .Append(". Push the fix to the same branch; do not open a new pull request.\n\n")
            .Append("## Failure report\n").Append(trimmed.Trim()).Append('\n')
            .ToString();
    }
}
