using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Cli;
using CodegenCicd.Cluster;
using CodegenCicd.Cloudflare;
using CodegenCicd.Codegen;
using CodegenCicd.Dashboard;
using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.Hosting;
using CodegenCicd.Hosting.Api;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Hosting.Observability;
using CodegenCicd.Hosting.Server;
using CodegenCicd.Merging;
using CodegenCicd.Notifications;
using CodegenCicd.Pages;
using CodegenCicd.Pipelines;
using CodegenCicd.Projects;
using CodegenCicd.Retention;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Probe;
using CodegenCicd.WebEval;

if (ReceiveCommand.IsInvoked(args))
{
    return await ReceiveCommand.RunAsync(args);
}
if (SandboxProbeCommand.IsInvoked(args))
{
    return await SandboxProbeCommand.RunAsync(args);
}

return await Startup.RunReportingConfigurationErrorsAsync(async () =>
{
    // Configuration is read once (options are validated at start-up). Reloading on change would
    // watch the content root recursively, and data/ (the database, every sandbox's files) is in it.
    var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
    builder.Configuration.AddSeedAliases();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.AddSocketBuffers();

    builder.AddObservability();
    builder.AddBadRequestProblems();
    builder.AddData();
    builder.AddCluster();
    builder.AddAdminSignIn();
    builder.AddAccounts();
    builder.AddAudit();
    builder.AddJobs();
    builder.AddProjects();
    builder.AddGitHubApp();
    builder.AddSandboxes();
    builder.AddWebEval();
    builder.AddCodegen();
    builder.AddCloudflare();
    builder.AddNotifications();
    builder.AddPipelines();
    builder.AddMerging();
    builder.AddDashboard();
    // The `receive` command's runner, present only when that command started this host.
    builder.Services.AddReceiveCommand();
    builder.AddRetention();
    builder.Services.AddRazorPages().AddMvcOptions(FormMessages.Configure).WriteTempDataOnlyWhenChanged();

    var app = builder.Build();

    app.UseForwardedClientAddress();
    app.UseObservability();
    app.UseBadRequestProblems();
    app.UseStaticFiles();
    app.UseRouting();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();
    app.UseAntiforgery();
    app.UseApiAntiforgery();

    app.MapObservability();
    app.MapJobsDashboard();
    app.MapStatusApi();
    app.MapGitHubApp();
    app.MapPipelines();
    app.MapPreviews();
    app.MapProjects();
    app.MapCodegen();
    app.MapNotifications();
    app.MapAccounts();
    app.MapAudit();
    app.MapRazorPages();

    await app.RunAsync();
});

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
