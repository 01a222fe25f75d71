namespace CodegenCicd.Projects;

/// <summary>
/// Pages to check are paths of the preview, never URLs: <c>//host/x</c> and <c>/\host/x</c> are
/// protocol-relative in a browser (Chromium reads <c>\</c> as <c>/</c>), and <c>http:</c>, <c>javascript:</c>,
/// <c>data:</c> or <c>file:</c> would point the evaluation's browser somewhere else than the preview.
/// </summary>
public static class PreviewPath
{
    /// <summary>Why <paramref name="path"/> is not a path of the preview, or null when it is.</summary>
    public static string? Problem(string path) =>
        string.IsNullOrEmpty(path) || path[0] != '/'
            ? $"'{Clip(path)}' is not a path of the preview: "
                + "it must start with '/' (e.g. /about), not a scheme or a host."
        : path.Length > 1 && path[1] is '/' or '\\'
            ? $"'{Clip(path)}' names another host (it starts with '{path[..2]}'); "
                + "only paths of the preview are allowed."
        : path.Contains('\\', StringComparison.Ordinal)
            ? $"'{Clip(path)}' contains '\\', which browsers read as '/'; use '/'."
        : null;

    private static string Clip(string path) => path.Length > 80 ? path[..80] + "…" : path;
}
