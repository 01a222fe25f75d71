using CodegenCicd.Hosting.Observability;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>A preview's capability token is a credential: its paths are logged without it.</summary>
internal sealed class PreviewPathRedactor : IRequestPathRedactor
{
    public string Redact(string path) => PreviewCapability.Redact(path);
}
