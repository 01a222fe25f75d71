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

    public const string DefaultSqliteConnection = "Data Source=data/codegencicd.db";
}
