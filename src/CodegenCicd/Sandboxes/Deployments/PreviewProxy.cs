using Microsoft.AspNetCore.Http.Features;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// <c>/preview/{owner}/{repo}/{pr}/…</c>: a stable address per PR that forwards to the preview on
/// its loopback port. Behind the admin sign-in like every page. The preview runs the PR's code, so
/// the admin's cookie and bearer token are never forwarded, and its pages are served with
/// <c>Content-Security-Policy: sandbox</c>: they get an opaque origin and cannot call this app's API
/// with the admin's session.
/// </summary>
internal static class PreviewProxy
{
    public const string RoutePrefix = "/preview";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Cookie", "Authorization", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Content-Type",
    };

    private static readonly HashSet<string> NotReturned = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Trailer", "Upgrade", "Proxy-Authenticate", "Set-Cookie",
        "Content-Security-Policy",
    };

    public static IEndpointRouteBuilder MapPreviewProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(RoutePrefix + "/{owner}/{repo}/{pr:int}/{**rest}", ForwardAsync);
        return endpoints;
    }

    private static async Task ForwardAsync(string owner, string repo, int pr, string? rest, HttpContext context,
        DeploymentRegistry registry, IHttpClientFactory clients, TimeProvider time)
    {
        var prefix = $"{RoutePrefix}/{owner}/{repo}/{pr}";
        if (string.IsNullOrEmpty(rest) && !context.Request.Path.Value!.EndsWith('/'))
        {
            // Relative links in the app's pages resolve against the folder, so the root needs its slash.
            context.Response.Redirect($"{prefix}/{context.Request.QueryString}");
            return;
        }
        var repository = $"{owner}/{repo}";
        if (registry.Find(repository, pr) is not { } deployment)
        {
            await Results.Problem($"No preview is running for {repository}#{pr}.", statusCode: 404, title: "No preview").ExecuteAsync(context);
            return;
        }
        deployment.MarkUsed(time.GetUtcNow());
        var target = new Uri($"http://127.0.0.1:{deployment.Port}/{rest}{context.Request.QueryString}");
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (!NotForwarded.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", context.Request.Host.Value);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Request.Scheme);

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ReadinessProbe.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            await Results.Problem($"The preview of {repository}#{pr} did not answer: {ex.Message}", statusCode: 502, title: "Preview unreachable").ExecuteAsync(context);
            return;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!NotReturned.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }
            // An app redirecting to its own root ("/login") stays under the preview's prefix.
            if (response.Headers.Location is { IsAbsoluteUri: false } location && location.OriginalString.StartsWith('/'))
            {
                context.Response.Headers.Location = prefix + location.OriginalString;
            }
            context.Response.Headers.ContentSecurityPolicy = "sandbox allow-scripts allow-forms allow-popups allow-modals";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
