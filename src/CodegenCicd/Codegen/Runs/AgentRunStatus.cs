using System.Text.Json.Serialization;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// The agent-run state machine, in one place. Codegen has no "plan ready" state and no callbacks,
/// so the plan step is a convention kept by the prompts (<see cref="AgentPrompts"/>) and observed by polling:
/// <code>
///  start ──create(prompt: planning statement + target + "reply with a plan, change nothing")──▶ Planning
///  Planning ── Codegen idle (COMPLETE/PAUSED) ──▶ AwaitingConfirmation
///             (plan = result, else summary, else latest PLAN_EVALUATION/FINAL_ANSWER log)
///           └─ auto-confirm on ──resume("Plan confirmed…")──────────────▶ Implementing
///  AwaitingConfirmation ── Confirm (optional edited instructions) ─resume─▶ Implementing
///                       └─ Reject (reason) ─resume("do not proceed")────▶ Rejected (final)
///  Implementing / Fixing ── Codegen idle ──▶ Completed (result and PRs recorded)
///  Completed ── linked PR's pipeline fails, iterations &lt; max ─resume(report)─▶ Fixing  (iterations + 1)
///            └─ linked PR's pipeline fails, iterations = max ──────────────▶ NeedsPerson (PR comment says so)
///            └─ linked PR's pipeline succeeds ─────────────────────────────▶ Succeeded
///  any active state ── Codegen FAILED/ERROR ──▶ Failed; CANCELLED/STOPPED ──▶ Stopped
/// </code>
/// After a resume, Codegen may still report the previous COMPLETE until the agent picks the prompt
/// up; an idle status only counts once the run was seen working again, its result changed, or
/// <see cref="AgentRunTracker.ResumeGrace"/> has passed.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentRunStatus>))]
public enum AgentRunStatus
{
    /// <summary>The row exists; Codegen has not accepted the run yet.</summary>
    Starting,
    Planning,
    AwaitingConfirmation,
    Implementing,
    Completed,
    Fixing,
    Succeeded,
    NeedsPerson,
    Rejected,
    Failed,
    Stopped,
}

public static class AgentRunStatuses
{
    /// <summary>States in which the agent is working and the tracker polls Codegen.</summary>
    public static readonly AgentRunStatus[] Polled =
        [AgentRunStatus.Planning, AgentRunStatus.Implementing, AgentRunStatus.Fixing];

    public static bool IsPolled(this AgentRunStatus status) => Polled.Contains(status);

    /// <summary>States from which a failing pipeline can still send the agent back to work.</summary>
    public static bool AcceptsFixes(this AgentRunStatus status) =>
        status is AgentRunStatus.Implementing or AgentRunStatus.Completed or AgentRunStatus.Fixing
            or AgentRunStatus.Succeeded;

    /// <summary>How the pages show a status, e.g. "Awaiting confirmation".</summary>
    public static string Label(this AgentRunStatus status) => status switch
    {
        AgentRunStatus.AwaitingConfirmation => "Awaiting confirmation",
        AgentRunStatus.NeedsPerson => "Needs a person",
        _ => status.ToString(),
    };

    /// <summary>The CSS badge class the site's stylesheet colours.</summary>
    public static string Badge(this AgentRunStatus status) => status switch
    {
        AgentRunStatus.Succeeded or AgentRunStatus.Completed => "success",
        AgentRunStatus.Failed => "failure",
        AgentRunStatus.AwaitingConfirmation or AgentRunStatus.NeedsPerson => "action_required",
        AgentRunStatus.Rejected or AgentRunStatus.Stopped => "cancelled",
        AgentRunStatus.Starting => "queued",
        _ => "in_progress",
    };
}
