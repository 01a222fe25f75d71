namespace CodegenCicd.Hosting.Retention;

/// <summary>One prunable unit on disk (a file or a folder) with its size and when it was last written.</summary>
public sealed record PrunableItem(string Path, long Bytes, DateTimeOffset LastWrite);

/// <summary>
/// Chooses what to delete: everything older than the cutoff, then the oldest until the rest fits the cap.
/// </summary>
public static class FolderPruner
{
    public static IReadOnlyList<PrunableItem> Choose(
        IReadOnlyList<PrunableItem> items, DateTimeOffset cutoff, long maxBytes)
    {
        var chosen = items.Where(i => i.LastWrite < cutoff).ToList();
        var kept = items.Except(chosen).OrderBy(i => i.LastWrite).ToList();
        var total = kept.Sum(i => i.Bytes);
        foreach (var item in kept)
        {
            if (total <= maxBytes)
            {
                break;
            }
            chosen.Add(item);
            total -= item.Bytes;
        }
        return chosen;
    }

    /// <summary>Total bytes of the files under <paramref name="folder"/> and the latest write among them.</summary>
    public static (long Bytes, DateTimeOffset LastWrite) Measure(string folder)
    {
        long bytes = 0;
        var last = Directory.GetLastWriteTimeUtc(folder);
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            bytes += file.Length;
            if (file.LastWriteTimeUtc > last)
            {
                last = file.LastWriteTimeUtc;
            }
        }
        return (bytes, new DateTimeOffset(last, TimeSpan.Zero));
    }
}
