using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Docs;

/// <summary>
/// docs/configuration.md cannot drift from the options classes. After adding or changing a key,
/// regenerate the page: <c>UPDATE_DOCS=1 dotnet test tests/CodegenCicd.Tests --filter ConfigurationDocs</c>.
/// </summary>
public sealed class ConfigurationDocsTests
{
    private static readonly string PagePath = RepositoryRoot.Combine("docs", "configuration.md");

    [Fact]
    public void EveryOptionsKey_IsOnTheConfigurationPage()
    {
        var page = File.ReadAllText(PagePath);
        var missing = ConfigurationReference.Keys().Where(k => !page.Contains($"`{k.Key}`", StringComparison.Ordinal)).Select(k => k.Key).ToList();
        Assert.True(missing.Count == 0,
            $"docs/configuration.md does not document: {string.Join(", ", missing)}. Regenerate it: UPDATE_DOCS=1 dotnet test tests/CodegenCicd.Tests --filter ConfigurationDocs");
    }

    [Fact]
    public void ConfigurationPage_MatchesTheOptionsClasses()
    {
        var page = File.ReadAllText(PagePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        var expected = ConfigurationReference.Regenerate(page);
        if (expected != page && Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            File.WriteAllText(PagePath, expected);
            page = expected;
        }
        Assert.True(expected == page,
            "docs/configuration.md is out of date with the options classes (a default or description changed). Regenerate it: UPDATE_DOCS=1 dotnet test tests/CodegenCicd.Tests --filter ConfigurationDocs");
    }

    [Fact]
    public void EveryOptionsKey_HasADescription()
    {
        var undescribed = ConfigurationReference.Keys().Where(k => string.IsNullOrWhiteSpace(k.Description)).Select(k => k.Key).ToList();
        Assert.True(undescribed.Count == 0,
            $"these keys have no /// <summary> on their property in src/ (the page would show nothing): {string.Join(", ", undescribed)}");
    }

    [Fact]
    public void EverySeedAlias_NamesARealKey()
    {
        var keys = ConfigurationReference.Keys().Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(CodegenCicd.Hosting.Configuration.SeedAliases.All, alias => Assert.Contains(alias.Key, keys));
    }

    [Fact]
    public void EnvExample_ListsEveryKey()
    {
        var path = RepositoryRoot.Combine("deploy", ".env.example");
        var expected = EnvExample.Render();
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }
        var actual = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : "";
        var missing = ConfigurationReference.Keys().Where(k => !actual.Contains($"#{k.EnvironmentName}=", StringComparison.Ordinal)).Select(k => k.EnvironmentName).ToList();
        Assert.True(missing.Count == 0, $"deploy/.env.example lacks {string.Join(", ", missing)}. Regenerate it: UPDATE_DOCS=1 dotnet test tests/CodegenCicd.Tests --filter ConfigurationDocs");
        Assert.True(expected == actual, "deploy/.env.example is out of date. Regenerate it: UPDATE_DOCS=1 dotnet test tests/CodegenCicd.Tests --filter ConfigurationDocs");
    }
}
