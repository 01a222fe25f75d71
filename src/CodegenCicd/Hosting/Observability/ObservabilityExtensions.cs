using System.Text.Json;
using CodegenCicd.Hosting.Integrations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;
using Scalar.AspNetCore;
using Serilog;
using Serilog.Events;

namespace CodegenCicd.Hosting.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Serilog (configured from the <c>Serilog</c> section), health checks, Prometheus metrics, OpenAPI.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        // preserveStaticLogger: several hosts may live in one process (tests); none owns Log.Logger.
        builder.Services.AddSerilog(
            (services, logger) => logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services)
                // A configuration error is reported as one line by Startup; the host's own
                // "Hosting failed to start" with its stack trace would bury it.
                .Filter.ByExcluding(e => e.Exception is { } ex && Startup.DescribeConfigurationError(ex) is not null
                    && e.Properties.TryGetValue("SourceContext", out var source)
                    && source.ToString() == "\"Microsoft.Extensions.Hosting.Internal.Host\""),
            preserveStaticLogger: true);
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            // How a script authenticates: every /api call takes the admin API token as a bearer token.
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["AdminApiToken"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                Description =
                    "Admin:ApiToken, sent as Authorization: Bearer <token> (the admin's sign-in cookie works too).",
            };
            document.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement
            {
                [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("AdminApiToken", document)] = [],
            }];
            return Task.CompletedTask;
        }));
        builder.Services.AddScoped<IntegrationStatusService>();
        return builder;
    }

    public static WebApplication UseObservability(this WebApplication app)
    {
        // Logs method, path (never the query string, which may carry codes) and status, through
        // this host's logger (the static Log.Logger is left alone; see AddObservability). Paths that
        // carry a credential (a preview's capability token) are logged without it.
        var redactors = app.Services.GetServices<IRequestPathRedactor>().ToList();
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.GetMessageTemplateProperties = (context, path, elapsed, status) =>
            [
                new("RequestMethod", new ScalarValue(context.Request.Method)),
                new("RequestPath", new ScalarValue(redactors.Aggregate(path, (p, r) => r.Redact(p)))),
                new("StatusCode", new ScalarValue(ClientDisconnects.WasClosedByClient(context)
                    ? ClientDisconnects.Status499ClientClosedRequest
                    : status)),
                new("Elapsed", new ScalarValue(elapsed)),
            ];
        });
        app.UseHttpMetrics();
        // Inside the request log and the metrics, so both see a client that left as 499, never as an error.
        app.UseClientDisconnects();
        return app;
    }

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthJson,
        }).AllowAnonymous();
        endpoints.MapMetrics("/metrics").AllowAnonymous();
        endpoints.MapOpenApi();
        // No fonts from Scalar's CDN: the app must work offline.
        endpoints.MapScalarApiReference(o => o.DisableDefaultFonts());
        return endpoints;
    }

    private static Task WriteHealthJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key, e => new { status = e.Value.Status.ToString(), detail = e.Value.Description }),
        }));
    }
}
