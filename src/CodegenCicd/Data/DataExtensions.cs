using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Data;

public static class DataExtensions
{
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<DatabaseOptions>();
        var provider = builder.Configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var connection = builder.Configuration.GetConnectionString("App");

        if (provider == DatabaseProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new OptionsValidationException("ConnectionStrings:App", typeof(DatabaseOptions),
                    ["ConnectionStrings:App is required when Database:Provider is PostgreSql"]);
            }
            builder.Services.AddDbContext<AppDbContext, PostgreSqlAppDbContext>(o => o.UseNpgsql(connection));
        }
        else
        {
            var sqlite = SqliteConnectionString.Resolve(connection, builder.Environment.ContentRootPath);
            builder.Services.AddDbContext<AppDbContext, SqliteAppDbContext>(o => o.UseSqlite(sqlite));
        }

        // Migrations run before anything else starts (hosted services start in registration order,
        // and Data Protection's own hosted service reads its keys from this database).
        builder.Services.AddHostedService<DatabaseMigrator>();

        // Keys live in the app database so every node can decrypt what any node encrypted.
        builder.Services.AddDataProtection().SetApplicationName("CodegenCICD").PersistKeysToDbContext<AppDbContext>();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database", tags: ["ready"]);
        return builder;
    }
}
