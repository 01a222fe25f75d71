using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>A sample app in a local git repository: the fake GitHub serves its files at each commit.</summary>
public sealed class SampleRepository : IDisposable
{
    public const string DefaultConfig = """
        deploy:
          setup: ["npm ci"]
          start: "node server.js"
          ready_path: /
        analysis:
          commands: ["node --check server.js"]
        web_eval:
          pages: ["/", "/about"]
        merge:
          auto: true
          method: squash
          block_labels: ["do-not-merge"]
          delete_branch: true
        """;

    public SampleRepository()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("codegencicd-sample-").FullName;
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "tests@example.invalid");
        Git("config", "user.name", "tests");
        File.WriteAllText(Path.Combine(Directory, "package.json"), """{"name":"sample","version":"1.0.0","scripts":{"start":"node server.js"}}""");
        File.WriteAllText(Path.Combine(Directory, "server.js"), "require('http').createServer((q, s) => s.end('<h1>sample</h1>')).listen(process.env.PORT);\n");
        HeadSha = Commit("sample app", DefaultConfig);
    }

    public string Directory { get; }

    public Uri CloneUrl => new(Directory + "/");

    public string HeadSha { get; private set; }

    /// <summary>Commits a change (and optionally a new config file); returns the new head SHA.</summary>
    public string Commit(string message, string? config = null)
    {
        if (config is not null)
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, ".github"));
            File.WriteAllText(Path.Combine(Directory, ".github", "codegen-cicd.yml"), config);
        }
        File.AppendAllText(Path.Combine(Directory, "CHANGES"), message + "\n");
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        HeadSha = Git("rev-parse", "HEAD").Trim();
        return HeadSha;
    }

    /// <summary>
    /// Points <paramref name="branch"/> at a commit off the current head whose config file is
    /// <paramref name="config"/> (none when null): a base branch that differs from the PR's head. The head stays.
    /// </summary>
    public void SetBranch(string branch, string? config)
    {
        Git("checkout", "-q", "-B", branch);
        var file = Path.Combine(Directory, ".github", "codegen-cicd.yml");
        if (config is null)
        {
            File.Delete(file);
        }
        else
        {
            File.WriteAllText(file, config);
        }
        File.AppendAllText(Path.Combine(Directory, "CHANGES"), $"base {branch}\n");
        Git("add", "-A");
        Git("commit", "-q", "-m", $"base branch {branch}");
        Git("checkout", "-q", "main");
    }

    public bool HasCommit(string sha) => TryGit(out _, "cat-file", "-e", sha + "^{commit}");

    private string Git(params string[] args) =>
        TryGit(out var output, args) ? output : throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {output}");

    private bool TryGit(out string output, params string[] args)
    {
        var git = Process.Start(new ProcessStartInfo("git", ["-C", Directory, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        output = git.StandardOutput.ReadToEnd() + git.StandardError.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0;
    }

    public void Dispose()
    {
        TempFolder.TryDelete(Directory);
    }
}
