using System.Text.Json;
using CodegenCicd.GitHub.Webhooks;
using Octokit.Webhooks.Events.PullRequest;

namespace CodegenCicd.Tests.GitHub;

public sealed class WebhookEventPayloadTests
{
    [Theory]
    [InlineData("pull_request.opened.json")]
    [InlineData("pull_request.opened.with-null-body.json")]
    public void PullRequestFixture_DeserializesIntoOctokitWebhooksModel(string fixture)
    {
        var payload = JsonDocument.Parse(GitHubAppFactory.Fixture(fixture)).RootElement;
        var webhookEvent = new WebhookEvent("d-1", "pull_request", "opened", 1, "Codertocat/Hello-World", payload);

        var opened = webhookEvent.Deserialize<PullRequestOpenedEvent>();

        Assert.Equal(2, opened.Number);
        Assert.Equal("Codertocat/Hello-World", opened.Repository!.FullName);
        Assert.False(string.IsNullOrEmpty(opened.PullRequest.Head.Sha));
    }

    [Fact]
    public void KnownEvents_IncludeThoseThePipelineNeeds()
    {
        Assert.Superset(new HashSet<string> { "pull_request", "check_run", "check_suite", "installation", "installation_repositories", "ping" },
            new HashSet<string>(KnownWebhookEvents.Names));
    }
}
