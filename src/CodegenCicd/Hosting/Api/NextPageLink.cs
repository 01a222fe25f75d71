using Microsoft.AspNetCore.WebUtilities;

namespace CodegenCicd.Hosting.Api;

/// <summary>
/// Paged lists keep their JSON shape (an array) and point at the next page the way GitHub's API does:
/// a <c>Link: &lt;…&gt;; rel="next"</c> header, present only while a page came back full.
/// </summary>
public static class NextPageLink
{
    public const string LimitProblem = "limit must be between 1 and {0}.";

    /// <summary>
    /// Adds the link: this request's path and query with the cursor parameter set to <paramref name="cursor"/>.
    /// </summary>
    public static void Add(HttpContext context, string cursorName, string cursor)
    {
        var query = QueryHelpers.ParseQuery(context.Request.QueryString.Value)
            .Where(p => !string.Equals(p.Key, cursorName, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new(cursorName, cursor));
        var url = $"{context.Request.PathBase}{context.Request.Path}{QueryString.Create(query)}";
        context.Response.Headers.Append("Link", $"<{url}>; rel=\"next\"");
    }

    /// <summary>The page size asked for, or the default; null when it is out of range.</summary>
    public static int? Limit(int? asked, int fallback, int max) => asked switch
    {
        null => fallback,
        < 1 => null,
        var n when n > max => null,
        var n => n,
    };
}
