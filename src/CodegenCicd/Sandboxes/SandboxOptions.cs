using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Sandboxes;

public enum SandboxProviderKind
{
    Local,
}

public sealed class SandboxOptions : IConfigSection
{
    public static string SectionName => "Sandbox";

    /// <summary>Local: bubblewrap-isolated processes on this host.</summary>
    public SandboxProviderKind Provider { get; set; } = SandboxProviderKind.Local;

    /// <summary>Where workspaces and snapshots live (relative paths are under the content root).</summary>
    [Required(ErrorMessage = "Sandbox:Root must not be empty")]
    public string Root { get; set; } = "data/sandboxes";
}
