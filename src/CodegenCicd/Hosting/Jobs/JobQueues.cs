using System.Security.Cryptography;
using System.Text;

namespace CodegenCicd.Hosting.Jobs;

/// <summary>
/// Queues in priority order: webhook intake first, then work that must run on this node (it browses a
/// preview whose process lives here), then everything else. Every node listens on <see cref="Critical"/> and
/// <see cref="Default"/>; a node's own queue is listened on by that node alone.
/// </summary>
public static class JobQueues
{
    public const string Critical = "critical";
    public const string Default = "default";

    public static string[] ListenedBy(string? node) =>
        node is null ? [Critical, Default] : [Critical, OfNode(node), Default];

    /// <summary>
    /// The queue only <paramref name="node"/> listens on. Hangfire takes [a-z0-9_-] in a queue name: the readable
    /// part is the name so reduced, and a hash of the whole name keeps two nodes that reduce alike apart.
    /// </summary>
    public static string OfNode(string node)
    {
        var readable = new string(node.ToLowerInvariant().Take(40)
            .Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-').ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node)))[..8];
        return $"node-{readable}-{hash}";
    }
}

/// <summary>
/// This process's node name, registered by the feature that knows it (Cluster), so the job server
/// listens on the node's own queue. Without it the server listens on the shared queues only.
/// </summary>
public sealed record JobNode(string Name);
