using Npgsql;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// A test that needs PostgreSQL: skipped (and counted as skipped) unless CODEGENCICD_TEST_POSTGRES
/// holds a connection string. ./test.sh starts a throwaway server and sets it.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("CODEGENCICD_TEST_POSTGRES");

    /// <summary>A new, empty database on that server for one test; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var database = "cicd_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(ConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;
    }

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(ConnectionString))
        {
            Skip = "CODEGENCICD_TEST_POSTGRES is not set (./test.sh starts PostgreSQL and sets it)";
        }
    }
}
