namespace CodegenCicd.Audit;

/// <summary>The actions the audit log records (what <c>GET /api/audit</c> returns in <c>action</c>).</summary>
public static class AuditActions
{
    public const string RunRerun = "run.rerun";
    public const string RunCancel = "run.cancel";
    public const string RunApprove = "run.approve";
    public const string RunMergeNow = "run.merge-now";
    public const string AgentRunStart = "agent-run.start";
    public const string AgentRunConfirm = "agent-run.confirm";
    public const string AgentRunReject = "agent-run.reject";
    public const string ProjectPin = "project.pin";
    public const string ProjectUnpin = "project.unpin";
    public const string ProjectAutoPin = "project.auto-pin";
    public const string SettingsChange = "settings.change";
    public const string SecretSet = "secret.set";
    public const string SecretRemove = "secret.remove";
    public const string Setup = "setup";
    public const string InstanceSettings = "instance.settings";
}
