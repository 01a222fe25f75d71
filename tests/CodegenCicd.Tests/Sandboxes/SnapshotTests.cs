using CodegenCicd.Sandboxes.Snapshots;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class SnapshotTests : IDisposable
{
    private readonly SandboxTestKit kit = new();

    [Fact]
    public void Key_DependsOnSetupEnvironmentNamesAndLockfiles_NotOnSourcesOrSecretValues()
    {
        var source = Directory.CreateTempSubdirectory("codegencicd-key-").FullName;
        File.WriteAllText(Path.Combine(source, "package-lock.json"), "{\"lockfileVersion\":3}");
        File.WriteAllText(Path.Combine(source, "index.js"), "console.log(1)");
        string[] tracked = ["package-lock.json", "index.js"];
        string Key(string[]? setup = null, string[]? env = null) =>
            SnapshotKey.Compute("owner/repo", "repository", setup ?? ["npm ci"], env ?? ["API_KEY"], source, tracked);

        var original = Key();
        File.WriteAllText(Path.Combine(source, "index.js"), "console.log(2)");
        var afterSourceChange = Key();
        var otherSetup = Key(["npm install"]);
        var otherEnv = Key(env: ["API_KEY", "DB_URL"]);
        var splitCommand = SnapshotKey.Compute("owner/repo", "repository", ["npm", "ci"], ["API_KEY"], source, tracked);
        File.WriteAllText(Path.Combine(source, "package-lock.json"), "{\"lockfileVersion\":3,\"x\":1}");
        var afterLockChange = Key();

        Assert.Equal(original, afterSourceChange);
        Assert.Equal(64, original.Length);
        Assert.Equal(5, new[] { original, otherSetup, otherEnv, splitCommand, afterLockChange }.Distinct().Count());
        TempFolder.TryDelete(source);
    }

    [Theory]
    [InlineData("package-lock.json", true)]
    [InlineData("web/yarn.lock", true)]
    [InlineData("pnpm-lock.yaml", true)]
    [InlineData("src/App/App.csproj", true)]
    [InlineData("src/App/packages.lock.json", true)]
    [InlineData("requirements-dev.txt", true)]
    [InlineData("poetry.lock", true)]
    [InlineData("go.sum", true)]
    [InlineData("Cargo.lock", true)]
    [InlineData("package.json", false)]
    [InlineData("src/index.js", false)]
    public void Lockfiles_AreRecognised(string path, bool expected) => Assert.Equal(expected, SnapshotKey.IsLockfile(path));

    [Fact]
    public async Task RestoredSnapshot_HasSetupOutput_ButCannotBeChangedInPlace()
    {
        var key = new string('a', 64);
        await using (var first = await kit.CreateAsync())
        {
            var setup = await first.ExecuteAsync("mkdir -p deps && echo original > deps/lib.js && echo src > main.js", SandboxTestKit.Within(30), default);
            Assert.True(setup.Succeeded, setup.Output);
            await first.SnapshotAsync(key, ["main.js"], default);
        }
        await using var restored = await kit.CreateAsync(key);

        var tamper = await restored.ExecuteAsync("echo tampered >> deps/lib.js", SandboxTestKit.Within(30), default);
        var replace = await restored.ExecuteAsync("rm deps/lib.js && echo replaced > deps/lib.js && ls", SandboxTestKit.Within(30), default);
        await using var again = await kit.CreateAsync(key);

        Assert.False(tamper.Succeeded);
        Assert.True(replace.Succeeded, replace.Output);
        Assert.DoesNotContain("main.js", replace.Stdout, StringComparison.Ordinal);
        Assert.Equal("original\n", System.Text.Encoding.UTF8.GetString((await again.DownloadFileAsync("deps/lib.js", default))!));
    }

    [Fact]
    public async Task Eviction_RemovesSnapshotsUnusedTooLong_AndLeastRecentlyUsedOverTheSizeCap_ButNotLeasedOnes()
    {
        kit.Options.SnapshotMaxAgeDays = 7;
        kit.Options.SnapshotMaxTotalMegabytes = 3;
        var old = await MakeSnapshotAsync('1', megabytes: 1);
        kit.Time.Advance(TimeSpan.FromDays(8));
        var leasedOld = await MakeSnapshotAsync('2', megabytes: 1);
        kit.Time.Advance(TimeSpan.FromDays(8));
        var lru = await MakeSnapshotAsync('3', megabytes: 2);
        kit.Time.Advance(TimeSpan.FromHours(1));
        var recent = await MakeSnapshotAsync('4', megabytes: 2);
        using var lease = kit.Snapshots.Lease(leasedOld);

        var evicted = await kit.Snapshots.EvictAsync(default);

        Assert.Equal([old, lru], evicted.Order().ToArray());
        Assert.True(kit.Snapshots.Exists(leasedOld));
        Assert.True(kit.Snapshots.Exists(recent));
        Assert.False(Directory.Exists(Path.Combine(kit.Paths.Snapshots, old)));
    }

    private async Task<string> MakeSnapshotAsync(char id, int megabytes)
    {
        var key = new string(id, 64);
        await using var sandbox = await kit.CreateAsync();
        await sandbox.ExecuteAsync($"head -c {megabytes * 1024 * 1024} /dev/zero > data.bin", SandboxTestKit.Within(30), default);
        return await sandbox.SnapshotAsync(key, [], default);
    }

    public void Dispose() => kit.Dispose();
}
