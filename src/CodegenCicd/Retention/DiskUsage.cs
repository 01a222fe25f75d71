using CodegenCicd.Data;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Local;
using CodegenCicd.WebEval.Reports;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Retention;

/// <summary>One kind of what the app keeps, its size in bytes on this node, and where it is.</summary>
public sealed record DiskUsageItem(string Kind, long Bytes, string Where);

public sealed record DiskUsageReport(IReadOnlyList<DiskUsageItem> Items, DateTimeOffset MeasuredAt);

/// <summary>
/// How much this node keeps of each kind that retention prunes (setup snapshots, preview workspaces and
/// logs, web-eval artifacts, and the database that holds stage logs, deployments and deliveries).
/// Walking the folders costs time, so it happens in the background after each retention sweep (and
/// once at start-up), never per request: the Overview shows the latest measurement and when it was taken.
/// </summary>
public sealed class DiskUsage(
    SandboxPaths sandboxes, WebEvalArtifacts artifacts, IServiceScopeFactory scopes, TimeProvider time)
{
    private DiskUsageReport? latest;

    /// <summary>The latest measurement, or null before the first one finished.</summary>
    public DiskUsageReport? Latest => Volatile.Read(ref latest);

    public async Task<DiskUsageReport> MeasureAsync(CancellationToken cancellationToken)
    {
        List<DiskUsageItem> items =
        [
            new("Setup snapshots", DirectorySize.Of(sandboxes.Snapshots), sandboxes.Snapshots),
            new("Preview workspaces", DirectorySize.Of(sandboxes.Workspaces), sandboxes.Workspaces),
            new("Preview logs", DirectorySize.Of(sandboxes.Logs), sandboxes.Logs),
            new("Web-eval reports and screenshots", DirectorySize.Of(artifacts.Root), artifacts.Root),
        ];
        if (await DatabaseAsync(cancellationToken) is { } database)
        {
            items.Add(database);
        }
        var report = new DiskUsageReport(items, time.GetUtcNow());
        Volatile.Write(ref latest, report);
        return report;
    }

    /// <summary>The SQLite file (with its write-ahead log), or PostgreSQL's own count of the database's size.</summary>
    private async Task<DiskUsageItem?> DatabaseAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        const string kind = "Database (stage logs, deployments, deliveries, …)";
        if (db.Database.IsSqlite())
        {
            var file = db.Database.GetDbConnection().DataSource;
            if (string.IsNullOrEmpty(file) || !File.Exists(file))
            {
                return null;
            }
            var bytes = new[] { file, file + "-wal", file + "-shm" }.Where(File.Exists)
                .Sum(f => new FileInfo(f).Length);
            return new(kind, bytes, file);
        }
        var size = await db.Database.SqlQueryRaw<long>("SELECT pg_database_size(current_database()) AS \"Value\"")
            .SingleAsync(cancellationToken);
        return new(kind, size, "PostgreSQL");
    }
}
