using Microsoft.Extensions.Options;

namespace CodegenCicd.Hosting;

public static class Startup
{
    /// <summary>
    /// Runs the app; a configuration error stops it with one line naming the key, not a stack trace.
    /// </summary>
    public static async Task<int> RunReportingConfigurationErrorsAsync(Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (!UnderTestHost && DescribeConfigurationError(ex) is { } message)
        {
            await Console.Error.WriteLineAsync("Configuration error: " + message);
            return 1;
        }
    }

    /// <summary>
    /// WebApplicationFactory starts the host through this entry point and must see the exception
    /// itself; swallowing it there would only leave "the server has not been started".
    /// </summary>
    private static bool UnderTestHost =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.AspNetCore.Mvc.Testing");

    /// <summary>An enum key's message ends with the values it accepts, e.g. "(one of: Sqlite, PostgreSql)".</summary>
    private static string WithAllowedValues(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "to type '([^']+)'");
        return match.Success && typeof(Startup).Assembly.GetType(match.Groups[1].Value) is { IsEnum: true } type
            ? $"{message} (one of: {string.Join(", ", Enum.GetNames(type))})"
            : message;
    }

    public static string? DescribeConfigurationError(Exception ex) => ex switch
    {
        OptionsValidationException validation => string.Join("; ", validation.Failures),
        // The binder's "Failed to convert configuration value 'x' at 'Jobs:WorkerCount' to type …".
        InvalidOperationException { Message: var m } when m.Contains("configuration value", StringComparison.Ordinal) =>
            WithAllowedValues(m),
        AggregateException { InnerExceptions: [var inner] } => DescribeConfigurationError(inner),
        _ when ex.InnerException is { } inner => DescribeConfigurationError(inner),
        _ => null,
    };
}
