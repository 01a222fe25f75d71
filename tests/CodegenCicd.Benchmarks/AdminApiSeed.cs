using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CodegenCicd.Benchmarks;

/// <summary>What the seed made, for the benchmark's filters.</summary>
public sealed record AdminApiSeedResult(
    string SomeRepository, int SomeProjectId, int SomePullRequest, long LastRunId, int Running, int OpenPullRequests);

/// <summary>
/// Fills the app's (migrated) SQLite database with projects and pipeline runs the way months of use
/// would: each project works through pull requests one after another, each PR gets one to eight runs
/// (a push each), most PRs end merged or closed, a few stay open, and the open ones' newest runs are
/// partly still running. Raw ADO in one transaction with prepared commands: 100,000 runs and their
/// 400,000 stages take seconds, where EF's change tracker would take minutes.
/// </summary>
public static class AdminApiSeed
{
    private const string Format = "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz"; // how EF Core's SQLite provider stores DateTimeOffset

    private sealed record RunRow(long Id, int Project, int PullRequest, string Sha, string Status, DateTimeOffset CreatedAt)
    {
        public string? MergedSha { get; set; }

        public DateTimeOffset? ClosedAt { get; set; }

        public string FinalStatus { get; set; } = Status;
    }

    public static async Task<AdminApiSeedResult> SeedAsync(string databasePath, int projects, int runs)
    {
        var random = new Random(15);
        var now = DateTimeOffset.UtcNow;
        var rows = Plan(random, projects, runs, now, out var open);
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA busy_timeout = 10000;");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await InsertProjectsAsync(connection, transaction, projects, now);
        await InsertRunsAsync(connection, transaction, rows, random, now);
        await transaction.CommitAsync();
        // Fold the write-ahead log into the database now, so no checkpoint of the seed lands inside a measurement.
        await Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return new(RepositoryName(projects / 3), projects / 3 + 1, rows[rows.Count / 2].PullRequest, rows[^1].Id,
            rows.Count(r => r.FinalStatus == "Running"), open);
    }

    private static List<RunRow> Plan(Random random, int projects, int runs, DateTimeOffset now, out int open)
    {
        var rows = new List<RunRow>(runs);
        var current = new (int PullRequest, int RunsLeft, List<RunRow> Runs)[projects];
        for (var p = 0; p < projects; p++)
        {
            current[p] = (1, random.Next(1, 9), []);
        }
        open = 0;
        var start = now.AddMinutes(-runs);
        for (var id = 1L; id <= runs; id++)
        {
            var p = random.Next(projects);
            var (pr, left, prRuns) = current[p];
            var status = random.NextDouble() switch { < 0.6 => "Failed", < 0.9 => "Succeeded", _ => "Cancelled" };
            var row = new RunRow(id, p + 1, pr, Convert.ToHexStringLower(BitConverter.GetBytes(id * 7919 + p)).PadRight(40, '0'),
                status, start.AddMinutes(id));
            rows.Add(row);
            prRuns.Add(row);
            if (left > 1)
            {
                current[p] = (pr, left - 1, prRuns);
                continue;
            }
            // The PR's last push: it is merged (70 %), closed, or (3 %) left open for good.
            var outcome = random.NextDouble();
            if (outcome < 0.97)
            {
                var closedAt = row.CreatedAt.AddMinutes(30);
                if (outcome < 0.7)
                {
                    row.FinalStatus = "Succeeded";
                    row.MergedSha = row.Sha;
                }
                prRuns.ForEach(r => r.ClosedAt = closedAt);
            }
            else
            {
                open++;
            }
            current[p] = (pr + 1, random.Next(1, 9), []);
        }
        // Each project's PR still being worked on is open; half of their newest runs are still running.
        foreach (var (_, _, prRuns) in current.Where(c => c.Runs.Count > 0))
        {
            open++;
            if (random.NextDouble() < 0.5)
            {
                prRuns[^1].FinalStatus = "Running";
            }
        }
        return rows;
    }

    private static async Task InsertProjectsAsync(SqliteConnection connection, SqliteTransaction transaction, int projects, DateTimeOffset now)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO "Project" ("Id", "FullName", "GitHubRepositoryId", "InstallationId", "IsPinned", "IsActive", "IsPrivate",
                "DefaultBranch", "Settings", "CreatedAt", "UpdatedAt")
            VALUES ($id, $name, $repoId, 1, 1, 1, 0, 'main', '{}', $at, $at)
            """;
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var name = command.Parameters.Add("$name", SqliteType.Text);
        var repoId = command.Parameters.Add("$repoId", SqliteType.Integer);
        command.Parameters.AddWithValue("$at", now.ToString(Format, CultureInfo.InvariantCulture));
        for (var p = 0; p < projects; p++)
        {
            id.Value = p + 1;
            name.Value = RepositoryName(p);
            repoId.Value = 10_000 + p;
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task InsertRunsAsync(SqliteConnection connection, SqliteTransaction transaction, List<RunRow> rows, Random random, DateTimeOffset now)
    {
        await using var run = connection.CreateCommand();
        run.Transaction = transaction;
        run.CommandText = """
            INSERT INTO "PipelineRun" ("Id", "ProjectId", "Repository", "PullRequest", "HeadSha", "HeadBranch", "BaseBranch",
                "PullRequestUrl", "PullRequestTitle", "CloneUrl", "InstallationId", "FromFork", "AuthorLogin", "AuthorAssociation",
                "Trigger", "ActiveKey", "Status", "StatusReason", "PreviewPath", "MergedSha", "MergeRequested", "PullRequestClosedAt",
                "CreatedAt", "StartedAt", "CompletedAt")
            VALUES ($id, $project, $repo, $pr, $sha, $branch, 'main', $url, $title, $clone, 1, 0, 'octocat', 'MEMBER',
                'pull_request.synchronize', $key, $status, $reason, $preview, $merged, 0, $closed, $created, $started, $completed)
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "id", "project", "repo", "pr", "sha", "branch", "url", "title", "clone", "key", "status", "reason", "preview", "merged", "closed", "created", "started", "completed" })
        {
            p[name] = run.Parameters.AddWithValue("$" + name, DBNull.Value);
        }
        await using var stage = connection.CreateCommand();
        stage.Transaction = transaction;
        stage.CommandText = """
            INSERT INTO "PipelineStage" ("RunId", "Kind", "Status", "Conclusion", "Attempt", "InfrastructureFailures", "CheckRunId",
                "Title", "Summary", "Log", "StartedAt", "HeartbeatAt", "CompletedAt")
            VALUES ($run, $kind, $status, $conclusion, 1, 0, $check, $title, $summary, $log, $started, $heartbeat, $completed)
            """;
        var s = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "run", "kind", "status", "conclusion", "check", "title", "summary", "log", "started", "heartbeat", "completed" })
        {
            s[name] = stage.Parameters.AddWithValue("$" + name, DBNull.Value);
        }
        var log = string.Join('\n', Enumerable.Range(1, 4).Select(i => $"step {i}: npm run build -- --mode production ... ok ({i * 137} ms)"));
        foreach (var row in rows)
        {
            var repository = RepositoryName(row.Project - 1);
            var running = row.FinalStatus == "Running";
            var started = row.CreatedAt.AddSeconds(5);
            var completed = running ? (DateTimeOffset?)null : row.CreatedAt.AddMinutes(4);
            Set(p["id"], row.Id);
            Set(p["project"], row.Project);
            Set(p["repo"], repository);
            Set(p["pr"], row.PullRequest);
            Set(p["sha"], row.Sha);
            Set(p["branch"], $"feature/change-{row.PullRequest}");
            Set(p["url"], $"https://github.com/{repository}/pull/{row.PullRequest}");
            Set(p["title"], $"Change number {row.PullRequest} of {repository}");
            Set(p["clone"], $"https://github.com/{repository}.git");
            Set(p["key"], row.FinalStatus == "Cancelled" ? null : $"{row.Project}:{row.PullRequest}:{row.Sha}");
            Set(p["status"], row.FinalStatus);
            Set(p["reason"], row.FinalStatus switch { "Failed" => "web-eval failed: 2 pages with console errors", "Cancelled" => "superseded by a newer push", _ => null });
            Set(p["preview"], row.FinalStatus is "Running" or "Succeeded" ? $"/preview/{repository}/{row.PullRequest}/" : null);
            Set(p["merged"], row.MergedSha);
            Set(p["closed"], row.ClosedAt);
            Set(p["created"], row.CreatedAt);
            Set(p["started"], started);
            Set(p["completed"], completed);
            await run.ExecuteNonQueryAsync();

            // Failed runs fail at one stage; the ones after it are skipped.
            var failsAt = row.FinalStatus == "Failed" ? random.Next(3) : -1;
            foreach (var (kind, index) in new[] { "Analysis", "Deploy", "WebEval", "Merge" }.Select((k, i) => (k, i)))
            {
                var (status, conclusion) = (row.FinalStatus, index) switch
                {
                    ("Running", 0) => ("Completed", "Success"),
                    ("Running", 1) => ("InProgress", null),
                    ("Running", _) => ("Pending", null),
                    ("Cancelled", _) => ("Completed", "Cancelled"),
                    ("Failed", _) when index == failsAt => ("Completed", "Failure"),
                    ("Failed", _) when index > failsAt => ("Completed", "Skipped"),
                    _ => ("Completed", (string?)"Success"),
                };
                Set(s["run"], row.Id);
                Set(s["kind"], kind);
                Set(s["status"], status);
                Set(s["conclusion"], conclusion);
                Set(s["check"], status == "Pending" ? null : row.Id * 4 + index);
                Set(s["title"], conclusion is null ? null : $"{kind}: {conclusion}");
                Set(s["summary"], conclusion is null ? null : $"### {kind}\n{conclusion} after {index + 1} minutes; see the details page.");
                Set(s["log"], index < 2 && status != "Pending" ? log : null);
                Set(s["started"], status == "Pending" ? null : running ? now : started.AddMinutes(index));
                // A running stage's heartbeat lies ahead, so the watchdog never takes a seeded stage over mid-benchmark.
                Set(s["heartbeat"], status == "InProgress" ? now.AddDays(1) : null);
                Set(s["completed"], status == "Completed" ? started.AddMinutes(index + 1) : null);
                await stage.ExecuteNonQueryAsync();
            }
        }
    }

    private static void Set(SqliteParameter parameter, object? value) => parameter.Value = value switch
    {
        null => DBNull.Value,
        DateTimeOffset at => at.ToString(Format, CultureInfo.InvariantCulture),
        _ => value,
    };

    private static string RepositoryName(int index) => $"acme/repo-{index:000}";

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
