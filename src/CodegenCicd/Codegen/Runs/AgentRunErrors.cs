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

/// <summary>What an agent-run error means to an HTTP caller: its status, a title and the message to show.</summary>
/// <param name="Field">The input field at fault (400s only).</param>
/// <param name="Failure">Codegen's refusal, with the saved run (502s only).</param>
public sealed record AgentRunError(int StatusCode, string Title, string Message, string? Field,
    AgentRunFailedException? Failure);

/// <summary>The one mapping of agent-run errors to HTTP answers, shared by the JSON API and the pages.</summary>
public static class AgentRunErrors
{
    /// <summary>The answer for an agent-run error, or null when the exception is not one (let it propagate).</summary>
    public static AgentRunError? Describe(Exception exception) => exception switch
    {
        AgentRunInputException e => new(StatusCodes.Status400BadRequest, "Invalid input", e.Message, e.Field, null),
        AgentRunStateException e => new(StatusCodes.Status409Conflict, "The run is not waiting for a plan decision",
            e.Message, null, null),
        CodegenNotConfiguredException e => new(StatusCodes.Status503ServiceUnavailable, "Codegen not configured",
            e.Message, null, null),
        AgentRunFailedException e => new(StatusCodes.Status502BadGateway, "Codegen refused the request",
            e.Message, null, e),
        _ => null,
    };
}
