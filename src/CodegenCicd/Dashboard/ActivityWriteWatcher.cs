using System.Text.RegularExpressions;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Dashboard;

/// <summary>
/// Starts a new <see cref="ProjectActivityCache"/> generation after every committed write to the tables a
/// project's activity is read from: runs, stages, agent runs and their pull requests.
/// </summary>
public sealed class ActivityWriteWatcher(ProjectActivityCache cache) : TableWriteWatcher(Writes, cache.Invalidate)
{
    private static readonly Regex Writes = WritesTo(
        [nameof(PipelineRun), nameof(PipelineStage), nameof(AgentRun), nameof(AgentRunPullRequest)]);

    internal static bool IsActivityWrite(string sql) => Writes.IsMatch(sql);
}
