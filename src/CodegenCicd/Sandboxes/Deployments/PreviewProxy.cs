using System.Net;
using CodegenCicd.Sandboxes.Waking;
using Yarp.ReverseProxy.Forwarder;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Two addresses per preview. <c>/preview/{owner}/{repo}/{pr}/…</c> is the stable one the PR comment,
/// run page and project cards link to: behind the admin sign-in like every page, it redirects to the
/// running deployment's capability link. <c>/p/{token}/…</c> (see <see cref="PreviewCapability"/>)
/// needs no sign-in and forwards to the preview on its loopback port, WebSockets included (dev
/// servers' hot reload, live apps); what it strips and adds is in <see cref="PreviewTransformer"/>.
/// The forwarding itself is YARP's: streaming both ways, hop-by-hop headers, upgrades, errors.
/// </summary>
internal static class PreviewProxy
{
    public const string RoutePrefix = "/preview";

    private const string ClientKey = "previews";

    /// <summary>One connection pool to every preview: loopback only, nothing a browser would add.</summary>
    public static IServiceCollection AddPreviewProxy(this IServiceCollection services)
    {
        services.AddHttpForwarder();
        // A factory, so the container disposes the handler (and its pooled connections) with the host.
        services.AddKeyedSingleton(ClientKey, (_, _) => new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapPreviewProxy(this IEndpointRouteBuilder endpoints)
    {
        // Who may follow the stable link is Previews:Access's to say (PreviewLinkAccess), not the admin-only fallback.
        endpoints.Map(RoutePrefix + "/{owner}/{repo}/{pr:int}/{**rest}", RedirectToCapabilityAsync).AllowAnonymous();
        // The token in the path is the authorisation: the sandboxed preview's requests carry no cookie.
        endpoints.Map(PreviewCapability.RoutePrefix + "/{token}/{**rest}", ForwardAsync).AllowAnonymous();
        return endpoints;
    }

    // An open WebSocket may be quiet for a while (a dev server waiting for a change); HTTP answers are not.
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(10) };

    /// <summary>
    /// The admin's browser arrives here by a top-level navigation, which carries the Lax cookie, and
    /// leaves for the capability link, under which the page's own requests need none.
    /// </summary>
    private static async Task RedirectToCapabilityAsync(string owner, string repo, int pr, string? rest,
        HttpContext context, DeploymentRegistry registry, SleepingPreviews sleeping)
    {
        var repository = $"{owner}/{repo}";
        if (!await CodegenCicd.Accounts.PreviewLinkAccess.AllowAsync(context, repository))
        {
            return;
        }
        if (registry.Find(repository, pr) is { } deployment && !deployment.Process.HasExited)
        {
            PreviewRedirect.ToCapability(context, deployment.PreviewToken, rest);
            return;
        }
        // Running on another node, asleep (woken now), or gone with its PR: each says so.
        if (!await sleeping.AnswerStableAsync(repository, pr, rest, context))
        {
            await Results.Problem($"No preview is running for {repository}#{pr}.", statusCode: 404, title: "No preview")
                .ExecuteAsync(context);
        }
    }

    private static async Task ForwardAsync(string token, string? rest, HttpContext context,
        DeploymentRegistry registry, SleepingPreviews sleeping, IHttpForwarder forwarder,
        [FromKeyedServices(ClientKey)] HttpMessageInvoker previews, TimeProvider time,
        ILogger<PreviewTransformer> logger)
    {
        if (registry.FindByToken(token) is not { } deployment || deployment.Process.HasExited)
        {
            // On another node, asleep, or replaced or closed (said so: the holder of the link saw that PR's preview).
            // Never issued reads the same as before: the answer says nothing about the token.
            if (!await sleeping.AnswerTokenAsync(token, context))
            {
                await Results.Problem("No preview is running at this address.", statusCode: 404, title: "No preview")
                    .ExecuteAsync(context);
            }
            return;
        }
        var prefix = PreviewCapability.PrefixOf(token);
        if (string.IsNullOrEmpty(rest) && !context.Request.Path.Value!.EndsWith('/'))
        {
            // Relative links in the app's pages resolve against the folder, so the root needs its slash.
            context.Response.Redirect($"{prefix}/{context.Request.QueryString}");
            return;
        }
        deployment.MarkUsed(time.GetUtcNow());
        if (PreviewCors.IsPreflightFromPreview(context.Request))
        {
            PreviewCors.AnswerPreflight(context);
            return;
        }
        var error = await forwarder.SendAsync(context, $"http://127.0.0.1:{deployment.Port}/", previews, RequestConfig,
            new PreviewTransformer(prefix, rest ?? ""));
        if (error == ForwarderError.None)
        {
            return;
        }
        var repository = deployment.Repository;
        var pr = deployment.PullRequest;
        var reason = context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString();
        logger.LogInformation("Preview {Repository}#{PullRequest}: {Error} ({Reason})", repository, pr, error, reason);
        if (!context.Response.HasStarted)
        {
            // YARP set 502 or 504; whoever looks at the preview also gets to read why.
            await Results.Problem($"The preview of {repository}#{pr} did not answer: {reason}",
                statusCode: context.Response.StatusCode, title: "Preview unreachable").ExecuteAsync(context);
        }
    }
}
