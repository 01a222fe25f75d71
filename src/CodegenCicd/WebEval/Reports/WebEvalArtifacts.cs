using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CodegenCicd.WebEval.Reports;

/// <summary>
/// Where reports live: <c>{Browser:ArtifactsRoot}/{key}/report.json</c> with the screenshots beside
/// it. The pipeline picks a key (e.g. <c>runs/42/web-eval-1</c>), passes <see cref="DirectoryFor"/>
/// as the request's artifact directory and links to <see cref="PageUrl"/>. Keys and file names are
/// checked so nothing outside the root can be read through the report page.
/// </summary>
public sealed partial class WebEvalArtifacts(IOptions<BrowserOptions> options)
{
    public const string ReportFileName = "report.json";

    public string Root => Path.GetFullPath(options.Value.ArtifactsRoot);

    /// <summary>The folder for a report key.</summary>
    /// <exception cref="ArgumentException">
    /// The key is not a plain relative path of letters, digits, '.', '_', '-' and '/'.
    /// </exception>
    public string DirectoryFor(string key) =>
        TryGetDirectory(key, out var directory)
            ? directory
            : throw new ArgumentException($"'{key}' is not a valid report key", nameof(key));

    /// <summary>The admin page that shows the report stored under this key.</summary>
    public static string PageUrl(string key) => "/Reports/WebEval?key=" + Uri.EscapeDataString(key);

    public bool TryGetDirectory(string? key, out string directory)
    {
        directory = "";
        if (string.IsNullOrEmpty(key) || key.Length > 200 || !KeyPattern().IsMatch(key)
            || key.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return false;
        }
        var root = Root;
        var candidate = Path.GetFullPath(Path.Combine(root, key));
        if (!candidate.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar,
            StringComparison.Ordinal))
        {
            return false;
        }
        directory = candidate;
        return true;
    }

    /// <summary>The report stored under a key, or null when there is none (or it is unreadable).</summary>
    public async Task<WebEvalReport?> LoadAsync(string? key, CancellationToken cancellationToken)
    {
        if (!TryGetDirectory(key, out var directory) || !File.Exists(Path.Combine(directory, ReportFileName)))
        {
            return null;
        }
        await using var stream = File.OpenRead(Path.Combine(directory, ReportFileName));
        try
        {
            return await JsonSerializer.DeserializeAsync<WebEvalReport>(stream, WebEvalReport.Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A screenshot of the report under <paramref name="key"/>: a bare file name, an image, existing.
    /// </summary>
    public bool TryGetArtifact(string? key, string? file, out string path)
    {
        path = "";
        if (!TryGetDirectory(key, out var directory) || string.IsNullOrEmpty(file) || !ArtifactPattern().IsMatch(file))
        {
            return false;
        }
        path = Path.Combine(directory, file);
        return File.Exists(path);
    }

    public static async Task<string> WriteAsync(WebEvalReport report, string directory,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ReportFileName);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, report, WebEvalReport.Json, cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._/-]+$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]*\.(png|jpg)$")]
    private static partial Regex ArtifactPattern();
}
