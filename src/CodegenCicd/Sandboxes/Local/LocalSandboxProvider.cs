using System.Globalization;
using System.Text.RegularExpressions;
using CodegenCicd.Sandboxes.Isolation;
using CodegenCicd.Sandboxes.Snapshots;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// Sandboxes on this host, isolated with bubblewrap; snapshots are hard-link trees (see <see cref="SnapshotStore"/>).
/// </summary>
public sealed partial class LocalSandboxProvider(SandboxPaths paths, SnapshotStore snapshots,
    SandboxIsolation isolation, IOptions<SandboxOptions> options)
    : ISandboxProvider
{
    public string Name => "Local";

    public bool HasSnapshot(string snapshotId) => snapshots.Exists(snapshotId);

    public async Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var bwrap = BubblewrapLauncher.FindBubblewrap() ?? throw new SandboxUnavailableException(BubblewrapMissing);
        var slug = Slug().Replace(spec.Name, "-").Trim('-');
        var id = $"{(slug.Length > 40 ? slug[..40] : slug)}-{Guid.NewGuid():N}";
        var workspace = Path.Combine(paths.Workspaces, id);
        Directory.CreateDirectory(workspace);
        var users = UserDatabase.Ensure(paths.Root,
            BubblewrapLauncher.RunsAsRoot ? options.Value.UserId : (int)getuid());
        var sandbox = new LocalSandbox(id, workspace, options.Value,
            new BubblewrapLauncher(options.Value, bwrap, isolation, users), isolation, snapshots,
            new SecretMasker(spec.MaskedValues));
        try
        {
            if (BubblewrapLauncher.RunsAsRoot)
            {
                var owner = options.Value.UserId.ToString(CultureInfo.InvariantCulture);
                await HostCommand.RunAsync("chown", [$"{owner}:{owner}", workspace], cancellationToken);
            }
            if (spec.RestoreFrom is { } snapshot)
            {
                await snapshots.RestoreAsync(snapshot, workspace, cancellationToken);
            }
            return sandbox;
        }
        catch
        {
            await sandbox.TerminateAsync();
            throw;
        }
    }

    public const string BubblewrapMissing = "bubblewrap (bwrap) not found: apt-get install bubblewrap";

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial uint getuid();

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex Slug();
}
