using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Hosting;

/// <summary>Runs the built app as a real process, the way an operator starts it.</summary>
public sealed class StartupProcessTests
{
    [Fact]
    public async Task MalformedValue_StopsTheProcess_WithOneLineNamingTheKey()
    {
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-proc-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dataDir,
        };
        start.Environment["Jobs__WorkerCount"] = "lots";
        start.Environment["ConnectionStrings__App"] = $"Data Source={dataDir}/app.db";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Configuration error:", line, StringComparison.Ordinal);
        Assert.Contains("Jobs:WorkerCount", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
        TempFolder.TryDelete(dataDir);
    }
}
