using System.Net;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class SandboxConfigurationTests
{
    [Theory]
    [InlineData("Sandbox:MemoryMegabytes", "1", "Sandbox:MemoryMegabytes must be between 64 and 1048576")]
    [InlineData("Sandbox:UserId", "0", "Sandbox:UserId must be a positive uid")]
    [InlineData("Sandbox:PreviewTtlMinutes", "0", "Sandbox:PreviewTtlMinutes")]
    [InlineData("Sandbox:ExtraReadOnlyPaths:0", "relative/path", "Sandbox:ExtraReadOnlyPaths: 'relative/path' must be an absolute path")]
    public void BadValue_StopsStartup_NamingTheKey(string key, string value, string expected)
    {
        using var factory = new AppFactory();
        factory.Settings[key] = value;

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(expected, CodegenCicd.Hosting.Startup.DescribeConfigurationError(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_ReportsBubblewrap()
    {
        using var factory = new AppFactory();

        var response = await factory.CreateAnonymousClient().GetAsync("/readyz");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"bubblewrap\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingBubblewrap_FailsReadiness_SayingHowToInstallIt()
    {
        var check = new CodegenCicd.Sandboxes.BubblewrapHealthCheck(() => null);

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.Equal("bubblewrap (bwrap) not found: apt-get install bubblewrap", result.Description);
    }

    [Fact]
    public async Task BubblewrapThatCannotCreateNamespaces_FailsReadiness_SayingWhy()
    {
        var check = new CodegenCicd.Sandboxes.BubblewrapHealthCheck(() => "/bin/false");

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.Contains("cannot create a sandbox here", result.Description, StringComparison.Ordinal);
    }
}
