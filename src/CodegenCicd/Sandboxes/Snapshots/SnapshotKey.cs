using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CodegenCicd.Sandboxes.Snapshots;

/// <summary>
/// The content address of a prepared workspace: SHA-256 over the repository, the trust level
/// (a fork's code or the repository's own), the setup commands,
/// the names (never the values) of the environment variables and every lockfile's path and
/// contents. Anything that changes what setup would produce changes the key.
/// </summary>
public static partial class SnapshotKey
{
    // Bump when the snapshot layout changes, so old snapshots are never restored into a new layout.
    private const string FormatVersion = "codegencicd-snapshot-v1";

    public static string Compute(string repository, string trust, IReadOnlyList<string> setupCommands,
        IEnumerable<string> environmentNames, string sourceDirectory, IEnumerable<string> trackedFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string label, string value)
        {
            // Length-prefixed fields: ["a b"] and ["a", "b"] hash differently.
            var bytes = Encoding.UTF8.GetBytes(value);
            hash.AppendData(Encoding.UTF8.GetBytes($"{label}:{bytes.Length}:"));
            hash.AppendData(bytes);
        }

        Add("format", FormatVersion);
        Add("repository", repository.ToLowerInvariant());
        Add("trust", trust);
        foreach (var command in setupCommands)
        {
            Add("setup", command);
        }
        foreach (var name in environmentNames.Order(StringComparer.Ordinal))
        {
            Add("env", name);
        }
        foreach (var path in trackedFiles.Where(IsLockfile).Order(StringComparer.Ordinal))
        {
            Add("lockfile", path);
            var full = Path.Combine(sourceDirectory, path);
            // A lockfile that is a symbolic link is hashed by its target's name only, never read through.
            var link = new FileInfo(full).LinkTarget;
            Add("content", link is not null ? "link:" + link
                : File.Exists(full) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(full)))
                : "");
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Files whose contents decide what dependency installation produces.</summary>
    public static bool IsLockfile(string path) => LockfileName().IsMatch(Path.GetFileName(path));

    [GeneratedRegex(@"^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?"
        + @"|packages\.lock\.json|.+\.(cs|fs|vb)proj|Directory\.Packages\.props|global\.json"
        + @"|requirements.*\.txt|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|Cargo\.lock|Gemfile\.lock"
        + @"|composer\.lock|mix\.lock|pubspec\.lock)$")]
    private static partial Regex LockfileName();
}
