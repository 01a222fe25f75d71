using CodegenCicd.Cloudflare.Api;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>
/// Where the gateway is: <c>Cloudflare:WorkerUrl</c> when set, else the URL of the last successful
/// deploy from the Gateway page; the Queue's id from that deploy, else looked up by name.
/// </summary>
public sealed class GatewayLocator(AppDbContext db, CloudflareClient cloudflare, IOptions<CloudflareOptions> options)
{
    public Task<GatewayDeployment?> LastDeploymentAsync(CancellationToken cancellationToken) =>
        db.Set<GatewayDeployment>().AsNoTracking().OrderByDescending(d => d.Id).FirstOrDefaultAsync(cancellationToken);

    private Task<GatewayDeployment?> LastSuccessAsync(CancellationToken cancellationToken) =>
        db.Set<GatewayDeployment>().AsNoTracking()
            .Where(d => d.Succeeded)
            .OrderByDescending(d => d.Id)
            .FirstOrDefaultAsync(cancellationToken);

    public async Task<Uri?> WorkerUrlAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WorkerUrl is { } configured)
        {
            return WithSlash(configured);
        }
        return await LastSuccessAsync(cancellationToken) is { WorkerUrl: { } url } ? WithSlash(new Uri(url)) : null;
    }

    public async Task<string> QueueIdAsync(CancellationToken cancellationToken)
    {
        if (await LastSuccessAsync(cancellationToken) is { QueueId: { } id })
        {
            return id;
        }
        var queue = await cloudflare.FindQueueAsync(options.Value.QueueName, cancellationToken)
            ?? throw new InvalidOperationException(
                $"Cloudflare has no queue named {options.Value.QueueName}: deploy the gateway first.");
        return queue.QueueId;
    }

    private static Uri WithSlash(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}
