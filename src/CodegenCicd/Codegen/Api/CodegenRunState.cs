namespace CodegenCicd.Codegen.Api;

/// <summary>Codegen's run statuses, reduced to what the tracker acts on.</summary>
public enum CodegenRunState
{
    /// <summary>PENDING, ACTIVE, RUNNING, and any status this code does not know.</summary>
    Running,

    /// <summary>COMPLETE: the agent finished its turn and answered.</summary>
    Complete,

    /// <summary>PAUSED (unconfirmed in the docs): the agent stopped and waits for a follow-up.</summary>
    Paused,

    /// <summary>FAILED, ERROR.</summary>
    Failed,

    /// <summary>CANCELLED, STOPPED: someone stopped it in Codegen.</summary>
    Stopped,
}

public static class CodegenRunStates
{
    /// <summary>
    /// Upper case on the wire, compared case-insensitively; unknown values read as running (REFERENCE.md).
    /// </summary>
    public static CodegenRunState Parse(string? status) => status?.Trim().ToUpperInvariant() switch
    {
        "COMPLETE" or "COMPLETED" => CodegenRunState.Complete,
        "PAUSED" => CodegenRunState.Paused,
        "FAILED" or "ERROR" => CodegenRunState.Failed,
        "CANCELLED" or "CANCELED" or "STOPPED" => CodegenRunState.Stopped,
        _ => CodegenRunState.Running,
    };

    /// <summary>The agent is not working: its answer is final until it is resumed.</summary>
    public static bool IsIdle(this CodegenRunState state) =>
        state is CodegenRunState.Complete or CodegenRunState.Paused;
}
