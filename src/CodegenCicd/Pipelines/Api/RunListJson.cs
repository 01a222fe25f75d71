using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CodegenCicd.Pipelines.Runs;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CodegenCicd.Pipelines.Api;

/// <summary>
/// A list of runs as the API answers it: the same JSON as <c>TypedResults.Ok(runs)</c> (the app's JSON options),
/// made as bytes so <see cref="RunsPage"/> can keep it for the next request.
/// </summary>
public sealed class RunListJson(IOptions<PipelineOptions> pipeline, IOptions<HttpJsonOptions> json)
{
    public const string ContentType = "application/json; charset=utf-8";

    private readonly JsonTypeInfo<List<RunDto>> typeInfo =
        (JsonTypeInfo<List<RunDto>>)json.Value.SerializerOptions.GetTypeInfo(typeof(List<RunDto>));

    public byte[] Serialize(IReadOnlyList<PipelineRun> runs) => JsonSerializer.SerializeToUtf8Bytes(
        [.. runs.Select(r => r.ToDto(pipeline.Value, withLogs: false))], typeInfo);
}
