using CodegenCicd.Retention;
using CodegenCicd.Sandboxes;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Retention;

/// <summary>The Overview shows how much each kind that retention prunes takes on this node, from a measurement made in the background.</summary>
public sealed class DiskUsageTests
{
    [Fact]
    public async Task Overview_ShowsDiskUsePerKind_FromTheLatestMeasurement_NotAWalkPerRequest()
    {
        using var factory = new AppFactory();
        factory.Settings["Browser:ArtifactsRoot"] = Path.Combine(factory.DataDirectory, "artifacts");
        var admin = await factory.CreateSignedInClientAsync();
        var usage = factory.Services.GetRequiredService<DiskUsage>();
        // The measurement made at start-up is done before the files appear, so it cannot land after the one below.
        await Poll.UntilAsync(() => usage.Latest is not null, TimeSpan.FromSeconds(30), "the start-up measurement");
        var artifacts = factory.Services.GetRequiredService<WebEvalArtifacts>();
        var snapshots = factory.Services.GetRequiredService<SandboxPaths>().Snapshots;
        var screenshot = Path.Combine(artifacts.Root, "runs", "1", "web-eval-1", "home.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await File.WriteAllBytesAsync(screenshot, new byte[3 * 1024 * 1024]);
        Directory.CreateDirectory(snapshots);
        await File.WriteAllBytesAsync(Path.Combine(snapshots, "abc.tar"), new byte[512 * 1024]);

        // What the sweeper does after each sweep.
        await usage.MeasureAsync(default);
        var overview = await admin.GetStringAsync("/");
        File.Delete(screenshot);
        var again = await admin.GetStringAsync("/");

        Assert.Contains("<tr data-disk-kind=\"Web-eval reports and screenshots\"><td>Web-eval reports and screenshots</td><td>3.0 MB</td>",
            overview, StringComparison.Ordinal);
        Assert.Contains("<tr data-disk-kind=\"Setup snapshots\"><td>Setup snapshots</td><td>512.0 KB</td>", overview, StringComparison.Ordinal);
        Assert.Contains("data-disk-kind=\"Preview logs\"", overview, StringComparison.Ordinal);
        Assert.Matches("data-disk-kind=\"Database[^\"]*\"><td>[^<]*</td><td>[1-9][0-9.]* (KB|MB)</td>", overview);
        // A request reads the measurement; it does not walk the folders again.
        Assert.Contains("<td>Web-eval reports and screenshots</td><td>3.0 MB</td>", again, StringComparison.Ordinal);
    }
}
