using System.Text.Json;
using CodegenCicd.Hosting.Retention;

namespace CodegenCicd.WebEval.Reports;

/// <summary>
/// Prunes web-eval reports and screenshots by age and total size. A pruned report's folder keeps
/// one small marker saying when, so the run page can say the evidence was there and went.
/// </summary>
public sealed class ArtifactRetention(WebEvalArtifacts artifacts, TimeProvider time, ILogger<ArtifactRetention> logger)
{
    public const string PrunedMarker = "pruned.json";

    /// <summary>
    /// Deletes what is past <paramref name="cutoff"/> or beyond <paramref name="maxBytes"/>; returns how many reports
    /// went.
    /// </summary>
    public int Prune(DateTimeOffset cutoff, long maxBytes)
    {
        var reports = Reports().ToList();
        var chosen = FolderPruner.Choose(reports, cutoff, maxBytes);
        var now = time.GetUtcNow();
        foreach (var report in chosen)
        {
            foreach (var entry in new DirectoryInfo(report.Path).GetFileSystemInfos())
            {
                if (entry is DirectoryInfo folder)
                {
                    folder.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
            File.WriteAllText(Path.Combine(report.Path, PrunedMarker),
                JsonSerializer.Serialize(new Pruned(now, report.Bytes), JsonSerializerOptions.Web));
        }
        if (chosen.Count > 0)
        {
            logger.LogInformation("Pruned {Count} web-eval report(s), {Megabytes} MB", chosen.Count,
                chosen.Sum(c => c.Bytes) / 1_048_576);
        }
        return chosen.Count;
    }

    /// <summary>
    /// When the report under <paramref name="key"/> was pruned, or null when it was not (or never existed).
    /// </summary>
    public DateTimeOffset? PrunedAt(string? key)
    {
        if (!artifacts.TryGetDirectory(key, out var directory) || !File.Exists(Path.Combine(directory, PrunedMarker)))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Pruned>(File.ReadAllText(Path.Combine(directory, PrunedMarker)),
                JsonSerializerOptions.Web)?.At;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Bytes of reports and screenshots on this node's disk.</summary>
    public long Bytes() => Reports().Sum(r => r.Bytes);

    /// <summary>Every report folder (one holding report.json) that was not pruned yet.</summary>
    private IEnumerable<PrunableItem> Reports()
    {
        var root = artifacts.Root;
        if (!Directory.Exists(root))
        {
            yield break;
        }
        foreach (var report in Directory.EnumerateFiles(root, WebEvalArtifacts.ReportFileName,
            SearchOption.AllDirectories))
        {
            var folder = Path.GetDirectoryName(report)!;
            var (bytes, last) = FolderPruner.Measure(folder);
            yield return new PrunableItem(folder, bytes, last);
        }
    }

    private sealed record Pruned(DateTimeOffset At, long Bytes);
}
