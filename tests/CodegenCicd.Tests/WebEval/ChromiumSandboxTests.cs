using CodegenCicd.Projects;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.WebEval;

/// <summary>Chromium keeps its own sandbox: no --no-sandbox, renderers in their own namespaces under seccomp.</summary>
public sealed class ChromiumSandboxTests
{
    [Fact]
    public async Task Chromium_RunsWithoutNoSandbox_NotAsRoot_AndItsRenderersAreSandboxed()
    {
        Chromium.Require();
        const string Canary = "CODEGENCICD_TEST_BROWSER_CANARY";
        Environment.SetEnvironmentVariable(Canary, "app-secret-value");
        try
        {
            await using var site = await TestSite.StartAsync();
            await using var harness = WebEvalHarness.Create();
            var host = harness.Services.GetRequiredService<BrowserHost>();
            var pid = await host.GetBrowserProcessIdAsync(CancellationToken.None) ?? throw new InvalidOperationException("no browser pid");
            await using var session = await host.OpenSessionAsync(site.BaseUrl, CancellationToken.None);
            var page = await session.Context.NewPageAsync();
            await page.GotoAsync(site.BaseUrl.AbsoluteUri);

            var browser = ProcessInfo.Of(pid);
            Assert.DoesNotContain("--no-sandbox", browser.CommandLine);
            Assert.DoesNotContain(Canary, browser.Environment, StringComparison.Ordinal);
            if (Environment.IsPrivilegedProcess)
            {
                Assert.Equal(new BrowserOptions().UserId, browser.Uid);
            }
            var renderers = ProcessInfo.Descendants(pid).Where(p => p.CommandLine.Contains("--type=renderer")).ToList();
            Assert.NotEmpty(renderers);
            Assert.All(renderers, renderer =>
            {
                // Chromium's namespace sandbox: a user and PID namespace of its own, and a seccomp-BPF filter.
                Assert.NotEqual(browser.Namespace("user"), renderer.Namespace("user"));
                Assert.NotEqual(browser.Namespace("pid"), renderer.Namespace("pid"));
                Assert.Equal("2", renderer.Status("Seccomp"));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable(Canary, null);
        }
    }

    [Fact]
    public async Task Evaluation_PassesWithTheSandboxedChromium()
    {
        Chromium.Require();
        await using var site = await TestSite.StartAsync();
        await using var harness = WebEvalHarness.Create();

        var (outcome, _, _) = await harness.EvaluateAsync(site.BaseUrl, new WebEvalConfig { Pages = ["/"] });

        Assert.Equal(WebEvalVerdict.Passed, outcome.Verdict);
    }

    /// <summary>What /proc says about one process.</summary>
    private sealed record ProcessInfo(int Pid)
    {
        public static ProcessInfo Of(int pid) => new(pid);

        /// <summary>Arguments split on NULs and spaces: Chromium rewrites its children's argv into one space-separated string.</summary>
        public IReadOnlyList<string> CommandLine => File.ReadAllText($"/proc/{Pid}/cmdline").Split(['\0', ' '], StringSplitOptions.RemoveEmptyEntries);

        public string Environment => File.ReadAllText($"/proc/{Pid}/environ");

        public int Uid => int.Parse(Status("Uid").Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);

        public string Namespace(string kind) => new FileInfo($"/proc/{Pid}/ns/{kind}").LinkTarget!;

        public string Status(string field) =>
            File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

        public static IEnumerable<ProcessInfo> Descendants(int root)
        {
            var parents = new Dictionary<int, int>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    try
                    {
                        parents[pid] = int.Parse(new ProcessInfo(pid).Status("PPid"), System.Globalization.CultureInfo.InvariantCulture);
                    }
                    catch (IOException)
                    {
                        // Exited meanwhile.
                    }
                }
            }
            bool Below(int pid) => parents.TryGetValue(pid, out var parent) && (parent == root || (parent > 1 && Below(parent)));
            return parents.Keys.Where(Below).Select(pid => new ProcessInfo(pid));
        }
    }
}
