using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CodegenCicd.Projects;

/// <summary>
/// <c>GET /api/projects</c>'s JSON, made once for as long as what it is made of stays the same objects: the page
/// of projects (<see cref="PinnedProjectsCache"/> hands out the same list until a project is written) and each
/// project's activity (the activity cache hands out the same object until a run, stage or agent run is written).
/// Anything new is a new object, so comparing references is enough, and nothing here needs clearing.
/// Serialising 100–200 projects was most of the list's time once both were cached.
/// </summary>
public sealed class ProjectListAnswers(IOptions<HttpJsonOptions> json)
{
    public const string ContentType = "application/json; charset=utf-8";

    private const int Capacity = 64;

    private readonly ConcurrentDictionary<PinnedProjectsCache.Key, Answer> answers = new();

    public byte[] Get(
        ProjectPage page, IReadOnlyList<ProjectListItem> projects, IReadOnlyDictionary<int, ProjectActivity> activity,
        Func<ProjectListItem, ProjectActivity?, ProjectResponse> toResponse)
    {
        var key = PinnedProjectsCache.Key.Of(page);
        var madeOf = projects.Select(p => activity.GetValueOrDefault(p.Id)).ToArray();
        if (answers.TryGetValue(key, out var known) && ReferenceEquals(known.Projects, projects)
            && known.Activity.AsSpan().SequenceEqual(madeOf, ReferenceEqualityComparer.Instance))
        {
            return known.Json;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(
            projects.Select((p, i) => toResponse(p, madeOf[i])).ToList(), json.Value.SerializerOptions);
        if (answers.Count >= Capacity && !answers.ContainsKey(key))
        {
            answers.Clear();
        }
        answers[key] = new Answer(projects, madeOf, bytes);
        return bytes;
    }

    private sealed record Answer(IReadOnlyList<ProjectListItem> Projects, ProjectActivity?[] Activity, byte[] Json);
}
