using Microsoft.Data.Sqlite;

namespace CodegenCicd.Data;

internal static class SqliteConnectionString
{
    /// <summary>
    /// Anchors a relative database path at the content root and creates its folder, so
    /// <c>dotnet run</c> with no configuration creates <c>data/codegencicd.db</c> on first start.
    /// </summary>
    public static string Resolve(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultSqliteConnection : configured);
        if (builder.DataSource is not (":memory:" or "") && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        // Writers wait for each other instead of failing with "database is locked".
        builder.DefaultTimeout = 30;
        return builder.ConnectionString;
    }
}
