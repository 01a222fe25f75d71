using CodegenCicd.Audit;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// What the audit log says when someone starts an agent run or answers its plan (the page and the API alike).
/// </summary>
public static class AgentRunAudit
{
    public static AuditRecord Started(AgentRun run) =>
        new(AuditActions.AgentRunStart, run.ProjectId, $"agent run {run.Id}", Clip(run.Target));

    public static AuditRecord Confirmed(AgentRun run) =>
        new(AuditActions.AgentRunConfirm, run.ProjectId, $"agent run {run.Id}");

    public static AuditRecord Rejected(AgentRun run) =>
        new(AuditActions.AgentRunReject, run.ProjectId, $"agent run {run.Id}");

    private static string Clip(string target) => target.Length > 200 ? target[..199] + "…" : target;
}
