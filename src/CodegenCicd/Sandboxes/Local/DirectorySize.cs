namespace CodegenCicd.Sandboxes.Local;

/// <summary>How much disk a folder takes: the sandbox size limit and the Overview's disk use both ask.</summary>
public static class DirectorySize
{
    /// <summary>Apparent size of the files under <paramref name="path"/>; symbolic links are not followed.</summary>
    public static long Of(string path)
    {
        if (!Directory.Exists(path))
        {
            return 0;
        }
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", options))
            {
                total += file.Length;
            }
        }
        catch (IOException)
        {
            // Files come and go while a command runs or a preview starts; the next check sees the rest.
        }
        return total;
    }
}
