using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.WebEval.Browser;

/// <summary>
/// How Chromium is started so that it keeps its own sandbox (renderers in their own user and PID
/// namespaces under seccomp). Chromium refuses that sandbox when run as root, so when the app is
/// root Chromium is started through a small script that drops to <see cref="BrowserOptions.UserId"/>
/// with <c>setpriv</c> and hands the user-data folder Playwright made to that user. Either way
/// Chromium gets a minimal environment: a compromised renderer finds none of the app's secrets in it.
/// </summary>
internal sealed class ChromiumLaunch : IDisposable
{
    private readonly string? folder;

    private ChromiumLaunch(string executable, string? folder, string home)
    {
        ExecutablePath = executable;
        this.folder = folder;
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["LANG"] = "C.UTF-8",
        };
    }

    /// <summary>
    /// What Playwright starts: Chromium itself, or the script that starts it as the unprivileged user.
    /// </summary>
    public string ExecutablePath { get; }

    public IEnumerable<KeyValuePair<string, string>> Environment { get; }

    /// <exception cref="BrowserUnavailableException">Running as root and <c>setpriv</c> is missing.</exception>
    public static ChromiumLaunch Prepare(string chromium, BrowserOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("codegencicd-chromium-").FullName;
        var home = Path.Combine(folder, "home");
        Directory.CreateDirectory(home);
        if (OperatingSystem.IsWindows() || !System.Environment.IsPrivilegedProcess)
        {
            return new ChromiumLaunch(chromium, folder, home);
        }
        var setpriv = ExecutableLocator.Find("setpriv");
        if (setpriv is null || chromium.Contains('\'', StringComparison.Ordinal))
        {
            TryDelete(folder);
            throw new BrowserUnavailableException(
                "Chromium cannot keep its sandbox: the app runs as root and setpriv (util-linux) is missing "
                + $"to start Chromium as uid {options.UserId}. "
                + "Install util-linux, run the app as a non-root user, or set Browser:AllowNoSandbox=true.");
        }
        var uid = options.UserId;
        // The folder stays root's; Chromium's uid may only enter it to reach its home.
        File.SetUnixFileMode(folder,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        var script = Path.Combine(folder, "chromium-as-user");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            # Written by CodegenCICD for one Chromium: run it as uid {{uid}} so it keeps its own sandbox.
            chown {{uid}}:{{uid}} '{{home}}'
            for arg in "$@"; do
              case "$arg" in
                --user-data-dir=*) chown -R {{uid}}:{{uid}} -- "${arg#--user-data-dir=}" ;;
              esac
            done
            exec '{{setpriv}}' --reuid={{uid}} --regid={{uid}} --clear-groups --inh-caps=-all -- '{{chromium}}' "$@"

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ChromiumLaunch(script, folder, home);
    }

    public void Dispose()
    {
        if (folder is not null)
        {
            TryDelete(folder);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Chromium may still hold a file open in its home; the temp folder is cleaned by the system.
        }
    }
}
