using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.WebEval;

namespace CodegenCicd.Tests.EndToEnd;

/// <summary><c>receive</c> as a developer runs it: a real process replaying a pull_request payload through the whole pipeline.</summary>
public sealed class ReceiveCommandEndToEndTests
{
    [Fact]
    public async Task ReceivePullRequestOpened_RunsThePipelineToItsEnd_PrintsTheChecks_AndMerges()
    {
        Chromium.Require();
        await using var scenario = await PullRequestScenario.StartAsync(startApp: false);
        var dataDirectory = Directory.CreateTempSubdirectory("codegencicd-e2e-receive-").FullName;
        var connectionString = $"Data Source={Path.Combine(dataDirectory, "app.db")}";
        await scenario.SeedDatabaseAsync(connectionString);
        var payload = Path.Combine(dataDirectory, "pull_request.json");
        await File.WriteAllTextAsync(payload, scenario.OpenedPayload());

        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "receive", "--event", "pull_request", "--payload", payload, "--timeout", "80"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var (key, value) in scenario.AppSettings(dataDirectory))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["ConnectionStrings__App"] = connectionString;
        start.Environment["Admin__Password"] = "receive-test-password";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, output);
        // The whole output is the message: xunit would cut it to its first 40 characters.
        var succeeded = $"Run 1 for {scenario.Repository}#{PullRequestScenario.PullRequest}"
            + $" at {scenario.PullRequestState.HeadSha[..7]}: succeeded";
        Assert.True(output.Contains(succeeded, StringComparison.Ordinal), output);
        Assert.True(output.Contains("CodegenCICD / web-eval: success", StringComparison.Ordinal), output);
        var merge = Assert.Single(scenario.GitHub.Merges);
        Assert.Equal((scenario.PullRequestState.HeadSha, "rebase"), (merge.Sha, merge.Method));
        Assert.Equal(4, scenario.CheckRunsOfHead().Count(c => c is { Status: "completed", Conclusion: "success" }));
        TempFolder.TryDelete(dataDirectory);
    }
}
