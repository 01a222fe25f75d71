using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Hosting;

/// <summary>Runs the built app as a real process, the way an operator starts it.</summary>
public sealed class StartupProcessTests
{
    [Theory]
    [InlineData("Jobs__WorkerCount", "lots", "Jobs:WorkerCount")] // refused by the binder
    [InlineData("Admin__ApiToken", "short", "Admin:ApiToken must be at least 16 characters")] // refused by validation at start
    [InlineData("Database__Provider", "Mongo", "(one of: Sqlite, PostgreSql)")] // an enum names its values
    public async Task MalformedValue_StopsTheProcess_WithOneLineNamingTheKey(string variable, string value, string expected)
    {
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-proc-").FullName;
        // The app's own appsettings.json (console logging as an operator gets it) is next to the dll.
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "--urls", "http://127.0.0.1:0", "--contentRoot", AppContext.BaseDirectory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dataDir,
        };
        start.Environment[variable] = value;
        start.Environment["ConnectionStrings__App"] = $"Data Source={dataDir}/app.db";
        start.Environment["Sandbox__Root"] = Path.Combine(dataDir, "sandboxes");
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
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
        TempFolder.TryDelete(dataDir);
    }
}
