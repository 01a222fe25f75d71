using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes;

/// <summary>The folders under <c>Sandbox:Root</c>: workspaces, snapshots, checkouts (git data, never mounted) and logs.</summary>
public sealed class SandboxPaths
{
    public SandboxPaths(IOptions<SandboxOptions> options, IHostEnvironment environment)
        : this(Path.GetFullPath(options.Value.Root, environment.ContentRootPath))
    {
    }

    public SandboxPaths(string root)
    {
        Root = root;
        Workspaces = Path.Combine(root, "workspaces");
        Snapshots = Path.Combine(root, "snapshots");
        Checkouts = Path.Combine(root, "checkouts");
        Logs = Path.Combine(root, "logs");
    }

    public string Root { get; }

    public string Workspaces { get; }

    public string Snapshots { get; }

    public string Checkouts { get; }

    public string Logs { get; }
}
