using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// The folders under <c>Sandbox:Root</c>: workspaces, snapshots,
/// checkouts (git data, never mounted), logs and run (pipes and sockets).
/// </summary>
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
        Run = Path.Combine(root, "run");
    }

    public string Root { get; }

    public string Workspaces { get; }

    public string Snapshots { get; }

    public string Checkouts { get; }

    public string Logs { get; }

    /// <summary>Each running command's pipes and, for a preview, the folder of its relay socket.</summary>
    public string Run { get; }
}
