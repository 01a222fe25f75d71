using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>A local git repository (served over file://) seeded with a fixture folder; each commit returns its SHA.</summary>
public sealed class GitFixture : IDisposable
{
    public GitFixture(string fixture = "sample-app")
    {
        Folder = Directory.CreateTempSubdirectory("codegencicd-repo-").FullName;
        Git("init", "-q", "-b", "main");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture)))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
        HeadSha = Commit("sample app");
    }

    public string Folder { get; }

    public string HeadSha { get; private set; }

    public Uri CloneUrl => new("file://" + Folder);

    public string Commit(string message, Dictionary<string, string>? files = null)
    {
        foreach (var (path, content) in files ?? [])
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Folder, path))!);
            File.WriteAllText(Path.Combine(Folder, path), content);
        }
        Git("add", "-A");
        Git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", message);
        return HeadSha = Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }

    public void Dispose()
    {
        TempFolder.TryDelete(Folder);
    }
}
