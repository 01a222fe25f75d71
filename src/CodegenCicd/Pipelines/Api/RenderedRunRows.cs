using CodegenCicd.Hosting.Rendering;
using CodegenCicd.Pipelines.Runs;
using Microsoft.AspNetCore.Html;

namespace CodegenCicd.Pipelines.Api;

/// <summary>
/// The runs page's rows as HTML, each rendered once per reading of its run. <see cref="RunsPages"/> hands out the
/// same <see cref="PipelineRun"/> objects until a write to runs or stages clears the page (or it ages out), and
/// nothing changes them meanwhile, so the object is the key (<see cref="RenderedOnce{TKey}"/>), as the dashboard's
/// cards are keyed by their activity. Rendering 100 row partials was most of <c>GET /Runs</c>'s time under the admin
/// benchmark (docs/development.md).
/// </summary>
public sealed class RenderedRunRows
{
    private readonly RenderedOnce<PipelineRun> byRun = new();

    /// <param name="render">Renders the row (its partial view); nothing in it may depend on who asks.</param>
    public Task<IHtmlContent> GetAsync(PipelineRun run, Func<Task<IHtmlContent>> render) =>
        byRun.GetAsync(run, madeOf: null, render);
}
