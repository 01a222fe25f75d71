namespace CodegenCicd.Sandboxes;

/// <summary>The sandbox itself could not run (not the author's code): reported as an infrastructure error.</summary>
public sealed class SandboxUnavailableException(string message) : Exception(message);
