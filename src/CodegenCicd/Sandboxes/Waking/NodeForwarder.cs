using System.Net;
using CodegenCicd.Cluster;
using Yarp.ReverseProxy.Forwarder;

namespace CodegenCicd.Sandboxes.Waking;

/// <summary>
/// Sends a preview request on to the node that runs the preview, unchanged (path, query, body,
/// WebSocket upgrades), marked so the other node never forwards it again.
/// </summary>
public sealed class NodeForwarder(IHttpForwarder forwarder, ClusterNodes nodes, ILogger<NodeForwarder> logger)
    : IDisposable
{
    public const string Header = "X-CodegenCicd-Forwarded-By";

    // Nodes reach each other over the cluster's own network: no proxy, no redirects followed, no cookie jar.
    private readonly HttpMessageInvoker client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    });

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(10) };

    public static bool IsForwarded(HttpRequest request) => request.Headers.ContainsKey(Header);

    /// <summary>False when the node could not be reached before anything was answered (it is gone).</summary>
    public async Task<bool> ForwardAsync(HttpContext context, Uri node)
    {
        var error = await forwarder.SendAsync(context, node.GetLeftPart(UriPartial.Authority) + "/", client,
            RequestConfig, new MarkForwarded(nodes.Self));
        // Answered (or broke off mid-answer, or failed in a way YARP
        // already answered with a 502): nothing more to do here.
        if (error == ForwarderError.None
            || context.Response.HasStarted
            || error is not (ForwarderError.Request or ForwarderError.RequestTimedOut))
        {
            return true;
        }
        logger.LogInformation("Forwarding a preview request to {Node} failed: {Error}", node, error);
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        return false;
    }

    public void Dispose() => client.Dispose();

    private sealed class MarkForwarded(string self) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext,
            HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.TryAddWithoutValidation(Header, self);
        }
    }
}
