using System.Diagnostics;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// Runs a helper program on the host (cp, chown, git) with a
/// clean environment; throws with its error output on failure.
/// </summary>
internal static class HostCommand
{
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null,
        SecretMasker? masker = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Clear();
        start.Environment["PATH"] = Local.BubblewrapLauncher.DefaultPath;
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout;
        var error = await stderr;
        if (process.ExitCode != 0)
        {
            masker ??= SecretMasker.None;
            throw new HostCommandException(
                $"{Path.GetFileName(fileName)} failed (exit {process.ExitCode}): {masker.Apply(error.Trim())}");
        }
        return output;
    }
}

public sealed class HostCommandException(string message) : Exception(message);
