using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// The real app on a private SQLite file and in-process job storage. Each factory gets its own
/// data folder, so tests never share state. Tests add or override settings before first use.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "correct horse battery staple";
    public const string ApiToken = "test-api-token-0123456789abcdef";

    public AppFactory()
    {
        DataDirectory = Directory.CreateTempSubdirectory("codegencicd-test-").FullName;
        Settings["ConnectionStrings:App"] = $"Data Source={Path.Combine(DataDirectory, "app.db")}";
        Settings["Sandbox:Root"] = Path.Combine(DataDirectory, "sandboxes");
        SharedKeyFile.CopyInto(KeyFolder);
        Settings["Admin:Password"] = AdminPassword;
        Settings["Admin:ApiToken"] = ApiToken;
        Settings["Jobs:WorkerCount"] = "2";
        Settings["Serilog:MinimumLevel:Default"] = "Warning";
    }

    public string DataDirectory { get; }

    /// <summary>Where the app keeps its generated key-encryption certificate: next to app.db.</summary>
    public string KeyFolder => Path.Combine(DataDirectory, "keys");

    /// <summary>Configuration for the app; a null value removes a default.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // The generated key-encryption certificate lives next to the SQLite file (this factory's, or
        // the one it shares with another app). A PostgreSQL test has none, and the app's default
        // would then be the source tree's data/keys.
        if (!Settings.ContainsKey("DataProtection:KeyFolder")
            && string.Equals(Settings.GetValueOrDefault("Database:Provider"), "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseSetting("DataProtection:KeyFolder", KeyFolder);
        }
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient CreateAnonymousClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public HttpClient CreateApiClient()
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", ApiToken);
        return client;
    }

    /// <summary>A client holding the admin cookie, signed in through the real sign-in form.</summary>
    public async Task<HttpClient> CreateSignedInClientAsync()
    {
        var client = CreateAnonymousClient();
        var response = await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AdminPassword });
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        }
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TempFolder.TryDelete(DataDirectory);
        }
    }
}
