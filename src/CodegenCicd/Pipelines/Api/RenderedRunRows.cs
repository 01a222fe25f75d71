using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using CodegenCicd.Pipelines.Runs;
using Microsoft.AspNetCore.Html;

namespace CodegenCicd.Pipelines.Api;

/// <summary>
/// The runs page's rows as HTML, each rendered once per reading of its run. <see cref="RunsPages"/> hands out the
/// same <see cref="PipelineRun"/> objects until a write to runs or stages clears the page (or it ages out), and
/// nothing changes them meanwhile, so the object is the key: a new reading renders the row again, and a row is
/// forgotten with the run it was made of. The dashboard's cards are kept the same way (Dashboard/RenderedCards.cs).
/// Rendering 100 row partials was most of <c>GET /Runs</c>'s time under the admin benchmark (docs/development.md).
/// </summary>
public sealed class RenderedRunRows
{
    private readonly ConditionalWeakTable<PipelineRun, HtmlString> byRun = [];

    /// <param name="render">Renders the row (its partial view); nothing in it may depend on who asks.</param>
    public async Task<IHtmlContent> GetAsync(PipelineRun run, Func<Task<IHtmlContent>> render)
    {
        if (byRun.TryGetValue(run, out var kept))
        {
            return kept;
        }
        using var writer = new StringWriter();
        (await render()).WriteTo(writer, HtmlEncoder.Default);
        var html = new HtmlString(writer.ToString());
        byRun.AddOrUpdate(run, html);
        return html;
    }
}
