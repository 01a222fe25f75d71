namespace CodegenCicd.Hosting.Observability;

/// <summary>
/// Removes credentials from a request path before it is logged. Features whose paths carry one
/// (a preview's capability token) register theirs; the request log applies every one.
/// </summary>
public interface IRequestPathRedactor
{
    string Redact(string path);
}
