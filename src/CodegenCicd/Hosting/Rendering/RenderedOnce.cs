using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace CodegenCicd.Hosting.Rendering;

/// <summary>
/// A partial view's HTML, rendered once per key object and kept while that object lives. For lists whose cache
/// hands out the same objects until a write clears it (Dashboard/RenderedCards.cs, Pipelines/Api/RenderedRunRows.cs):
/// a new reading is a new object, so it renders again, and the HTML is forgotten with the object it was made of.
/// </summary>
public sealed class RenderedOnce<TKey>
    where TKey : class
{
    private readonly ConditionalWeakTable<TKey, Rendered> byKey = [];

    /// <param name="madeOf">
    /// Anything else the HTML shows, compared by <see cref="object.Equals(object?)"/>: a change renders it again.
    /// </param>
    /// <param name="render">Renders the HTML; nothing in it may depend on who asks.</param>
    public async Task<IHtmlContent> GetAsync(TKey key, object? madeOf, Func<Task<IHtmlContent>> render)
    {
        if (byKey.TryGetValue(key, out var kept) && Equals(kept.MadeOf, madeOf))
        {
            return kept.Html;
        }
        using var writer = new StringWriter();
        (await render()).WriteTo(writer, HtmlEncoder.Default);
        var html = new HtmlString(writer.ToString());
        byKey.AddOrUpdate(key, new Rendered(madeOf, html));
        return html;
    }

    private sealed record Rendered(object? MadeOf, HtmlString Html);
}
