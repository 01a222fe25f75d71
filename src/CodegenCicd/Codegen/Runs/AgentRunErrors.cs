using CodegenCicd.Codegen.Api;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Bad input from the user; <see cref="Field"/> names the field at fault (camelCase, as in the API).</summary>
public sealed class AgentRunInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>The run is not in a state that allows this action (e.g. confirming a plan twice).</summary>
public sealed class AgentRunStateException(string message) : Exception(message);

/// <summary>Codegen refused an action on a saved run; the run (with its error) is in <see cref="Run"/>.</summary>
public sealed class AgentRunFailedException(AgentRun run, CodegenApiException inner) : Exception(inner.Message, inner)
{
    public AgentRun Run { get; } = run;

    public CodegenApiException Upstream { get; } = inner;
}
