using CodegenCicd.Cluster;
using CodegenCicd.Data;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Where work that browses a preview must run: the live node holding its process, or anywhere.</summary>
public sealed class PreviewPlacementTests
{
    [Fact]
    public async Task APreviewRunningHere_IsPlacedHere_AStoppedOneOrOneOnAGoneNode_Anywhere()
    {
        using var factory = new AppFactory();
        _ = factory.CreateClient();
        var self = factory.Services.GetRequiredService<ClusterNodes>().Self;
        var here = await SeedAsync(factory, self, DeploymentState.Running);
        var stopped = await SeedAsync(factory, self, DeploymentState.Stopped);
        var unknownNode = await SeedAsync(factory, "a-node-that-never-said-hello", DeploymentState.Running);
        var placement = factory.Services.GetRequiredService<PreviewPlacement>();

        Assert.Equal(self, await placement.LiveNodeOfAsync(here, default));
        Assert.Null(await placement.LiveNodeOfAsync(stopped, default));
        Assert.Null(await placement.LiveNodeOfAsync(unknownNode, default));
        // This node's job server listens on the queue such work is sent to.
        Assert.Contains(JobQueues.OfNode(self), JobQueues.ListenedBy(factory.Services.GetRequiredService<JobNode>().Name));
    }

    private static async Task<int> SeedAsync(AppFactory factory, string node, DeploymentState state)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = new Deployment
        {
            Repository = "owner/placed",
            PullRequest = 1,
            HeadSha = new string('c', 40),
            Host = node,
            Workspace = "/nowhere",
            State = state,
            StartedAt = DateTimeOffset.UtcNow,
        };
        db.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }
}
