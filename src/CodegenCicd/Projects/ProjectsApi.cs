using System.Globalization;
using System.Text.Json;
using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Hosting.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Projects;

/// <summary>
/// The projects admin API (CONTRACT.md): pin, unpin, settings, secrets. Secret values go in, never out.
/// </summary>
public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder endpoints)
    {
        // Who may do what follows the person's permission on the repository (docs/sign-in.md); pinning is app-wide.
        var api = endpoints.MapGroup("/api/projects").WithTags("Projects")
            .RequireAuthorization(AccessPolicies.SignedIn);
        var project = ProjectAccessFilter.FromRoute("id");
        api.MapGet("/", ListAsync).Produces<List<ProjectResponse>>().WithSummary("Pinned projects with their latest run (those the caller may see)")
            .WithDescription("By name, a page of at most `limit` projects (default 100, at most 500) "
                + "after the name `after`. "
                + "A full page carries `Link: <…&after=NAME>; rel=\"next\"` pointing at the next one.");
        api.MapGet("/{id:int}", GetAsync).WithSummary("One pinned project")
            .RequireProjectAccess(AccessLevel.Read, "see this project", project);
        api.MapPost("/", PinAsync).WithSummary("Pin a repository the App can reach")
            .RequireAuthorization(AdminPolicy.Name);
        api.MapDelete("/{id:int}", UnpinAsync).WithSummary("Unpin a project (its history stays)")
            .RequireProjectAccess(AccessLevel.Admin, "remove this project", project);
        api.MapGet("/{id:int}/settings", GetSettingsAsync).WithSummary("A project's settings")
            .RequireProjectAccess(AccessLevel.Read, "see this project's settings", project);
        api.MapPut("/{id:int}/settings", PutSettingsAsync).Accepts<ProjectSettings>("application/json")
            .RequireProjectAccess(AccessLevel.Admin, "change this project's settings", project)
            .WithSummary("Change a project's settings: the fields sent replace their values "
                + "(null resets one to its default), the rest stay; unknown keys are refused; "
                + "validated, all or nothing");
        api.MapGet("/{id:int}/secrets", ListSecretsAsync)
            .WithSummary("Secret names and when they were set; never values")
            .RequireProjectAccess(AccessLevel.Admin, "see this project's secrets", project);
        api.MapPut("/{id:int}/secrets/{name}", PutSecretAsync).WithSummary("Set a secret's value (write-only)")
            .RequireProjectAccess(AccessLevel.Admin, "change this project's secrets", project);
        api.MapDelete("/{id:int}/secrets/{name}", DeleteSecretAsync).WithSummary("Remove a secret")
            .RequireProjectAccess(AccessLevel.Admin, "change this project's secrets", project);
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ListAsync(
        ProjectCatalog catalog, IProjectActivity activity, ProjectListAnswers answers, ProjectAccess access,
        HttpContext context,
        CancellationToken cancellationToken, string? repo = null, string? after = null, int? limit = null)
    {
        if (NextPageLink.Limit(limit, ProjectPage.DefaultLimit, ProjectPage.MaxLimit) is not { } size)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] =
                    [string.Format(CultureInfo.InvariantCulture, NextPageLink.LimitProblem, ProjectPage.MaxLimit)],
            });
        }
        var visible = await access.VisibleProjectIdsAsync(cancellationToken);
        var page = new ProjectPage(repo, after, visible, size);
        var projects = await catalog.ListPinnedAsync(page, cancellationToken);
        if (projects.Count == size)
        {
            NextPageLink.Add(context, "after", projects[^1].Repository);
        }
        var now = await activity.GetAsync([.. projects.Select(p => p.Id)], cancellationToken);
        return TypedResults.Bytes(answers.Get(page, projects, now, ToResponse), ProjectListAnswers.ContentType);
    }

    private static async Task<Results<Ok<ProjectResponse>, NotFound>> GetAsync(
        int id, ProjectCatalog catalog, IProjectActivity activity, CancellationToken cancellationToken)
    {
        if (await catalog.FindPinnedAsync(id, cancellationToken) is not { } project)
        {
            return TypedResults.NotFound();
        }
        var now = await activity.GetAsync([id], cancellationToken);
        return TypedResults.Ok(ToResponse(ToListItem(project), now.GetValueOrDefault(id)));
    }

    /// <summary>
    /// 201 when this call pinned the repository, 200 when it was pinned already; either way the project as
    /// GET shows it.
    /// </summary>
    private static async Task<Results<Created<ProjectResponse>, Ok<ProjectResponse>, ProblemHttpResult>> PinAsync(
        PinProjectRequest request, ProjectCatalog catalog, IProjectActivity activity, IAuditLog audit,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Repository)
            || !request.Repository.Contains('/', StringComparison.Ordinal))
        {
            return Invalid("repository", "Give the repository as owner/name.", StatusCodes.Status400BadRequest);
        }
        if (await catalog.PinAsync(request.Repository, cancellationToken) is not { } pinned)
        {
            return Invalid("repository",
                $"The App cannot reach {request.Repository.Trim()}: install it on that repository first.",
                StatusCodes.Status422UnprocessableEntity);
        }
        // History stays when a project is removed, so even a newly pinned one may have runs to show.
        var project = pinned.Project;
        if (pinned.NewlyPinned)
        {
            await audit.RecordAsync(new(AuditActions.ProjectPin, project.Id, project.FullName), cancellationToken);
        }
        var now = await activity.GetAsync([project.Id], cancellationToken);
        var response = ToResponse(ToListItem(project), now.GetValueOrDefault(project.Id));
        return pinned.NewlyPinned
            ? TypedResults.Created($"/api/projects/{project.Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> UnpinAsync(
        int id, ProjectCatalog catalog, IAuditLog audit, CancellationToken cancellationToken) =>
        await catalog.UnpinAsync(id, cancellationToken) switch
        {
            UnpinOutcome.Unpinned => await Recorded(
                audit, new(AuditActions.ProjectUnpin, id, $"project {id}"), TypedResults.NoContent(),
                cancellationToken),
            UnpinOutcome.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Problem(
                "A pipeline run or agent run of this project is still in progress; "
                + "cancel it or let it finish, then remove the project.",
                statusCode: StatusCodes.Status409Conflict, title: "Project is busy"),
        };

    private static async Task<Results<Ok<ProjectSettings>, NotFound>> GetSettingsAsync(
        int id, ProjectCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.FindPinnedAsync(id, cancellationToken) is { } project
            ? TypedResults.Ok(project.Settings)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ProjectSettings>, NotFound, ValidationProblem, ProblemHttpResult>>
        PutSettingsAsync(
            int id, JsonElement body, ProjectCatalog catalog, IOptions<JsonOptions> json, IAuditLog audit,
            CancellationToken cancellationToken)
    {
        if (await catalog.FindPinnedAsync(id, cancellationToken) is not { } project)
        {
            return TypedResults.NotFound();
        }
        var patch = SettingsPatch.Apply(project.Settings, body, json.Value.SerializerOptions);
        if (patch.UnknownKeys.Count > 0)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(patch.UnknownKeys)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Unknown settings keys",
                Detail = string.Join(" ", patch.UnknownKeys.Values.SelectMany(m => m)),
            });
        }
        if (patch.Settings is not { } settings)
        {
            return TypedResults.Problem(
                patch.JsonError, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid");
        }
        var errors = SettingsValidator.Validate(settings);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The settings were not saved");
        }
        await catalog.SaveSettingsAsync(id, project.DefaultBranch, settings, cancellationToken);
        await audit.RecordAsync(
            new(AuditActions.SettingsChange, id, project.FullName,
                "keys: " + string.Join(", ", body.EnumerateObject().Select(p => p.Name))),
            cancellationToken);
        return TypedResults.Ok(settings);
    }

    private static async Task<Results<Ok<IReadOnlyList<SecretInfo>>, NotFound>> ListSecretsAsync(
        int id, ProjectCatalog catalog, ProjectSecrets secrets, CancellationToken cancellationToken) =>
        await catalog.FindPinnedAsync(id, cancellationToken) is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(await secrets.ListAsync(id, cancellationToken));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> PutSecretAsync(
        int id, string name, SecretValueRequest request, ProjectCatalog catalog, ProjectSecrets secrets,
        IAuditLog audit, CancellationToken cancellationToken)
    {
        if (await catalog.FindPinnedAsync(id, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }
        var errors = new Dictionary<string, string[]>();
        if (ProjectSecrets.ValidateName(name) is { } nameError)
        {
            errors["name"] = [nameError];
        }
        if (ProjectSecrets.ValidateValue(request.Value) is { } valueError)
        {
            errors["value"] = [valueError];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The secret was not saved");
        }
        await secrets.SetAsync(id, name, request.Value!, cancellationToken);
        await audit.RecordAsync(new(AuditActions.SecretSet, id, $"secret {name}"), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteSecretAsync(
        int id, string name, ProjectCatalog catalog, ProjectSecrets secrets, IAuditLog audit,
        CancellationToken cancellationToken) =>
        await catalog.FindPinnedAsync(id, cancellationToken) is not null
            && await secrets.RemoveAsync(id, name, cancellationToken)
            ? await Recorded(
                audit, new(AuditActions.SecretRemove, id, $"secret {name}"), TypedResults.NoContent(),
                cancellationToken)
            : TypedResults.NotFound();

    private static async Task<T> Recorded<T>(
        IAuditLog audit, AuditRecord record, T result, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(record, cancellationToken);
        return result;
    }

    private static ProblemHttpResult Invalid(string field, string message, int status) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = status,
            Title = message,
        });

    private static ProjectListItem ToListItem(Project p) =>
        new(p.Id, p.FullName, p.DefaultBranch, p.IsActive, p.IsPrivate, p.UpdatedAt);

    private static ProjectResponse ToResponse(ProjectListItem p, ProjectActivity? activity)
    {
        var now = activity ?? ProjectActivity.None;
        return new(p.Id, p.Repository, p.DefaultBranch, p.IsActive, p.IsPrivate, p.UpdatedAt,
            now.LatestRun, now.OpenPullRequests, now.ActiveAgentRun);
    }
}
