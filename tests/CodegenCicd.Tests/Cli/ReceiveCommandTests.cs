using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CodegenCicd.Tests.Cli;

/// <summary>Runs <c>CodegenCicd receive</c> as a real process, the way a developer does.</summary>
public sealed class ReceiveCommandTests
{
    private sealed record Run(int ExitCode, string Stdout, string Stderr, string DataDirectory);

    private static Task<Run> ReceiveAsync(string? webhookSecret, params string[] args) => ReceiveFromAsync(null, webhookSecret, args);

    /// <summary>
    /// <paramref name="shellDirectory"/>: the caller's shell directory (PWD) when it is not the process's,
    /// as with <c>dotnet run --project src/CodegenCicd</c>, which starts the app in the project's folder.
    /// </summary>
    private static async Task<Run> ReceiveFromAsync(string? shellDirectory, string? webhookSecret, params string[] args)
    {
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-receive-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "receive", .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dataDir,
        };
        start.Environment["ConnectionStrings__App"] = $"Data Source={dataDir}/app.db";
        start.Environment["Admin__Password"] = "receive-test-password";
        start.Environment["GitHub__SyncInstallationsAtStartup"] = "false";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["PWD"] = shellDirectory ?? dataDir;
        if (webhookSecret is not null)
        {
            start.Environment["GitHub__WebhookSecret"] = webhookSecret;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr, dataDir);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "github-webhooks", name);

    [Fact]
    public async Task FixturePayload_IsSignedStoredAndProcessed_ThroughTheRealIntake()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var run = await ReceiveAsync("local-dev-secret", "--event", "installation", "--payload", Fixture("installation.created.json"),
            "--delivery", deliveryId);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains($"Delivery {deliveryId} (installation): 202", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Delivery {deliveryId} processed after 1 attempt(s)", run.Stdout, StringComparison.Ordinal);

        // The installation handler ran: the fixture's repository is now a project.
        await using var db = new SqliteConnection($"Data Source={run.DataDirectory}/app.db;Pooling=false");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT FullName || ':' || IsActive FROM Project";
        Assert.Equal("Codertocat/Hello-World:1", await query.ExecuteScalarAsync());
        TempFolder.TryDelete(run.DataDirectory);
    }

    [Fact]
    public async Task UnknownEvent_ExitsWith2_NamingTheEvent()
    {
        var run = await ReceiveAsync("local-dev-secret", "--event", "pull_requests", "--payload", Fixture("pull_request.opened.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown event 'pull_requests'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingOrInvalidPayloadFile_ExitsWith2_WithAClearMessage()
    {
        var missing = await ReceiveAsync("local-dev-secret", "--event", "ping", "--payload", "/nonexistent/payload.json");
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "{\"action\": \"opened\",");
        var notJson = await ReceiveAsync("local-dev-secret", "--event", "ping", "--payload", file);
        File.Delete(file);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, notJson.ExitCode);
        Assert.Contains("is not valid JSON", notJson.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoWebhookSecret_ExitsWith2_SayingHowToSetOne()
    {
        var run = await ReceiveAsync(webhookSecret: null, "--event", "ping", "--payload", Fixture("ping.with-app_id.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("GitHub:WebhookSecret", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelativePayloadPath_IsReadFromTheCallersDirectory_NotTheAppsFolder()
    {
        // The caller stands in the test's output folder and names the fixture relative to it; the app
        // itself runs in another folder (its data folder), as under dotnet run.
        var caller = AppContext.BaseDirectory;
        var run = await ReceiveFromAsync(caller, "local-dev-secret", "--event", "ping", "--payload",
            Path.Combine("Fixtures", "github-webhooks", "ping.with-app_id.json"));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("(ping): 202", run.Stdout, StringComparison.Ordinal);
        TempFolder.TryDelete(run.DataDirectory);
    }

    [Fact]
    public async Task RelativePayloadPath_ThatIsNowhere_IsReportedAsTheCallerWroteIt()
    {
        var caller = AppContext.BaseDirectory;
        var run = await ReceiveFromAsync(caller, "local-dev-secret", "--event", "ping", "--payload", "../shared/fixtures/nothing.json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"'{Path.GetFullPath(Path.Combine(caller, "../shared/fixtures/nothing.json"))}' does not exist", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullRequestOfARepositoryThatIsNotAProject_SaysNoPipelineStartedAndWhy()
    {
        var run = await ReceiveAsync("local-dev-secret", "--event", "pull_request", "--payload", Fixture("pull_request.opened.json"));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("no pipeline started: Codertocat/Hello-World is not a project and installation 1 is unknown here", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("receive --event installation", run.Stdout, StringComparison.Ordinal);
        TempFolder.TryDelete(run.DataDirectory);
    }

    [Fact]
    public async Task EventThatStartsNoPipeline_SaysSo()
    {
        var run = await ReceiveAsync("local-dev-secret", "--event", "pull_request", "--payload", Fixture("pull_request.labeled.json"));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("no pipeline started: pull_request.labeled does not start one", run.Stdout, StringComparison.Ordinal);
        TempFolder.TryDelete(run.DataDirectory);
    }
}
