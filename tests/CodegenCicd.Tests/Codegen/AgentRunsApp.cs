using System.Net.Http.Json;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Data;
using CodegenCicd.Pipelines;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Codegen;

/// <summary>
/// The real app wired to a <see cref="FakeCodegen"/>, with one project (<c>acme/widgets</c>). Background
/// polling is pushed an hour out so each test drives the tracker itself, one poll at a time.
/// </summary>
public sealed class AgentRunsApp : IAsyncDisposable
{
    private readonly AppFactory appFactory;

    private AgentRunsApp(AppFactory appFactory, WebApplicationFactory<Program> factory, FakeCodegen codegen)
    {
        this.appFactory = appFactory;
        Factory = factory;
        Codegen = codegen;
    }

    public WebApplicationFactory<Program> Factory { get; }

    public FakeCodegen Codegen { get; }

    public int ProjectId { get; private set; }

    public HttpClient Api { get; private set; } = null!;

    public static async Task<AgentRunsApp> StartAsync(
        ProjectSettings? settings = null, Action<AppFactory>? configure = null, Action<IServiceCollection>? services = null)
    {
        var codegen = await FakeCodegen.StartAsync();
        var appFactory = new AppFactory();
        codegen.Configure(appFactory.Settings);
        appFactory.Settings["Codegen:PollInterval"] = "01:00:00";
        configure?.Invoke(appFactory);
        var factory = services is null ? appFactory : appFactory.WithWebHostBuilder(b => b.ConfigureTestServices(services));
        var app = new AgentRunsApp(appFactory, factory, codegen);
        app.Api = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        app.Api.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.ApiToken);
        app.ProjectId = await app.AddProjectAsync("acme/widgets", settings ?? new ProjectSettings
        {
            PlanningStatement = "We build small, tested changes. Keep the public API stable.",
            MaxIterations = 2,
        });
        return app;
    }

    public async Task<int> AddProjectAsync(string fullName, ProjectSettings settings)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = new Project
        {
            FullName = fullName,
            GitHubRepositoryId = Random.Shared.NextInt64(1, long.MaxValue),
            InstallationId = 4242,
            IsPinned = true,
            Settings = settings,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    public async Task<AgentRunDetails> StartRunAsync(string target, bool? autoConfirm = null)
    {
        var response = await Api.PostAsJsonAsync($"/api/projects/{ProjectId}/agent-runs", new { target, autoConfirm });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AgentRunDetails>(Json))!;
    }

    public async Task<AgentRunDetails> GetRunAsync(int id) =>
        (await Api.GetFromJsonAsync<AgentRunDetails>($"/api/agent-runs/{id}", Json))!;

    /// <summary>One poll of Codegen, as the recurring job does; returns the run afterwards.</summary>
    public async Task<AgentRunDetails> PollAsync(int id)
    {
        using (var scope = Factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AgentRunTracker>().PollAsync(id, default);
        }
        return await GetRunAsync(id);
    }

    /// <summary>Polls until the run reaches <paramref name="status"/> (each poll moves the fake one step).</summary>
    public async Task<AgentRunDetails> PollUntilAsync(int id, AgentRunStatus status, int maxPolls = 8)
    {
        for (var i = 0; i < maxPolls; i++)
        {
            var run = await PollAsync(id);
            if (run.Status == status)
            {
                return run;
            }
        }
        throw new InvalidOperationException($"Run {id} did not reach {status} in {maxPolls} polls: {(await GetRunAsync(id)).Status}");
    }

    /// <summary>Tells the app a pipeline run ended, as the pipeline does, through every registered listener.</summary>
    public async Task ReportPipelineAsync(PipelineRunOutcome outcome)
    {
        foreach (var listener in Factory.Services.GetServices<IPipelineOutcomeListener>())
        {
            await listener.OnRunCompletedAsync(outcome, default);
        }
    }

    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Factory.DisposeAsync();
        await appFactory.DisposeAsync();
        await Codegen.DisposeAsync();
    }
}
