using System.Text.Json.Nodes;

namespace CodegenCicd.WebEval.Agent;

/// <param name="Name">The function Gemini asked for.</param>
/// <param name="Arguments">Its arguments; an empty object when Gemini sent none.</param>
public sealed record FunctionCall(string Name, JsonObject Arguments);

/// <summary>One usable or unusable reply of generateContent.</summary>
/// <param name="Text">The text parts joined: the model's reasoning.</param>
/// <param name="ModelContent">The candidate's content, sent back verbatim as the model's turn.</param>
/// <param name="Problem">Why the reply cannot be acted on (no candidates, no parts, a call without a name…).</param>
public sealed record GeminiReply(string? Text, IReadOnlyList<FunctionCall> Calls, JsonObject? ModelContent,
    string? Problem);

/// <summary>Gemini would not answer: a 4xx/5xx, a blocked prompt, a refusal. Ends the agent run as an error.</summary>
public sealed class GeminiRefusedException(string message, Exception? inner = null) : Exception(message, inner);
