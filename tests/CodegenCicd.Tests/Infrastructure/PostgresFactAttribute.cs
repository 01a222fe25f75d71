namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// A test that needs PostgreSQL: skipped (and counted as skipped) unless CODEGENCICD_TEST_POSTGRES
/// holds a connection string. ./test.sh starts a throwaway server and sets it.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("CODEGENCICD_TEST_POSTGRES");

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(ConnectionString))
        {
            Skip = "CODEGENCICD_TEST_POSTGRES is not set (./test.sh starts PostgreSQL and sets it)";
        }
    }
}
