using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

/// <summary>
/// Which repositories have a pinned project is cached (every pull-request delivery asks): a repository asked about
/// before it was pinned, unpinned or deactivated is answered from the database after that write, in any casing.
/// </summary>
public sealed class PinnedProjectNamesTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ARepositoryAskedAboutBeforeItWasPinned_IsFoundOnceItIs_AndNotOnceUnpinned()
    {
        var id = await ProjectSeed.AddAsync(factory, "names-pin/App");
        Assert.Null(await FindPinnedAsync("names-pin/app"));
        Assert.True(Names().TryGet("names-pin/app", out var none)); // the answer is kept...
        Assert.Null(none);

        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProjectCatalog>().PinAsync("NAMES-PIN/app", default);
        }
        Assert.Equal(id, (await FindPinnedAsync("Names-Pin/APP"))?.Id); // ...until a project is written

        using (var scope = factory.Services.CreateScope())
        {
            Assert.Equal(UnpinOutcome.Unpinned,
                await scope.ServiceProvider.GetRequiredService<ProjectCatalog>().UnpinAsync(id, default));
        }
        Assert.Null(await FindPinnedAsync("names-pin/app"));
    }

    [Fact]
    public async Task ARepositoryPinnedByAnyWrite_WithoutAnEvent_IsFoundAtOnce()
    {
        var id = await ProjectSeed.AddAsync(factory, "names-update/app");
        Assert.Null(await FindPinnedAsync("names-update/app"));

        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Project>().Where(p => p.Id == id)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.IsPinned, true));
        }

        Assert.Equal(id, (await FindPinnedAsync("names-update/app"))?.Id);
    }

    private PinnedProjectNames Names() => factory.Services.GetRequiredService<PinnedProjectNames>();

    private async Task<Project?> FindPinnedAsync(string repository)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ProjectLookup>().FindPinnedAsync(repository, default);
    }
}
