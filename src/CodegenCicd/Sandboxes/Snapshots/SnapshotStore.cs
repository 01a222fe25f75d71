using System.Collections.Concurrent;
using System.Text.Json;
using CodegenCicd.Sandboxes.Local;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Snapshots;

/// <summary>
/// Prepared workspaces kept under a content-addressed id (<see cref="SnapshotKey"/>): two
/// snapshots can only share an id when their inputs are identical, so ids never collide (the
/// seed's Local provider used a one-second timestamp).
/// <para>
/// Why hard links: bubblewrap 0.8 (Debian 12) has no overlay mounts and ext4 has no reflinks, so a
/// hard-link tree (<c>cp -al</c>) is the cheap restore available everywhere. A hard link shares the
/// inode, so a write in place would change the snapshot; that is prevented by making every snapshot
/// file root-owned and read-only while sandboxes run as <c>Sandbox:UserId</c>: a command can
/// replace such a file (unlink and create, which breaks the link) but never modify it. Folders
/// are not shared (cp -al creates new ones), so the workspace stays writable. Without root the
/// files are only made read-only (a determined command could chmod them back; documented).
/// </para>
/// </summary>
public sealed class SnapshotStore(SandboxPaths paths, IOptions<SandboxOptions> options, TimeProvider time,
    ILogger<SnapshotStore> logger)
{
    private const string TreeFolder = "tree";
    private const string MetadataFile = "snapshot.json";

    private readonly ConcurrentDictionary<string, int> leases = new(StringComparer.Ordinal);

    public bool Exists(string id) => IsValidId(id) && File.Exists(Path.Combine(paths.Snapshots, id, MetadataFile));

    public async Task<string> CreateAsync(string id, string workspace, IReadOnlyCollection<string> excludedPaths,
        CancellationToken cancellationToken)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("A snapshot id is a lowercase hex SHA-256.", nameof(id));
        }
        if (Exists(id))
        {
            Touch(id);
            return id;
        }
        Directory.CreateDirectory(paths.Snapshots);
        var staging = Path.Combine(paths.Snapshots, $".staging-{Guid.NewGuid():N}");
        var tree = Path.Combine(staging, TreeFolder);
        Directory.CreateDirectory(staging);
        try
        {
            await HostCommand.RunAsync("cp", ["-al", "--", workspace, tree], cancellationToken);
            foreach (var relative in excludedPaths)
            {
                var path = Path.GetFullPath(Path.Combine(tree, relative));
                if (path.StartsWith(tree + "/", StringComparison.Ordinal)
                    && (File.Exists(path) || new FileInfo(path).LinkTarget is not null))
                {
                    File.Delete(path);
                }
            }
            await ProtectAsync(tree, cancellationToken);
            var now = time.GetUtcNow();
            var info = new SnapshotInfo(id, now, now, DirectorySize.Of(tree));
            await File.WriteAllTextAsync(Path.Combine(staging, MetadataFile), JsonSerializer.Serialize(info),
                cancellationToken);
            try
            {
                Directory.Move(staging, Path.Combine(paths.Snapshots, id));
                logger.LogInformation("Snapshot {SnapshotId} created ({Bytes} bytes)", id, info.SizeBytes);
            }
            catch (IOException) when (Exists(id))
            {
                // Another deploy with the same inputs finished first; theirs is identical by construction.
                await WorkspacePaths.DeleteAsync(staging);
            }
            return id;
        }
        catch
        {
            await WorkspacePaths.DeleteAsync(staging);
            throw;
        }
    }

    /// <summary>
    /// Fills an empty workspace from the snapshot: with hard links when sandboxes run as another user
    /// than the store's owner (root-owned read-only files they cannot change), otherwise with a copy
    /// (copy-on-write where the filesystem can), since a sandbox running as the files' owner could
    /// make a shared file writable again.
    /// </summary>
    public async Task RestoreAsync(string id, string workspace, CancellationToken cancellationToken)
    {
        if (!Exists(id))
        {
            throw new InvalidOperationException($"snapshot {id} does not exist");
        }
        Touch(id);
        List<string> args = HardLinksAreSafe ? ["-al"] : ["-a", "--reflink=auto"];
        args.AddRange(["--", Path.Combine(paths.Snapshots, id, TreeFolder) + "/.", workspace]);
        await HostCommand.RunAsync("cp", args, cancellationToken);
    }

    /// <summary>Whether restores may share the snapshot's inodes (see <see cref="RestoreAsync"/>).</summary>
    public static bool HardLinksAreSafe => BubblewrapLauncher.RunsAsRoot;

    /// <summary>Keeps a snapshot from eviction while a deployment runs on its files.</summary>
    public IDisposable Lease(string id)
    {
        leases.AddOrUpdate(id, 1, (_, n) => n + 1);
        return new Release(() => leases.AddOrUpdate(id, 0, (_, n) => n - 1));
    }

    public IReadOnlyList<SnapshotInfo> List()
    {
        if (!Directory.Exists(paths.Snapshots))
        {
            return [];
        }
        var result = new List<SnapshotInfo>();
        foreach (var folder in Directory.EnumerateDirectories(paths.Snapshots))
        {
            var file = Path.Combine(folder, MetadataFile);
            if (IsValidId(Path.GetFileName(folder)) && File.Exists(file)
                && JsonSerializer.Deserialize<SnapshotInfo>(File.ReadAllText(file)) is { } info)
            {
                result.Add(info);
            }
        }
        return result;
    }

    /// <summary>
    /// Deletes snapshots unused for longer than the age limit, then the least recently used until the total fits.
    /// </summary>
    public async Task<IReadOnlyList<string>> EvictAsync(CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        var candidates = List().OrderBy(s => s.LastUsedAt).ToList();
        var total = candidates.Sum(s => s.SizeBytes);
        var maxTotal = limits.SnapshotMaxTotalMegabytes * 1024L * 1024;
        var evicted = new List<string>();
        foreach (var snapshot in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tooOld = now - snapshot.LastUsedAt > TimeSpan.FromDays(limits.SnapshotMaxAgeDays);
            if ((!tooOld && total <= maxTotal) || leases.GetValueOrDefault(snapshot.Id) > 0)
            {
                continue;
            }
            await WorkspacePaths.DeleteAsync(Path.Combine(paths.Snapshots, snapshot.Id));
            total -= snapshot.SizeBytes;
            evicted.Add(snapshot.Id);
            logger.LogInformation("Snapshot {SnapshotId} evicted ({Reason})", snapshot.Id,
                tooOld ? "age" : "total size");
        }
        return evicted;
    }

    private void Touch(string id)
    {
        var file = Path.Combine(paths.Snapshots, id, MetadataFile);
        try
        {
            var info = JsonSerializer.Deserialize<SnapshotInfo>(File.ReadAllText(file))!;
            var temp = file + "." + Guid.NewGuid().ToString("N");
            File.WriteAllText(temp, JsonSerializer.Serialize(info with { LastUsedAt = time.GetUtcNow() }));
            File.Move(temp, file, overwrite: true);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not record the use of snapshot {SnapshotId}", id);
        }
    }

    private static async Task ProtectAsync(string tree, CancellationToken cancellationToken)
    {
        List<string> args = [tree, "-type", "f"];
        if (BubblewrapLauncher.RunsAsRoot)
        {
            args.AddRange(["-exec", "chown", "0:0", "{}", "+"]);
        }
        args.AddRange(["-exec", "chmod", "a+r,a-w", "{}", "+"]);
        await HostCommand.RunAsync("find", args, cancellationToken);
    }

    private static bool IsValidId(string id) => id.Length == 64 && id.All(char.IsAsciiHexDigitLower);

    private sealed class Release(Action action) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                action();
            }
        }
    }
}

public sealed record SnapshotInfo(string Id, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, long SizeBytes);
