namespace CodegenCicd.Tests.Infrastructure;

/// <summary>The checkout the tests were built from (the folder holding CodegenCicd.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CodegenCicd.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No CodegenCicd.sln above {AppContext.BaseDirectory}");
    }
}
