namespace CodegenCicd.Tests.Infrastructure;

/// <summary>Clean-up of a test's temporary folder that never fails the test.</summary>
public static class TempFolder
{
    /// <summary>
    /// Deletes the folder if it can. A process that just stopped (a host's SQLite connection, a
    /// sandboxed child, Chromium finishing a screenshot) may still hold or write a file; the OS
    /// cleans /tmp later, and a clean-up race is not what any test is about.
    /// </summary>
    public static void TryDelete(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the OS's temp cleanup.
        }
    }
}
