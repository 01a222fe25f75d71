using CodegenCicd.Pipelines.Runs;
using Microsoft.Data.Sqlite;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// Writes the app never hears of, as another process writing the same SQLite file would make them: a connection
/// of its own, so no EF Core interceptor and no event. What a cache shows after one tells whether it was read
/// from the database or kept.
/// </summary>
public static class WritesAroundTheApp
{
    public static async Task SetRunStatusAsync(AppFactory factory, long runId, RunStatus status)
    {
        var connectionString = new SqliteConnectionStringBuilder(factory.Settings["ConnectionStrings:App"])
        {
            Pooling = false,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """UPDATE "PipelineRun" SET "Status" = $status WHERE "Id" = $id""";
        command.Parameters.AddWithValue("$status", status.ToString());
        command.Parameters.AddWithValue("$id", runId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
