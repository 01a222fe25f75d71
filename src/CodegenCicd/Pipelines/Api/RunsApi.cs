using System.Globalization;
using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Data;
using CodegenCicd.Hosting.Api;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Api;

/// <summary>
/// The admin JSON API for pipeline runs (CONTRACT.md): list, show, re-run, cancel, approve a fork PR's run.
/// </summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder endpoints)
    {
        // Seeing a run needs read access to its repository on GitHub, acting on it write access.
        var runs = endpoints.MapGroup("/api/runs").WithTags("Runs").RequireAuthorization(AccessPolicies.SignedIn);
        runs.MapGet("/", ListAsync).Produces<List<RunDto>>()
            .WithSummary("Pipeline runs, newest first (filters: project, status, pr); only those the caller may see")
            .WithDescription(PagingDescription);
        runs.MapGet("/{id:long}", GetAsync).WithSummary("One run with its stages and their logs")
            .RequireProjectAccess(AccessLevel.Read, "see this run", ProjectOfRun);
        runs.MapPost("/{id:long}/rerun", RerunAsync).WithSummary("Run every stage again")
            .RequireProjectAccess(AccessLevel.Write, "re-run this run", ProjectOfRun);
        runs.MapPost("/{id:long}/cancel", CancelAsync).WithSummary("Cancel a run; its check runs end cancelled")
            .RequireProjectAccess(AccessLevel.Write, "cancel this run", ProjectOfRun);
        runs.MapPost("/{id:long}/approve", ApproveAsync)
            .RequireProjectAccess(AccessLevel.Write, "approve this fork pull request's run", ProjectOfRun)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Let a fork pull request's waiting run start (\"Approve and run\")")
            .WithDescription("A run from a fork whose author is not trusted by the project's `forks` policy "
                + "waits before any of its code runs. "
                + "Approving it records who (\"admin\") and when, and starts its stages. 202 when started; "
                + "409 with the reason when there is nothing to approve.");
        endpoints.MapGet("/api/projects/{id:int}/runs", ListForProjectAsync).WithTags("Runs").Produces<List<RunDto>>()
            .WithSummary("A project's pipeline runs")
            .RequireProjectAccess(AccessLevel.Read, "see this project's runs", ProjectAccessFilter.FromRoute("id"))
            .WithDescription(PagingDescription);
        return endpoints;
    }

    private const string PagingDescription =
        "A page of at most `limit` runs (default 100, at most 500) older than the run id `before`. "
        + "A full page carries `Link: <…&before=ID>; rel=\"next\"` pointing at the next one.";

    /// <summary>The project of the run named by the route's id, for the access check.</summary>
    public static async ValueTask<int?> ProjectOfRun(HttpContext context) =>
        long.TryParse(context.Request.RouteValues["id"]?.ToString(), out var id)
            ? await context.RequestServices.GetRequiredService<AppDbContext>().Set<PipelineRun>()
                .Where(r => r.Id == id).Select(r => (int?)r.ProjectId).FirstOrDefaultAsync(context.RequestAborted)
            : null;

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ListAsync(
        RunsPages pages, RunListJson answer, ProjectAccess access, HttpContext context,
        CancellationToken cancellationToken, int? project = null, string? status = null, int? pr = null,
        long? before = null, int? limit = null)
    {
        if (!RunsQuery.TryParseStatus(status, out var parsed))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"Unknown status '{status}'; one of {string.Join(", ", Enum.GetNames<RunStatus>())}."],
            });
        }
        if (NextPageLink.Limit(limit, RunsQuery.PageSize, RunsQuery.MaxPageSize) is not { } size)
        {
            return LimitProblem();
        }
        var visible = await access.VisibleProjectIdsAsync(cancellationToken);
        var filter = new RunFilter(project, parsed, pr, visible, before, size);
        return await PageAsync(pages, filter, answer, context, cancellationToken);
    }

    private static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> ListForProjectAsync(
        int id, RunsPages pages, RunListJson answer, ProjectLookup projects, HttpContext context,
        CancellationToken cancellationToken, long? before = null, int? limit = null)
    {
        if (!await projects.ExistsAsync(id, cancellationToken))
        {
            return TypedResults.NotFound();
        }
        if (NextPageLink.Limit(limit, RunsQuery.PageSize, RunsQuery.MaxPageSize) is not { } size)
        {
            return LimitProblem();
        }
        return await PageAsync(pages, new RunFilter(id, Before: before, Limit: size), answer, context, cancellationToken);
    }

    /// <summary>One page, newest first; a full page links to the next (runs older than its last).</summary>
    private static async Task<FileContentHttpResult> PageAsync(
        RunsPages pages, RunFilter filter, RunListJson answer, HttpContext context, CancellationToken cancellationToken)
    {
        var page = await pages.GetAsync(filter, cancellationToken);
        if (page.Runs.Count == filter.Limit)
        {
            NextPageLink.Add(context, "before", page.Runs[^1].Id.ToString(CultureInfo.InvariantCulture));
        }
        return TypedResults.Bytes(page.Json(answer.Serialize), RunListJson.ContentType);
    }

    private static ValidationProblem LimitProblem() => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["limit"] = [string.Format(CultureInfo.InvariantCulture, NextPageLink.LimitProblem, RunsQuery.MaxPageSize)],
    });

    private static async Task<Results<Ok<RunDto>, NotFound>> GetAsync(
        long id, AppDbContext db, IOptions<PipelineOptions> options, CancellationToken cancellationToken)
    {
        var run = await db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages)
            .FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return run is null ? TypedResults.NotFound() : TypedResults.Ok(run.ToDto(options.Value, withLogs: true));
    }

    /// <summary>
    /// A finished run runs again; a cancelled one is restarted as a new run of the same head (202 pointing at it).
    /// </summary>
    private static async Task<Results<Accepted, NotFound, ProblemHttpResult>> RerunAsync(
        long id, RunControl control, CancelledRunRestart restart, IAuditLog audit, HttpContext context,
        CancellationToken cancellationToken)
    {
        var result = await control.RerunAsync(id, from: null, FollowUp.Job, cancellationToken);
        if (result is ControlResult.Done or ControlResult.Cancelled)
        {
            await audit.RecordAsync(
                new(AuditActions.RunRerun, context.CheckedProjectId(), $"run {id}"), cancellationToken);
        }
        if (result == ControlResult.AwaitsApproval)
        {
            return TypedResults.Problem(
                RerunNeedsApproval, statusCode: StatusCodes.Status409Conflict, title: "The run cannot do that now");
        }
        if (result != ControlResult.Cancelled)
        {
            return Answer(result, id, "The run is still running; cancel it first or wait for it to finish.");
        }
        var restarted = await restart.RestartAsync(id, cancellationToken);
        return restarted.NewRunId is { } newRun
            ? TypedResults.Accepted($"/api/runs/{newRun}")
            : TypedResults.Problem(
                restarted.Refusal, statusCode: StatusCodes.Status409Conflict, title: "The run cannot do that now");
    }

    public const string RerunNeedsApproval =
        "This run is from a fork and its code has not been approved to run: "
        + "approve it (POST /api/runs/{id}/approve) while it waits, or change the project's `forks` setting.";

    private static async Task<Results<Accepted, NotFound, ProblemHttpResult>> ApproveAsync(
        long id, RunApproval approval, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await approval.ApproveAsync(id, context.User.ActorName(), FollowUp.Job, cancellationToken);
        if (result.Result == ControlResult.Done)
        {
            await audit.RecordAsync(
                new(AuditActions.RunApprove, context.CheckedProjectId(), $"run {id}"), cancellationToken);
        }
        return result.Result switch
        {
            ControlResult.Done => TypedResults.Accepted($"/api/runs/{id}"),
            ControlResult.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Problem(
                result.Refusal, statusCode: StatusCodes.Status409Conflict, title: "Nothing to approve"),
        };
    }

    private static async Task<Results<Accepted, NotFound, ProblemHttpResult>> CancelAsync(
        long id, RunControl control, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await control.CancelAsync(
            id, $"cancelled by {context.User.ActorName()}", teardown: true, FollowUp.Job, cancellationToken);
        if (result == ControlResult.Done)
        {
            await audit.RecordAsync(
                new(AuditActions.RunCancel, context.CheckedProjectId(), $"run {id}"), cancellationToken);
        }
        return Answer(result, id, "The run has already finished.");
    }

    private static Results<Accepted, NotFound, ProblemHttpResult> Answer(
        ControlResult result, long id, string conflict) => result switch
    {
        ControlResult.Done => TypedResults.Accepted($"/api/runs/{id}"),
        ControlResult.NotFound => TypedResults.NotFound(),
        _ => TypedResults.Problem(
            conflict, statusCode: StatusCodes.Status409Conflict, title: "The run cannot do that now"),
    };
}
