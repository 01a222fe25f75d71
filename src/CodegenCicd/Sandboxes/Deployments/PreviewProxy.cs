using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// <c>/preview/{owner}/{repo}/{pr}/…</c>: a stable address per PR that forwards to the preview on
/// its loopback port, WebSockets included (dev servers' hot reload, live apps). Behind the admin
/// sign-in like every page; what it strips and adds is in <see cref="PreviewTransformer"/>.
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
        endpoints.Map(RoutePrefix + "/{owner}/{repo}/{pr:int}/{**rest}", ForwardAsync);
        return endpoints;
    }

    // An open WebSocket may be quiet for a while (a dev server waiting for a change); HTTP answers are not.
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(10) };

    private static async Task ForwardAsync(string owner, string repo, int pr, string? rest, HttpContext context,
        DeploymentRegistry registry, IHttpForwarder forwarder, [FromKeyedServices(ClientKey)] HttpMessageInvoker previews, TimeProvider time, ILogger<PreviewTransformer> logger)
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
        var error = await forwarder.SendAsync(context, $"http://127.0.0.1:{deployment.Port}/", previews, RequestConfig, new PreviewTransformer(prefix, rest ?? ""));
        if (error == ForwarderError.None)
        {
            return;
        }
        var reason = context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString();
        logger.LogInformation("Preview {Repository}#{PullRequest}: {Error} ({Reason})", repository, pr, error, reason);
        if (!context.Response.HasStarted)
        {
            // YARP set 502 or 504; the admin also gets to read why.
            await Results.Problem($"The preview of {repository}#{pr} did not answer: {reason}",
                statusCode: context.Response.StatusCode, title: "Preview unreachable").ExecuteAsync(context);
        }
    }
}
