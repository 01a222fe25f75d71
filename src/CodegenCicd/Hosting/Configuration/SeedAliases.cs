namespace CodegenCicd.Hosting.Configuration;

/// <summary>An environment variable name from the seed project accepted for a canonical key.</summary>
/// <param name="Convert">Turns the alias's raw value into the key's value; null means "not applicable".</param>
public sealed record SeedAlias(string Name, string Key, Func<string, string?>? Convert = null);

/// <summary>
/// The seed's variable names (CONTRACT.md, Configuration). A canonical key always wins over its alias.
/// </summary>
public static class SeedAliases
{
    public static readonly IReadOnlyList<SeedAlias> All =
    [
        new("GITHUB_APP_ID", "GitHub:AppId"),
        new("GITHUB_PRIVATE_KEY", "GitHub:PrivateKey"),
        new("GITHUB_PRIVATE_KEY_PATH", "GitHub:PrivateKeyPath"),
        new("GITHUB_WEBHOOK_SECRET", "GitHub:WebhookSecret"),
        new("GITHUB_API_URL", "GitHub:ApiUrl"),
        new("GITHUB_TOKEN", "GitHub:Token"),
        new("DATABASE_URL", "ConnectionStrings:App", DatabaseUrl.ToConnectionString),
        new("DATABASE_URL", "Database:Provider", DatabaseUrl.ToProvider),
        new("ADMIN_PASSWORD", "Admin:Password"),
        new("ADMIN_API_TOKEN", "Admin:ApiToken"),
        new("CODEGEN_ORG_ID", "Codegen:OrgId"),
        new("CODEGEN_API_TOKEN", "Codegen:ApiToken"),
        new("CODEGEN_API_URL", "Codegen:ApiUrl"),
        new("GEMINI_API_KEY", "Gemini:ApiKey"),
        new("CLOUDFLARE_API_KEY", "Cloudflare:ApiToken"),
        new("CLOUDFLARE_API_TOKEN", "Cloudflare:ApiToken"),
        new("CLOUDFLARE_ACCOUNT_ID", "Cloudflare:AccountId"),
        new("CLOUDFLARE_WORKER_NAME", "Cloudflare:WorkerName"),
        new("CLOUDFLARE_WORKER_URL", "Cloudflare:WorkerUrl"),
        new("CHROMIUM_PATH", "Browser:ExecutablePath"),
    ];

    /// <summary>
    /// Adds the alias source last. It resolves aliases lazily against the other sources, so values
    /// added later (test hosts, command line) are seen too, and a canonical key set anywhere wins.
    /// </summary>
    public static IConfigurationBuilder AddSeedAliases(this IConfigurationManager configuration)
    {
        configuration.Add(new SeedAliasConfigurationSource((IConfigurationRoot)configuration));
        return configuration;
    }
}
