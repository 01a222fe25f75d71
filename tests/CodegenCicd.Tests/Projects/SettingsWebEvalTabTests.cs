using System.Net;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

public sealed class SettingsWebEvalTabTests
{
    [Fact]
    public async Task TwoExpectationsForTheSamePage_AreBothKept_AndShownAgain()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/settings-two-expect", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        var form = new Dictionary<string, string>
        {
            ["Tab"] = "webeval",
            ["Form.DefaultBranch"] = "main",
            ["Form.MaxIterations"] = "3",
            ["Form.ReadyPath"] = "/",
            ["Form.TimeoutSeconds"] = "600",
            ["Form.MergeMethod"] = "Squash",
            ["Form.WebEvalPages"] = "/",
            ["Form.WebEvalExpect"] = "/ | h1 | Title\n/ | p | Body text\n/about | h2 | About us",
        };

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", form);
        var html = await client.GetStringAsync($"/Projects/Settings/{id}?tab=webeval");
        var stored = (await ProjectSeed.LoadAsync(factory, id)).Settings.Pipeline.WebEval.Expect;

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/ | h1 | Title&#xA;/ | p | Body text&#xA;/about | h2 | About us", html, StringComparison.Ordinal);
        Assert.Equal(3, stored.Sum(page => page.Value.Count));
    }
}
