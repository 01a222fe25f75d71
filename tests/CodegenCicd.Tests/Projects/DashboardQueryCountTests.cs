using System.Data.Common;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Dashboard;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

public sealed class DashboardQueryCountTests
{
    [Fact]
    public async Task TwoHundredProjects_CostAHandfulOfQueries_NotOnePerProject()
    {
        using var factory = new AppFactory();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        var projects = Enumerable.Range(0, 200).Select(i => new Project
        {
            FullName = $"acme/batch-{i}", GitHubRepositoryId = 50_000 + i, InstallationId = 1, IsActive = true, IsPinned = true, CreatedAt = now, UpdatedAt = now,
        }).ToList();
        db.AddRange(projects);
        await db.SaveChangesAsync();
        db.AddRange(projects.Select(p => new PipelineRun
        {
            ProjectId = p.Id, Repository = p.FullName, PullRequest = 1, HeadSha = $"sha{p.Id}", CloneUrl = "file:///x", Trigger = "test",
            Status = RunStatus.Failed, CreatedAt = now,
            Stages = [new PipelineStage { Kind = StageKind.Analysis, Status = StageStatus.Completed, Conclusion = StageConclusion.Failure }],
        }));
        await db.SaveChangesAsync();
        var counter = new CommandCounter();
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(db.Database.GetConnectionString()).AddInterceptors(counter).Options;
        await using var counted = new SqliteAppDbContext(options);
        var activity = new ProjectActivityReader(new PipelineActivityQueries(counted), new AgentActivityQueries(counted));

        var result = await activity.GetAsync([.. projects.Select(p => p.Id)], CancellationToken.None);

        Assert.Equal(200, result.Count);
        Assert.All(result.Values, a => Assert.Equal("failure", Assert.Single(a.LatestRun!.Stages).Status));
        Assert.InRange(counter.Count, 1, 8);
    }

    /// <summary>Counts the SQL commands the context sends.</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        public int Count { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Count++;
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
