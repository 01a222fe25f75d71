using CodegenCicd.Data.KeyEncryption;
using CodegenCicd.Hosting.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Data;

public static class DataExtensions
{
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddConfigSection<DatabaseOptions>()
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("App"))
            .Validate(o => o.Provider != DatabaseProvider.PostgreSql || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "ConnectionStrings:App is required when Database:Provider is PostgreSql");

        // Both providers are registered; options pick one when a context is first needed, so
        // settings added after Program.cs ran (test hosts) still count.
        // The options are built once (pooling makes them a singleton), not per context: resolving the file path
        // and creating its folder on every scope showed up in the webhook benchmark's CPU profile.
        // A list in a query (ids.Contains(x)) goes to SQLite as one JSON parameter read with json_each, as it goes to
        // PostgreSQL as one array: EF's default, one parameter per element, made SQLite look up each of hundreds of
        // parameter names (a linear search) and gave every list length its own SQL. GET /api/projects: 14 → 10.6 ms.
        // A feature that must see this node's commands registers an IInterceptor (Dashboard/ActivityWriteWatcher).
        // Contexts are pooled: a new context per scope set up its services on first use, which was a sixth of
        // the webhook dispatcher's CPU (a scope per delivery). EF resets a pooled context when it is returned.
        builder.Services.AddDbContextPool<SqliteAppDbContext>((sp, o) =>
            o.UseSqlite(SqliteConnectionString.Resolve(Options(sp).ConnectionString, contentRoot),
                    s => s.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors([SqliteWalDurability.Instance, .. sp.GetServices<IInterceptor>()]));
        builder.Services.AddDbContextPool<PostgreSqlAppDbContext>((sp, o) => o.UseNpgsql(Options(sp).ConnectionString)
            .AddInterceptors(sp.GetServices<IInterceptor>()));
        builder.Services.AddScoped<AppDbContext>(sp => Options(sp).Provider == DatabaseProvider.PostgreSql
            ? sp.GetRequiredService<PostgreSqlAppDbContext>()
            : sp.GetRequiredService<SqliteAppDbContext>());

        // Migrations run before anything else starts (hosted services start in registration order,
        // and Data Protection's own hosted service reads its keys from this database).
        builder.Services.AddHostedService<DatabaseMigrator>();

        builder.AddEncryptedKeyRing();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database", tags: ["ready"]);
        return builder;
    }

    private static DatabaseOptions Options(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
}
