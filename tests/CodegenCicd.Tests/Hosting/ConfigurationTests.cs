using CodegenCicd.Codegen;
using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Jobs:WorkerCount", "abc", "Jobs:WorkerCount")]
    [InlineData("Jobs:WorkerCount", "0", "Jobs:WorkerCount must be between 1 and 256")]
    [InlineData("Database:Provider", "Oracle", "Database:Provider")]
    [InlineData("GitHub:ApiUrl", "not a url", "GitHub:ApiUrl")]
    [InlineData("Admin:Password", "short", "Admin:Password must be at least 8 characters")]
    [InlineData("Codegen:OrgId", "-4", "Codegen:OrgId must be a positive integer")]
    [InlineData("Webhooks:RetentionDays", "0", "Webhooks:RetentionDays must be between 1 and 3650")]
    public void BadValue_StopsStartup_NamingTheKey(string key, string value, string expected)
    {
        using var factory = new AppFactory();
        factory.Settings[key] = value;

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(expected, Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationFiles_AreNotWatched_BecauseTheDataFolderLivesUnderTheContentRoot()
    {
        using var factory = new AppFactory();

        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.NotEmpty(files); // appsettings.json is read…
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched")); // …once
    }

    [Fact]
    public void AppIdWithoutWebhookSecret_StopsStartup_BecauseUnsignedWebhooksWouldBeAccepted()
    {
        using var factory = new AppFactory();
        factory.Settings["GitHub:AppId"] = "12345";
        factory.Settings["GitHub:PrivateKey"] = "-----BEGIN RSA PRIVATE KEY-----\nMII=\n-----END RSA PRIVATE KEY-----";

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("GitHub:WebhookSecret is required", Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public void SeedVariableNames_AreHonoured()
    {
        using var factory = new AppFactory();
        factory.Settings["CODEGEN_ORG_ID"] = "42";
        factory.Settings["CODEGEN_API_TOKEN"] = "sk-seed-token";
        factory.Settings["GITHUB_TOKEN"] = "ghp_seed";
        factory.Settings["GEMINI_API_KEY"] = "gemini-seed";
        factory.Settings["CLOUDFLARE_API_KEY"] = "cf-seed";
        factory.Settings["CLOUDFLARE_ACCOUNT_ID"] = "acct";
        factory.Settings["CLOUDFLARE_WORKER_URL"] = "https://hook.example.workers.dev";

        var services = factory.Services;

        var codegen = services.GetRequiredService<IOptions<CodegenOptions>>().Value;
        Assert.Equal(42, codegen.OrgId);
        Assert.Equal("sk-seed-token", codegen.ApiToken);
        Assert.True(codegen.IsConfigured);
        Assert.Equal("ghp_seed", services.GetRequiredService<IOptions<GitHubOptions>>().Value.Token);
        Assert.Equal("gemini-seed", services.GetRequiredService<IOptions<CodegenCicd.WebEval.GeminiOptions>>().Value.ApiKey);
        var cloudflare = services.GetRequiredService<IOptions<CodegenCicd.Cloudflare.CloudflareOptions>>().Value;
        Assert.Equal("cf-seed", cloudflare.ApiToken);
        Assert.Equal(new Uri("https://hook.example.workers.dev"), cloudflare.WorkerUrl);
    }

    [Fact]
    public void CanonicalKey_WinsOverSeedAlias()
    {
        using var factory = new AppFactory();
        factory.Settings["CODEGEN_ORG_ID"] = "42";
        factory.Settings["Codegen:OrgId"] = "7";

        Assert.Equal(7, factory.Services.GetRequiredService<IOptions<CodegenOptions>>().Value.OrgId);
    }

    [Fact]
    public async Task SeedAliases_ShowAsConfiguredOnTheHomePage()
    {
        using var factory = new AppFactory();
        factory.Settings["CODEGEN_ORG_ID"] = "42";
        factory.Settings["CODEGEN_API_TOKEN"] = "sk-seed-token";
        var client = await factory.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/");

        Assert.Contains("Organization 42", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-seed-token", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://app:s%40cret@db.internal:6543/cicd", "Host=db.internal;Port=6543;Database=cicd;Username=app;Password=s@cret")]
    [InlineData("postgres://app@db/cicd", "Host=db;Port=5432;Database=cicd;Username=app")]
    [InlineData("sqlite:///data/x.db", "Data Source=data/x.db")]
    [InlineData("Data Source=/var/lib/app.db", "Data Source=/var/lib/app.db")]
    public void DatabaseUrl_BecomesAConnectionString(string url, string expected)
    {
        Assert.Equal(expected, DatabaseUrl.ToConnectionString(url));
    }

    [Fact]
    public void DatabaseUrl_ForPostgres_SelectsThePostgresProvider()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DATABASE_URL"] = "postgresql://app:pw@db:5432/cicd" });
        configuration.AddSeedAliases();

        var options = configuration.GetSection("Database").Get<DatabaseOptions>()!;

        Assert.Equal(DatabaseProvider.PostgreSql, options.Provider);
        Assert.Equal("Host=db;Port=5432;Database=cicd;Username=app;Password=pw", configuration.GetConnectionString("App"));
    }

    /// <summary>The one line an operator would see; the whole exception when it is not a configuration error (so a failure explains itself).</summary>
    private static string Describe(Exception error) =>
        CodegenCicd.Hosting.Startup.DescribeConfigurationError(error) ?? error.ToString();
}
