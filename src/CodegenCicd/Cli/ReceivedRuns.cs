using System.Text;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Cli;

/// <summary>
/// The pipeline runs a delivery started. Handling a <c>pull_request</c> delivery only queues its run,
/// so <c>receive</c> follows the runs to their end before the host stops (otherwise the replay would
/// stop at "queued" and leave the run for the next start's recovery).
/// </summary>
internal static class ReceivedRuns
{
    /// <summary>
    /// Waits until every run of the delivery is final and its outcome told (check runs, PR comment), or
    /// waits for a review, label or mergeability, or (a fork PR) for a maintainer's approval; returns them,
    /// or null when the deadline passes first.
    /// </summary>
    public static async Task<IReadOnlyList<PipelineRun>?> WaitAsync(
        IServiceScopeFactory scopes, string deliveryId, DateTimeOffset deadline, TimeProvider time,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var runs = await scope.ServiceProvider.GetRequiredService<PipelineActivityQueries>()
                    .RunsOfDeliveryAsync(deliveryId, cancellationToken);
                if (runs.All(r => r.Status.IsFinal() && EffectQueries.IsSettled(r)
                    || r.Status is RunStatus.Waiting or RunStatus.AwaitingApproval))
                {
                    return runs;
                }
            }
            if (time.GetUtcNow() >= deadline)
            {
                return null;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }

    /// <summary>One line per run and per stage, like the check runs on GitHub.</summary>
    public static string Describe(PipelineRun run)
    {
        var text = new StringBuilder($"Run {run.Id} for {run.Repository}#{run.PullRequest} "
                + $"at {run.HeadSha[..Math.Min(7, run.HeadSha.Length)]}: ")
            .Append(run.Status.ToString().ToLowerInvariant())
            .Append(run.StatusReason is { Length: > 0 } reason ? $" ({reason})" : "");
        if (run.MergedSha is { } merged)
        {
            text.Append($", merged {merged[..Math.Min(7, merged.Length)]}");
        }
        foreach (var stage in run.Stages.OrderBy(s => s.Kind))
        {
            text.Append($"\n  {stage.Kind.CheckRunName()}: "
                + $"{stage.Conclusion?.ToString().ToLowerInvariant() ?? stage.Status.ToString().ToLowerInvariant()}")
                .Append(stage.Title is { Length: > 0 } title ? $" — {title}" : "");
        }
        return text.ToString();
    }
}
