using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Hosting.Retention;
using CodegenCicd.Retention;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Sandboxes;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Retention;

public sealed class RetentionTests
{
    [Fact]
    public async Task WebEvalArtifacts_PastTheirAgeOrBeyondTheSizeCap_ArePruned_AndTheRunPageSaysWhen()
    {
        using var factory = new AppFactory();
        factory.Settings["Browser:ArtifactsRoot"] = Path.Combine(factory.DataDirectory, "artifacts");
        factory.Settings["Retention:ArtifactsMaxAgeDays"] = "30";
        factory.Settings["Retention:ArtifactsMaxMegabytes"] = "1";
        var artifacts = factory.Services.GetRequiredService<WebEvalArtifacts>();
        var old = WriteReport(artifacts, "runs/1/web-eval-1", bytes: 1000, age: TimeSpan.FromDays(40));
        var older = WriteReport(artifacts, "runs/2/web-eval-1", bytes: 700_000, age: TimeSpan.FromDays(2));
        var newest = WriteReport(artifacts, "runs/3/web-eval-1", bytes: 700_000, age: TimeSpan.FromHours(1));
        using var repo = new GitFixture();
        var run = await PreviewRuns.SeedAsync(factory.Services, repo, PreviewRuns.UniqueRepository(), 1, repo.HeadSha);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(new PipelineStage { RunId = run.Id, Kind = StageKind.WebEval, Status = StageStatus.Completed, Conclusion = StageConclusion.Success,
                Title = "Web evaluation passed", ReportPath = Path.Combine(old, WebEvalArtifacts.ReportFileName) });
            await db.SaveChangesAsync();
        }

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync(default);
        }

        // Past its age: gone. Then the size cap (1 MB) keeps only the newest of the two 0.7 MB reports.
        Assert.Equal([ArtifactRetention.PrunedMarker], Directory.GetFiles(old).Select(Path.GetFileName));
        Assert.Equal([ArtifactRetention.PrunedMarker], Directory.GetFiles(older).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(newest, "page-1.png")));
        var retention = factory.Services.GetRequiredService<ArtifactRetention>();
        Assert.NotNull(retention.PrunedAt("runs/1/web-eval-1"));
        Assert.Null(retention.PrunedAt("runs/3/web-eval-1"));
        var page = await (await factory.CreateSignedInClientAsync()).GetStringAsync($"/Runs/{run.Id}");
        Assert.Contains("web-eval report and screenshots pruned on", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">web-eval report</a>", page, StringComparison.Ordinal);
    }

    private static string WriteReport(WebEvalArtifacts artifacts, string key, int bytes, TimeSpan age)
    {
        var folder = artifacts.DirectoryFor(key);
        Directory.CreateDirectory(folder);
        var when = DateTime.UtcNow - age;
        foreach (var (name, size) in new[] { (WebEvalArtifacts.ReportFileName, 100), ("page-1.png", bytes) })
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, new byte[size]);
            File.SetLastWriteTimeUtc(path, when);
        }
        Directory.SetLastWriteTimeUtc(folder, when);
        return folder;
    }
}
