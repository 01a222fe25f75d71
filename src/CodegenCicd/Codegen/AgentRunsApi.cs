using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen;

public sealed record StartAgentRunRequest(string? Target, bool? AutoConfirm);

public sealed record ConfirmPlanRequest(string? Prompt);

public sealed record RejectPlanRequest(string? Reason);

/// <summary>
/// The agent-run part of the admin JSON API (CONTRACT.md): list and start runs, answer their plans.
/// Seeing a project's agent runs needs read access to its repository on GitHub; starting one and
/// answering its plan need write access (the agent pushes to the repository), like re-running a run.
/// </summary>
public static class AgentRunsApi
{
    public static IEndpointRouteBuilder MapAgentRunsApi(this IEndpointRouteBuilder endpoints)
    {
        var project = ProjectAccessFilter.FromRoute("projectId");
        var projectRuns = endpoints.MapGroup("/api/projects/{projectId:int}/agent-runs").WithTags("Agent runs");
        projectRuns.MapGet("/", ListAsync).WithSummary("A project's Codegen agent runs, newest first")
            .RequireProjectAccess(AccessLevel.Read, "see this project's agent runs", project)
            .ProducesProblem(StatusCodes.Status404NotFound);
        projectRuns.MapPost("/", StartAsync).WithSummary("Start an agent run for a target; it first proposes a plan")
            .RequireProjectAccess(AccessLevel.Write, "start an agent run on this project", project)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var runs = endpoints.MapGroup("/api/agent-runs").WithTags("Agent runs");
        runs.MapGet("/{id:int}", GetAsync)
            .WithSummary("One agent run with its plan, history, pull requests and fix iterations")
            .RequireProjectAccess(AccessLevel.Read, "see this agent run", ProjectOfAgentRun)
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{id:int}/confirm", ConfirmAsync)
            .WithSummary("Confirm the plan, optionally with adjusted instructions")
            .RequireProjectAccess(AccessLevel.Write, "confirm this agent run's plan", ProjectOfAgentRun)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        runs.MapPost("/{id:int}/reject", RejectAsync).WithSummary("Reject the plan with a reason; the run ends")
            .RequireProjectAccess(AccessLevel.Write, "reject this agent run's plan", ProjectOfAgentRun)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    /// <summary>The project of the agent run named by the route's id, for the access check.</summary>
    public static async ValueTask<int?> ProjectOfAgentRun(HttpContext context) =>
        int.TryParse(context.Request.RouteValues["id"]?.ToString(), out var id)
            ? await context.RequestServices.GetRequiredService<AgentRunQueries>()
                .ProjectOfAsync(id, context.RequestAborted)
            : null;

    private static async Task<Results<Ok<IReadOnlyList<AgentRunListItem>>, ProblemHttpResult>> ListAsync(
        int projectId, ProjectLookup projects, AgentRunQueries queries, CancellationToken cancellationToken)
    {
        if (!await projects.ExistsAsync(projectId, cancellationToken))
        {
            return ProjectNotFound(projectId);
        }
        return TypedResults.Ok(
            await queries.ListAsync(projectId, null, AgentRunQueries.DefaultPageSize, cancellationToken));
    }

    private static async Task<Results<Created<AgentRunDetails>, ValidationProblem, ProblemHttpResult>> StartAsync(
        int projectId, StartAgentRunRequest? request, AgentRunService service, AgentRunQueries queries, IAuditLog audit,
        CancellationToken cancellationToken)
    {
        try
        {
            var run = await service.StartAsync(projectId, request?.Target, request?.AutoConfirm, cancellationToken);
            if (run is null)
            {
                return ProjectNotFound(projectId);
            }
            await audit.RecordAsync(AgentRunAudit.Started(run), cancellationToken);
            return TypedResults.Created($"/api/agent-runs/{run.Id}", await queries.GetAsync(run.Id, cancellationToken));
        }
        catch (Exception e) when (AgentRunErrors.Describe(e) is { } error)
        {
            if (error.Field is not null)
            {
                return Invalid(error);
            }
            return Problem(error);
        }
    }

    private static async Task<Results<Ok<AgentRunDetails>, ProblemHttpResult>> GetAsync(
        int id, AgentRunQueries queries, CancellationToken cancellationToken) =>
        await queries.GetAsync(id, cancellationToken) is { } run ? TypedResults.Ok(run) : RunNotFound(id);

    private static Task<Results<Ok<AgentRunDetails>, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        int id, ConfirmPlanRequest? request, AgentRunPlans plans, AgentRunQueries queries, IAuditLog audit,
        CancellationToken cancellationToken) =>
        AnswerAsync(id, () => plans.ConfirmAsync(id, request?.Prompt, cancellationToken), AgentRunAudit.Confirmed,
            queries, audit, cancellationToken);

    private static Task<Results<Ok<AgentRunDetails>, ValidationProblem, ProblemHttpResult>> RejectAsync(
        int id, RejectPlanRequest? request, AgentRunPlans plans, AgentRunQueries queries, IAuditLog audit,
        CancellationToken cancellationToken) =>
        AnswerAsync(id, () => plans.RejectAsync(id, request?.Reason, cancellationToken), AgentRunAudit.Rejected,
            queries, audit, cancellationToken);

    private static async Task<Results<Ok<AgentRunDetails>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        int id, Func<Task<AgentRun?>> answer, Func<AgentRun, AuditRecord> record, AgentRunQueries queries,
        IAuditLog audit, CancellationToken cancellationToken)
    {
        try
        {
            if (await answer() is not { } run)
            {
                return RunNotFound(id);
            }
            await audit.RecordAsync(record(run), cancellationToken);
            return TypedResults.Ok((await queries.GetAsync(id, cancellationToken))!);
        }
        catch (Exception e) when (AgentRunErrors.Describe(e) is { } error)
        {
            if (error.Field is not null)
            {
                return Invalid(error);
            }
            return Problem(error);
        }
    }

    /// <summary>Bad input: a validation problem naming the field at fault.</summary>
    private static ValidationProblem Invalid(AgentRunError error) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [error.Field!] = [error.Message] }, detail: error.Message);

    /// <summary>
    /// The other errors as problem details; Codegen's refusal (502) carries its reason (402 plan limit,
    /// 403 access, 422 invalid…) and the saved run's id.
    /// </summary>
    private static ProblemHttpResult Problem(AgentRunError error) => TypedResults.Problem(
        error.Message,
        statusCode: error.StatusCode,
        title: error.Title,
        extensions: error.Failure is not { } failure ? null : new Dictionary<string, object?>
        {
            ["agentRunId"] = failure.Run.Id,
            ["codegenStatus"] = failure.Upstream.StatusCode is { } status ? (int)status : null,
        });

    private static ProblemHttpResult ProjectNotFound(int projectId) =>
        TypedResults.Problem($"Project {projectId} does not exist.",
            statusCode: StatusCodes.Status404NotFound, title: "No such project");

    private static ProblemHttpResult RunNotFound(int id) =>
        TypedResults.Problem($"Agent run {id} does not exist.",
            statusCode: StatusCodes.Status404NotFound, title: "No such agent run");
}
