using System.Text.Json;
using CodegenCicd.GitHub.Installations;
using CodegenCicd.Projects;

namespace CodegenCicd.Cli;

/// <summary>
/// Why a processed delivery started no pipeline run, in the words of the delivery log, so that
/// <c>receive</c> on a repository that is not a project does not end with a bare "processed".
/// Read-only: it looks at the payload and asks the project and installation owners.
/// </summary>
internal static class NoRunExplanation
{
    private static readonly string[] StartingActions = ["opened", "synchronize", "reopened", "ready_for_review"];

    /// <summary>One sentence starting "no pipeline started: ".</summary>
    public static async Task<string> ExplainAsync(IServiceProvider services, string eventName, byte[] body,
        CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(body);
        var payload = json.RootElement;
        var action = payload.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString()
            : null;
        var starts = (eventName, action) switch
        {
            ("pull_request", { } act) when StartingActions.Contains(act) => true,
            ("check_suite", "requested" or "rerequested") => true,
            ("check_run", "rerequested") => true,
            _ => false,
        };
        if (!starts)
        {
            return $"no pipeline started: {eventName}{(action is null ? "" : "." + action)} does not start one"
                + " (pull_request opened, synchronize, reopened or ready_for_review;"
                + " check_suite requested or rerequested; check_run rerequested do)";
        }
        var repository =
            payload.TryGetProperty("repository", out var repo) && repo.TryGetProperty("full_name", out var name)
                ? name.GetString()
                : null;
        if (repository is null)
        {
            return "no pipeline started: the payload names no repository";
        }
        var project = await services.GetRequiredService<ProjectLookup>().FindByNameAsync(repository, cancellationToken);
        if (project is null || !project.IsActive)
        {
            var installation = await InstallationProblemAsync(
                services.GetRequiredService<InstallationStore>(), payload, cancellationToken);
            return $"no pipeline started: {repository} is not a project{installation}"
                + "; a repository becomes one when the App is installed on it (replay the installation event first,"
                + " e.g. receive --event installation --payload installation.created.json)";
        }
        if (!project.IsPinned)
        {
            return $"no pipeline started: {repository} is not pinned;"
                + " pin it on /Projects (Add a repository) or with POST /api/projects";
        }
        if (eventName == "pull_request" && payload.TryGetProperty("pull_request", out var pr)
            && pr.TryGetProperty("draft", out var draft) && draft.ValueKind == JsonValueKind.True)
        {
            return "no pipeline started: the pull request is a draft;"
                + " its pipeline starts when it is marked ready for review";
        }
        if (eventName != "pull_request")
        {
            return $"no pipeline started: the {eventName} names no open pull request of {repository}"
                + " (or its head already has a run)";
        }
        return $"no pipeline started: this head of {repository} already has a run";
    }

    private static async Task<string> InstallationProblemAsync(InstallationStore installations, JsonElement payload,
        CancellationToken cancellationToken)
    {
        if (!payload.TryGetProperty("installation", out var inst)
            || !inst.TryGetProperty("id", out var idElement)
            || !idElement.TryGetInt64(out var id))
        {
            return " and the payload names no installation of the App";
        }
        var installation = await installations.FindAsync(id, cancellationToken);
        return installation switch
        {
            null => $" and installation {id} is unknown here",
            { IsActive: false } => $" and installation {id} is suspended or deleted",
            _ => "",
        };
    }
}
