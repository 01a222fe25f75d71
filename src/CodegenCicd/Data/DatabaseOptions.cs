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

    /// <summary><c>Sqlite</c> (one node) or <c>PostgreSql</c> (one or several nodes sharing the database).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The app database's connection string: <c>Data Source=FILE</c> for SQLite, Npgsql's format for PostgreSQL;
    /// the seed's DATABASE_URL (<c>postgres://user:pass@host/db</c>) also sets the provider.
    /// </summary>
    [BoundFrom("ConnectionStrings:App")]
    [DocumentedDefault("`Data Source=data/codegencicd.db`")]
    public string? ConnectionString { get; set; }

    public const string DefaultSqliteConnection = "Data Source=data/codegencicd.db";
}
