namespace CodegenCicd.Accounts;

/// <summary>
/// Guards an API endpoint of one project: the endpoint says how to find the project from its route
/// (a feature resolves its own ids), this filter answers 404 when there is none and 403 with the
/// reason when the person's access is not enough.
/// </summary>
public static class ProjectAccessFilter
{
    /// <summary>Finds the project an endpoint acts on; null when the thing named does not exist.</summary>
    public delegate ValueTask<int?> ProjectOf(HttpContext context);

    public static TBuilder RequireProjectAccess<TBuilder>(
        this TBuilder builder, AccessLevel needed, string action, ProjectOf projectOf)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(AccessPolicies.SignedIn);
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (await projectOf(http) is not { } projectId)
            {
                return TypedResults.NotFound();
            }
            http.Items[ProjectIdItem] = projectId;
            var access = http.RequestServices.GetRequiredService<ProjectAccess>();
            if (await access.CheckAsync(projectId, needed, action, http.RequestAborted) is { } refusal)
            {
                // Someone who may not even see the project learns nothing about it beyond "not found".
                return needed > AccessLevel.Read
                    && await access.LevelAsync(projectId, http.RequestAborted) >= AccessLevel.Read
                    ? Forbidden(refusal)
                    : TypedResults.NotFound();
            }
            return await next(context);
        });
        return builder;
    }

    private const string ProjectIdItem = "codegencicd:project-id";

    /// <summary>The project the filter checked access to (for the audit log), or null.</summary>
    public static int? CheckedProjectId(this HttpContext context) => context.Items[ProjectIdItem] as int?;

    /// <summary>The route value <paramref name="name"/> as a project id.</summary>
    public static ProjectOf FromRoute(string name) => context =>
        ValueTask.FromResult(int.TryParse(context.Request.RouteValues[name]?.ToString(), out var id) ? id : (int?)null);

    public static IResult Forbidden(AccessRefusal refusal) =>
        TypedResults.Problem(refusal.Reason, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
}
