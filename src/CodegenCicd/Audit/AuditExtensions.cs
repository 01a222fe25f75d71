namespace CodegenCicd.Audit;

public static class AuditExtensions
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<IAuditLog, AuditLog>();
        builder.Services.AddScoped<AuditQuery>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder endpoints) => endpoints.MapAuditApi();
}
