using Npgsql;

namespace CodegenCicd.Hosting.Configuration;

/// <summary>
/// The seed's DATABASE_URL is a URL (postgresql://user:pass@host:5432/db or sqlite:///path);
/// EF Core wants a connection string. Plain connection strings pass through unchanged.
/// </summary>
public static class DatabaseUrl
{
    public static string? ToConnectionString(string value)
    {
        if (value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            // SQLAlchemy style: sqlite:///relative.db, sqlite:////absolute.db
            var path = value.StartsWith("sqlite:///", StringComparison.OrdinalIgnoreCase) ? value[10..] : value[7..];
            return "Data Source=" + path;
        }
        if (!IsPostgresUrl(value))
        {
            return value;
        }
        var uri = new Uri(value);
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = uri.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(userInfo[0]),
        };
        if (userInfo.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        return builder.ConnectionString;
    }

    public static string? ToProvider(string value) =>
        IsPostgresUrl(value) || value.Contains("Host=", StringComparison.OrdinalIgnoreCase) ? "PostgreSql" : null;

    private static bool IsPostgresUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
}
