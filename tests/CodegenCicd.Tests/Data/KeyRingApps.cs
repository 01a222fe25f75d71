using System.Net;
using System.Net.Http.Json;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Data;

/// <summary>Apps sharing a database, and what the key-ring tests read from them.</summary>
internal static class KeyRingApps
{
    /// <summary>
    /// A second app on <paramref name="owner"/>'s SQLite file, so also on the key folder next to it;
    /// its own folder stays unused (deleted when it is disposed).
    /// </summary>
    internal static AppFactory SharingStateWith(AppFactory owner)
    {
        var other = new AppFactory();
        other.Settings["ConnectionStrings:App"] = owner.Settings["ConnectionStrings:App"];
        return other;
    }

    internal static async Task PutSecretAsync(AppFactory factory, int projectId, string name, string value)
    {
        var response = await factory.CreateApiClient().PutAsJsonAsync($"/api/projects/{projectId}/secrets/{name}", new { value });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    internal static async Task<IReadOnlyDictionary<string, string>> SecretValuesAsync(AppFactory factory, int projectId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().GetValuesAsync(projectId, CancellationToken.None);
    }

    internal static async Task<List<string>> KeyRingRowsAsync(AppFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return [.. (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync()).OfType<string>()];
    }
}
