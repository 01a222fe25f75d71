using CodegenCicd.Sandboxes.Deployments;

namespace CodegenCicd.Sandboxes.Waking;

internal static class PreviewRedirect
{
    /// <summary>
    /// The stable link's answer: on to the capability link, under which the preview's own requests
    /// need no cookie. Not cached: the next head gets another token.
    /// </summary>
    public static void ToCapability(HttpContext context, string token, string? rest)
    {
        var location = new PathString($"{PreviewCapability.PrefixOf(token)}/{rest}").ToUriComponent()
            + context.Request.QueryString;
        context.Response.Headers.CacheControl = "no-store";
        var method = context.Request.Method;
        context.Response.Redirect(location, permanent: false,
            preserveMethod: !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method));
    }
}
