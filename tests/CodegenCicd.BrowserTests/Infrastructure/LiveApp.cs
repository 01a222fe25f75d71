using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.BrowserTests.Infrastructure;

/// <summary>
/// The real app served by Kestrel on a loopback port (a browser needs a socket), on a private
/// SQLite file. Each test class gets its own, so tests never share data.
/// </summary>
public sealed class LiveApp : WebApplicationFactory<Program>
{
    public const string AdminPassword = "browser tests password";
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("codegencicd-browser-").FullName;

    private readonly Action<IServiceCollection> configureServices;
    private readonly IReadOnlyDictionary<string, string?> settings;

    public LiveApp()
        : this(_ => { })
    {
    }

    /// <param name="configureServices">Test doubles for seams whose features are not in this build (e.g. project activity).</param>
    public LiveApp(Action<IServiceCollection> configureServices, IReadOnlyDictionary<string, string?>? settings = null)
    {
        this.configureServices = configureServices;
        this.settings = settings ?? new Dictionary<string, string?>();
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First().TrimEnd('/');
    }

    /// <summary>The open live-update streams, which a test may cut.</summary>
    public LiveConnections Connections { get; } = new();

    /// <summary>Where the browser goes, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:App", $"Data Source={Path.Combine(dataDirectory, "app.db")}");
        builder.UseSetting("Sandbox:Root", Path.Combine(dataDirectory, "sandboxes"));
        builder.UseSetting("Admin:Password", AdminPassword);
        builder.UseSetting("Jobs:WorkerCount", "1");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter>(Connections);
            configureServices(services);
        });
    }

    public async Task<int> AddProjectAsync(string fullName, bool pinned)
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = new Project
        {
            FullName = fullName,
            GitHubRepositoryId = Random.Shared.NextInt64(1, long.MaxValue),
            InstallationId = 7,
            IsPinned = pinned,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    public async Task<Project> LoadProjectAsync(int id)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Project>().FindAsync(id)
            ?? throw new InvalidOperationException($"No project {id}");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean; a file may still be held by the finished host.
            }
        }
    }
}
