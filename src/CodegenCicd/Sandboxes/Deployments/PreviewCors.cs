namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// The sandbox CSP gives a preview's pages an opaque origin, so Chromium treats their <c>fetch</c>es
/// and module scripts to the preview's own URLs as cross-origin (sent with <c>Origin: null</c>) and
/// lets the page read the answer only if CORS allows it. Allowing any origin is safe here: requests
/// under the capability link carry no credentials (cookies and Authorization are stripped, the
/// preview cannot set cookies), so a reader learns nothing the token does not already give.
/// </summary>
internal static class PreviewCors
{
    /// <summary>What a sandboxed page sends as its origin.</summary>
    public const string OpaqueOrigin = "null";

    public static bool IsFromOpaqueOrigin(HttpRequest request) => request.Headers.Origin == OpaqueOrigin;

    public static bool IsPreflightFromPreview(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && IsFromOpaqueOrigin(request)
        && request.Headers.AccessControlRequestMethod.Count > 0;

    /// <summary>
    /// Answered here rather than by the app: few apps serve OPTIONS, and their own CORS rules are
    /// written for their own origin, never for an opaque one.
    /// </summary>
    public static void AnswerPreflight(HttpContext context)
    {
        var request = context.Request.Headers;
        var response = context.Response.Headers;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        response.AccessControlAllowOrigin = "*";
        response.AccessControlAllowMethods = request.AccessControlRequestMethod;
        if (request.AccessControlRequestHeaders.Count > 0)
        {
            response.AccessControlAllowHeaders = request.AccessControlRequestHeaders;
        }
        response.AccessControlMaxAge = "600";
        response["Referrer-Policy"] = "no-referrer";
    }
}
