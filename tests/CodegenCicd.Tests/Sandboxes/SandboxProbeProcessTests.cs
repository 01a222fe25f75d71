using System.Diagnostics;
using System.Globalization;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>
/// The real app process, installed the way the systemd unit installs it (under /opt, as its own
/// non-root user), running <c>sandbox-probe</c>: one real sandbox tries to read the app's folders,
/// reach a port on the host and nest a user namespace. Without root, bubblewrap works in a user
/// namespace, snapshots are copied and slirp4netns joins that namespace: the other half of the modes.
/// </summary>
public sealed class SandboxProbeProcessTests : IDisposable
{
    private static int nextUser = 64100 + Environment.ProcessId % 100 * 3;

    private readonly int uid = Interlocked.Increment(ref nextUser);
    private readonly string app = Path.Combine("/opt", $"codegencicd-test-{Guid.NewGuid():N}"[..28]);

    public SandboxProbeProcessTests()
    {
        Directory.CreateDirectory(Path.Combine(app, "data", "keys"));
        File.WriteAllText(Path.Combine(app, "data", "codegencicd.db"), "secret-database-row");
        File.WriteAllText(Path.Combine(app, "data", "keys", "key-encryption.pfx"), "secret-key");
        Run("chown", "-R", $"{uid}:{uid}", app);
    }

    [Fact]
    public async Task AppUnderOpt_AsANonRootUser_ItsSandboxesCannotReadItsFolders_ReachTheHost_OrNestNamespaces()
    {
        var (exit, output) = await ProbeAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("user: the app's own, in a user namespace", output, StringComparison.Ordinal);
        Assert.Contains($"refused  read the app's content root ({app})", output, StringComparison.Ordinal);
        Assert.Contains("refused  connect to a port on the host at 127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("refused  create a user namespace (unshare -Ur true)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("REACHED", output, StringComparison.Ordinal);
        Assert.Contains("every attempt was refused", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtraReadOnlyPathHoldingTheApp_IsRefusedWithOneLineNamingBoth()
    {
        var (exit, output) = await ProbeAsync("--Sandbox:ExtraReadOnlyPaths:0=/opt");

        Assert.Equal(2, exit);
        Assert.Contains($"every sandbox sees /opt read-only, and it holds the content root ({app})", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The app's own build of the same configuration. Under ./test.sh the copy beside the tests is
    /// instrumented for coverage, and its hit recorder, unable to write its file as another user,
    /// aborts the process at exit (134).
    /// </summary>
    private static string AppDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var built = Infrastructure.RepositoryRoot.Combine("src", "CodegenCicd", "bin", configuration, "net10.0", "CodegenCicd.dll");
        return File.Exists(built) ? built : Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll");
    }

    private async Task<(int Exit, string Output)> ProbeAsync(params string[] extra)
    {
        var id = uid.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("setpriv",
        [
            $"--reuid={id}", $"--regid={id}", "--clear-groups", "--inh-caps=-all",
            "dotnet", AppDll(), "sandbox-probe", "--contentRoot", app, .. extra,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = app;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false })!;
        process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(app, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
