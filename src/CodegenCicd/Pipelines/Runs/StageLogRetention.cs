using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Runs;

/// <summary>
/// Drops the stored command logs of stages that finished long ago; their summary and conclusion stay.
/// </summary>
public sealed class StageLogRetention(PipelineStore store, TimeProvider time)
{
    private const int BatchSize = 500;

    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var note = $"(log pruned on {time.GetUtcNow():yyyy-MM-dd} by Retention:LogsMaxAgeDays)";
        var total = 0;
        var after = 0L;
        while (true)
        {
            // SQLite cannot compare DateTimeOffset columns in SQL: the age is checked here, a batch at a time.
            var batch = await store.Db.Set<PipelineStage>().AsNoTracking()
                .Where(s => s.Id > after && s.Log != null && s.CompletedAt != null && !s.Log.StartsWith("(log pruned"))
                .OrderBy(s => s.Id).Take(BatchSize).Select(s => new { s.Id, s.CompletedAt })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return total;
            }
            var expired = batch.Where(s => s.CompletedAt < cutoff).Select(s => s.Id).ToList();
            if (expired.Count > 0)
            {
                total += await store.Db.Set<PipelineStage>().Where(s => expired.Contains(s.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Log, note), cancellationToken);
            }
            after = batch[^1].Id;
        }
    }
}
