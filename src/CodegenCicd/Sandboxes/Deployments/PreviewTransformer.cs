using Yarp.ReverseProxy.Forwarder;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// What the preview proxy changes on the way through. The preview runs the PR's code, so the
/// admin's cookie and bearer token are never forwarded, it may not set cookies on this app's origin,
/// and its pages are served with <c>Content-Security-Policy: sandbox</c>: they get an opaque origin
/// and cannot call this app's API with the admin's session. They never send a referrer either: the
/// capability link in their address is a credential, and the preview may link to other sites.
/// </summary>
internal sealed class PreviewTransformer(string prefix, string rest) : HttpTransformer
{
    private const string Sandbox = "sandbox allow-scripts allow-forms allow-popups allow-modals";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest,
        string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri =
            RequestUtilities.MakeDestinationAddress(destinationPrefix, "/" + rest, httpContext.Request.QueryString);
        proxyRequest.Headers.Remove("Cookie");
        proxyRequest.Headers.Remove("Authorization");
        proxyRequest.Headers.Remove("Proxy-Authorization");
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.Value);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
    }

    public override async ValueTask<bool> TransformResponseAsync(
        HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is null)
        {
            return copyBody;
        }
        var headers = httpContext.Response.Headers;
        headers.Remove("Set-Cookie");
        // An app redirecting to its own root ("/login") stays under the preview's prefix.
        if (proxyResponse.Headers.Location is { IsAbsoluteUri: false } location
            && location.OriginalString.StartsWith('/'))
        {
            headers.Location = prefix + location.OriginalString;
        }
        headers.ContentSecurityPolicy = Sandbox;
        headers["Referrer-Policy"] = "no-referrer";
        if (PreviewCors.IsFromOpaqueOrigin(httpContext.Request))
        {
            headers.AccessControlAllowOrigin = "*";
        }
        return copyBody;
    }
}
