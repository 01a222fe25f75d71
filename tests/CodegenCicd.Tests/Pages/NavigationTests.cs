using System.Net;
using System.Text.RegularExpressions;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;

namespace CodegenCicd.Tests.Pages;

public sealed partial class NavigationTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task EveryMainPage_IsInTheNav_AndAnswers()
    {
        var client = await factory.CreateSignedInClientAsync();

        var nav = NavPattern().Match(await client.GetStringAsync("/Projects")).Groups[1].Value;
        var links = HrefPattern().Matches(nav).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["/Projects", "/Runs", "/Agents", "/Settings", "/hangfire", "/Audit"], links);
        foreach (var link in links)
        {
            var response = await client.GetAsync(link);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task InstallationsDeliveriesAndSetup_AreReachableFromSettings()
    {
        var client = await factory.CreateSignedInClientAsync();

        var settings = await client.GetStringAsync("/Settings");
        var links = HrefPattern().Matches(settings).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var page in new[] { "/setup", "/Installations", "/Deliveries" })
        {
            Assert.Contains(page, links);
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task EveryLinkOnTheMainPages_LeadsToAPageThatExists()
    {
        var projectId = await ProjectSeed.AddAsync(factory, "acme/nav-links", pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, projectId, 9, RunStatus.Running,
            [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success), (StageKind.Deploy, StageStatus.InProgress, null)], previewPath: "/preview/acme/nav-links/9/");
        var agentRunId = await ActivitySeed.AddAgentRunAsync(factory, projectId, AgentRunStatus.Implementing, "Tidy the footer");
        var client = await factory.CreateSignedInClientAsync();
        string[] pages = ["/Projects", "/Runs", "/Agents", "/Settings", $"/Runs/{runId}", $"/Agents/Run/{agentRunId}", $"/Agents/Project/{projectId}", $"/Projects/Settings/{projectId}"];

        var links = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            foreach (Match match in HrefPattern().Matches(await client.GetStringAsync(page)))
            {
                var href = WebUtility.HtmlDecode(match.Groups[1].Value);
                // Previews are served by the sandbox, which no test deployment started here.
                if (href.StartsWith('/') && !href.StartsWith("//", StringComparison.Ordinal) && !href.StartsWith("/preview/", StringComparison.Ordinal))
                {
                    links.Add(href);
                }
            }
        }

        Assert.Contains($"/Agents/Run/{agentRunId}", links);
        foreach (var link in links)
        {
            var response = await client.GetAsync(link);
            // A redirect is fine (e.g. /scalar to /scalar/) as long as it lands on a page, not on the sign-in form.
            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                var target = response.Headers.Location!.OriginalString;
                Assert.DoesNotContain("/Account/SignIn", target, StringComparison.Ordinal);
                response = await client.GetAsync(target);
            }
            Assert.True(response.StatusCode is HttpStatusCode.OK, $"{link} answered {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex("""<nav aria-label="Main">(.*?)</nav>""", RegexOptions.Singleline)]
    private static partial Regex NavPattern();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefPattern();
}
