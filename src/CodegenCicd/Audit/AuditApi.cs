using CodegenCicd.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodegenCicd.Audit;

/// <summary>
/// <c>GET /api/audit</c> (<c>?project=</c>): who changed what, when; a GitHub user sees the entries of projects they
/// can see.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/audit", ListAsync).WithTags("Audit").RequireAuthorization(AccessPolicies.SignedIn)
            .WithSummary("Who changed what, when (newest first, at most 200; filter: project)");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<AuditEntryDto>>> ListAsync(
        AuditQuery audit, ProjectAccess access, CancellationToken cancellationToken, int? project = null) =>
        TypedResults.Ok(await audit.ListAsync(
            project, await access.VisibleProjectIdsAsync(cancellationToken), cancellationToken));
}
