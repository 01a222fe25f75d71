using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Cluster;

/// <summary>
/// How this node is known to the others sharing its database: a name (whose previews and
/// sandboxes are whose) and an address the other nodes can reach (where they forward its previews).
/// </summary>
public sealed class ClusterOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Cluster";

    /// <summary>This node's name; unique among the nodes on one database. Defaults to the machine's name.</summary>
    [MaxLength(255, ErrorMessage = "Cluster:NodeName must be at most 255 characters")]
    public string? NodeName { get; set; }

    /// <summary>
    /// This node's own address as the other nodes reach it (e.g. http://10.0.0.5:8080), not the
    /// public URL a load balancer answers on. Unset on a single node: no other node forwards to it.
    /// </summary>
    public Uri? NodeUrl { get; set; }

    /// <summary>How often this node says it is alive.</summary>
    [Range(1, 3600, ErrorMessage = "Cluster:HeartbeatSeconds must be between 1 and 3600")]
    public int HeartbeatSeconds { get; set; } = 10;

    /// <summary>A node silent this long is gone: its previews wake on whichever node is asked for them.</summary>
    [Range(2, 86_400, ErrorMessage = "Cluster:NodeTimeoutSeconds must be between 2 and 86400")]
    public int NodeTimeoutSeconds { get; set; } = 45;

    public string Name => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName.Trim();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NodeUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult(
                "Cluster:NodeUrl must be an absolute http or https URL (e.g. http://10.0.0.5:8080)");
        }
        if (NodeTimeoutSeconds <= HeartbeatSeconds)
        {
            yield return new ValidationResult(
                "Cluster:NodeTimeoutSeconds must be longer than Cluster:HeartbeatSeconds");
        }
    }
}
