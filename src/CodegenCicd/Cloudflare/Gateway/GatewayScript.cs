namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>
/// The Worker's module (deploy/cloudflare/src/index.js), embedded so the app can deploy the version
/// it was built with.
/// </summary>
public static class GatewayScript
{
    public const string ModuleName = "index.js";

    /// <summary>The date the Worker is written against (wrangler.toml says the same).</summary>
    public const string CompatibilityDate = "2025-04-01";

    private static readonly Lazy<string> Source = new(() =>
    {
        using var stream = typeof(GatewayScript).Assembly.GetManifestResourceStream("webhook-gateway.js")
            ?? throw new InvalidOperationException("The gateway Worker's module is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Module => Source.Value;
}
