using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

public sealed class DatabaseOptions : IConfigSection
{
    public static string SectionName => "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>From <c>ConnectionStrings:App</c> (or the seed's DATABASE_URL).</summary>
    public string? ConnectionString { get; set; }

    public const string DefaultSqliteConnection = "Data Source=data/codegencicd.db";
}
