using CodegenCicd.Data;
using CodegenCicd.Data.KeyEncryption;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>
/// The host paths every sandbox sees, read-only: the system's programs and libraries, a few files
/// of /etc that programs need (never the host's secrets), and what the operator adds in
/// <c>Sandbox:ExtraReadOnlyPaths</c>. Nothing else of the host is mounted; /opt is not, since
/// that is where the app itself is usually installed.
/// </summary>
public static class ReadOnlySystemPaths
{
    public static readonly string[] Roots = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    /// <summary>
    /// What programs need from /etc (name resolution, TLS roots, time zone, linker cache); nothing else.
    /// </summary>
    public static readonly string[] EtcEntries =
    [
        "host.conf", "nsswitch.conf", "gai.conf", "services", "protocols", "localtime", "timezone", "ssl",
        "ca-certificates", "ca-certificates.conf", "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
        "mime.types", "os-release", "debian_version", "profile", "xdg", "fonts", "npmrc", "gitconfig",
    ];

    public static IEnumerable<string> All(SandboxOptions options) =>
        Roots.Concat(EtcEntries.Select(e => "/etc/" + e)).Concat(options.ExtraReadOnlyPaths);

    /// <summary>The first mounted path that is, or holds, one of the app's own folders; null when none is.</summary>
    public static (string Mounted, string Protected)? FindExposure(SandboxOptions options,
        IEnumerable<string> appFolders)
    {
        foreach (var folder in appFolders.Select(Resolve))
        {
            foreach (var mounted in All(options).Select(Resolve))
            {
                if (folder == mounted || folder.StartsWith(mounted.TrimEnd('/') + "/", StringComparison.Ordinal))
                {
                    return (mounted, folder);
                }
            }
        }
        return null;
    }

    /// <summary>The real path: /bin may be a link to /usr/bin, and the app may be reached through a link.</summary>
    private static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is { } target)
            {
                current = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
            }
        }
        return current;
    }
}

/// <summary>
/// Stops the app at start-up when a sandbox would see its own files (the database, the key certificate, other
/// sandboxes).
/// </summary>
internal sealed class SandboxExposureValidator(IHostEnvironment environment, IConfiguration configuration)
    : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var contentRoot = environment.ContentRootPath;
        var folders = new List<(string Label, string Path)>
        {
            ("the content root", contentRoot),
            ("Sandbox:Root", Path.GetFullPath(options.Root, contentRoot)),
            ("the key folder", KeyFolder(contentRoot)),
        };
        if (DataFolder(contentRoot) is { } data)
        {
            folders.Add(("the data folder", data));
        }
        foreach (var (label, path) in folders)
        {
            if (ReadOnlySystemPaths.FindExposure(options, [path]) is { } exposure)
            {
                return ValidateOptionsResult.Fail(
                    $"Sandbox: every sandbox sees {exposure.Mounted} read-only, and it holds {label} "
                    + $"({exposure.Protected}): move the app out of it (e.g. /srv/codegencicd) "
                    + "or remove the path from Sandbox:ExtraReadOnlyPaths");
            }
        }
        return ValidateOptionsResult.Success;
    }

    private string KeyFolder(string contentRoot)
    {
        var keys = configuration.GetSection(KeyEncryptionOptions.SectionName).Get<KeyEncryptionOptions>() ?? new();
        return !string.IsNullOrWhiteSpace(keys.CertificatePath)
            ? Path.GetDirectoryName(Path.GetFullPath(keys.CertificatePath, contentRoot))!
            : !string.IsNullOrWhiteSpace(keys.KeyFolder) ? Path.GetFullPath(keys.KeyFolder, contentRoot)
            : KeyEncryptionKeys.DefaultKeyFolder(configuration, contentRoot);
    }

    private string? DataFolder(string contentRoot)
    {
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new();
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }
        var configured = configuration.GetConnectionString("App");
        var sqlite = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultSqliteConnection : configured);
        return sqlite.DataSource is ":memory:" or "" || sqlite.Mode == SqliteOpenMode.Memory
            ? null
            : Path.GetDirectoryName(Path.GetFullPath(sqlite.DataSource, contentRoot));
    }
}
