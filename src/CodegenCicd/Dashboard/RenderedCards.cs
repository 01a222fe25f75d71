using CodegenCicd.Hosting.Rendering;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Html;

namespace CodegenCicd.Dashboard;

/// <summary>
/// The dashboard's project cards as HTML, each rendered once per reading of its project's activity. A card is
/// made only of the project and its activity, and <see cref="ProjectActivityCache"/> hands out the same activity
/// object until anything in it may have changed, so that object is the key (<see cref="RenderedOnce{TKey}"/>): a new
/// reading renders the card again, and a card is forgotten with the activity it was made of. Rendering 200 card
/// partials was most of the page's time (docs/development.md).
/// </summary>
public sealed class RenderedCards
{
    private readonly RenderedOnce<ProjectActivity> byActivity = new();

    /// <param name="render">Renders the card (its partial view); nothing in it may depend on who asks.</param>
    public async Task<IHtmlContent> GetAsync(
        ProjectListItem project, ProjectActivity activity, Func<Task<IHtmlContent>> render) =>
        // ProjectActivity.None is one object shared by every project without activity: not a key.
        ReferenceEquals(activity, ProjectActivity.None)
            ? await render()
            : await byActivity.GetAsync(activity, project, render);
}
