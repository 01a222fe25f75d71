using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Checks;

/// <summary>Small reads of a loaded page that never fail the check: links, title, closing, file names.</summary>
internal static partial class PageInspection
{
    public static async Task<IReadOnlyList<Uri>> SameOriginLinksAsync(IPage page, Uri origin)
    {
        try
        {
            var hrefs = await page.EvalOnSelectorAllAsync<string[]>("a[href]", "links => links.map(a => a.href)");
            return [.. hrefs
                .Select(h => Uri.TryCreate(h, UriKind.Absolute, out var u) ? u : null)
                .OfType<Uri>()
                .Where(u => u.Scheme is "http" or "https"
                    && Uri.Compare(u, origin, UriComponents.SchemeAndServer, UriFormat.Unescaped,
                        StringComparison.OrdinalIgnoreCase) == 0)
                .Select(u => new UriBuilder(u) { Fragment = "" }.Uri)
                .Distinct()];
        }
        catch (PlaywrightException)
        {
            return [];
        }
    }

    public static async Task<string?> TitleAsync(IPage page)
    {
        try
        {
            return PageProblems.Clip(await page.TitleAsync(), 200);
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }

    public static async Task CloseQuietlyAsync(IPage page)
    {
        try
        {
            await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = false });
        }
        catch (PlaywrightException)
        {
            // The browser went away with the page.
        }
    }

    public static string Slug(string path)
    {
        var slug = SlugChars().Replace(path.Trim('/'), "-").Trim('-');
        return slug.Length == 0 ? "root" : slug.Length > 40 ? slug[..40] : slug;
    }

    [GeneratedRegex(@"[^A-Za-z0-9_-]+")]
    private static partial Regex SlugChars();
}
