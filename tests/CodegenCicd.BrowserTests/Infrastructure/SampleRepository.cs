using System.Diagnostics;

namespace CodegenCicd.BrowserTests.Infrastructure;

/// <summary>A local git repository (cloned over file://) holding one commit of the sample app.</summary>
public sealed class SampleRepository : IDisposable
{
    public SampleRepository()
    {
        Folder = Directory.CreateTempSubdirectory("codegencicd-browser-repo-").FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample-app")))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "sample app");
        HeadSha = Git("rev-parse", "HEAD").Trim();
    }

    public string Folder { get; }

    public string HeadSha { get; }

    public Uri CloneUrl => new("file://" + Folder);

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error.Result}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
