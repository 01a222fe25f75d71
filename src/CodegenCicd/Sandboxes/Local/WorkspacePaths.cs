namespace CodegenCicd.Sandboxes.Local;

internal static class WorkspacePaths
{
    /// <summary>
    /// The host path of a workspace-relative path; refuses paths that leave the workspace, including
    /// through a symbolic link the sandbox planted (e.g. <c>reports -> /etc</c>).
    /// </summary>
    public static string Resolve(string workspace, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(workspace, relative.TrimStart('/')));
        if (full != workspace && !full.StartsWith(workspace + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relative}' is outside the workspace", nameof(relative));
        }
        for (var current = full; current.Length > workspace.Length; current = Path.GetDirectoryName(current)!)
        {
            if (new FileInfo(current).LinkTarget is not null)
            {
                throw new ArgumentException($"'{relative}' goes through a symbolic link", nameof(relative));
            }
        }
        return full;
    }

    /// <summary>Deletes a workspace tree; sandboxed commands may have left folders without write permission.</summary>
    public static async Task DeleteAsync(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only folders get write permission back: files may be hard links shared with a snapshot.
            await HostCommand.RunAsync("find", [path, "-type", "d", "-exec", "chmod", "u+rwx", "{}", "+"],
                CancellationToken.None);
            Directory.Delete(path, recursive: true);
        }
    }
}
