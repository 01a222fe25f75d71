using CodegenCicd.Cloudflare.Api;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Credentials;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>
/// Deploys (or redeploys) the gateway Worker through Cloudflare's API, creating what it needs when
/// missing: the R2 bucket, the Queue and its dead-letter queue, the Worker with its bindings and
/// secret, the Queue's consumer for the mode, and the workers.dev route. Every step is idempotent, so
/// "Redeploy" is the same call. The outcome, with Cloudflare's message on failure, is kept.
/// </summary>
public sealed partial class GatewayDeployer(
    AppDbContext db, CloudflareClient cloudflare, AppCredentialsProvider credentials,
    IOptions<CloudflareOptions> options, TimeProvider time, ILogger<GatewayDeployer> logger)
{
    public async Task<GatewayDeployment> DeployAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var deployment = new GatewayDeployment
        {
            WorkerName = settings.WorkerName,
            Mode = settings.Mode,
            StartedAt = time.GetUtcNow()
        };
        db.Add(deployment);
        try
        {
            await DeployStepsAsync(settings, deployment, cancellationToken);
            deployment.Succeeded = true;
            LogDeployed(logger, settings.WorkerName, settings.Mode, deployment.WorkerUrl);
        }
        catch (Exception ex) when (ex is CloudflareApiException or CloudflareNotConfiguredException
            or InvalidOperationException or HttpRequestException)
        {
            deployment.Error = ex.Message.Length > 4000 ? ex.Message[..4000] : ex.Message;
            LogFailed(logger, settings.WorkerName, ex.Message);
        }
        deployment.CompletedAt = time.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        return deployment;
    }

    private async Task DeployStepsAsync(CloudflareOptions settings, GatewayDeployment deployment,
        CancellationToken cancellationToken)
    {
        var token = await cloudflare.VerifyTokenAsync(cancellationToken);
        if (!string.Equals(token.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The Cloudflare API token is {token.Status}, not active.");
        }
        var secret = (await credentials.GetAsync(cancellationToken))?.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException(
                "No webhook secret yet: complete /setup or set GitHub:WebhookSecret before deploying the gateway.");
        }
        if (settings.Mode == GatewayMode.Push && settings.OriginUrl is null)
        {
            throw new InvalidOperationException("Push mode forwards to Cloudflare:OriginUrl "
                + "(this app's https://…/api/github/webhooks): set it, or use pull mode.");
        }
        if (!await cloudflare.BucketExistsAsync(settings.BucketName, cancellationToken))
        {
            await cloudflare.CreateBucketAsync(settings.BucketName, cancellationToken);
        }
        var queue = await EnsureQueueAsync(settings.QueueName, cancellationToken);
        await EnsureQueueAsync(settings.DeadLetterQueueName, cancellationToken);
        deployment.QueueId = queue.QueueId;

        var metadata = new WorkerMetadata(GatewayScript.ModuleName, GatewayScript.CompatibilityDate,
        [
            WorkerBinding.R2("BODIES", settings.BucketName),
            WorkerBinding.Queue("DELIVERIES", settings.QueueName),
            WorkerBinding.PlainText("MODE", settings.Mode == GatewayMode.Pull ? "pull" : "push"),
            WorkerBinding.PlainText("ORIGIN_URL",
                settings.Mode == GatewayMode.Push ? settings.OriginUrl!.AbsoluteUri : ""),
        ], KeepBindings: ["secret_text"]);
        await cloudflare.UploadWorkerAsync(settings.WorkerName, metadata, GatewayScript.ModuleName,
            GatewayScript.Module, cancellationToken);
        await cloudflare.SetSecretAsync(settings.WorkerName, "GITHUB_WEBHOOK_SECRET", secret, cancellationToken);
        await EnsureConsumerAsync(settings, queue.QueueId, cancellationToken);

        await cloudflare.EnableWorkersDevAsync(settings.WorkerName, cancellationToken);
        var subdomain = await cloudflare.GetWorkersSubdomainAsync(cancellationToken);
        deployment.WorkerUrl = $"https://{settings.WorkerName}.{subdomain}.workers.dev/";
    }

    private async Task<CloudflareQueue> EnsureQueueAsync(string name, CancellationToken cancellationToken) =>
        await cloudflare.FindQueueAsync(name, cancellationToken)
            ?? await cloudflare.CreateQueueAsync(name, cancellationToken);

    /// <summary>
    /// A queue has either this Worker (push) or an HTTP pull consumer: the other kind is removed when
    /// the mode changes. Retries run for days (100 × up to 12 h) before the dead-letter queue takes over.
    /// </summary>
    private async Task EnsureConsumerAsync(CloudflareOptions settings, string queueId,
        CancellationToken cancellationToken)
    {
        var wanted = settings.Mode == GatewayMode.Pull ? "http_pull" : "worker";
        var consumers = await cloudflare.ListConsumersAsync(queueId, cancellationToken);
        foreach (var other in consumers.Where(c => c.Type != wanted && c.ConsumerId is not null))
        {
            await cloudflare.DeleteConsumerAsync(queueId, other.ConsumerId!, cancellationToken);
        }
        if (consumers.Any(c => c.Type == wanted))
        {
            return;
        }
        object consumer = settings.Mode == GatewayMode.Pull
            ? new { type = wanted, dead_letter_queue = settings.DeadLetterQueueName,
                settings = new { batch_size = 10, max_retries = 100, visibility_timeout_ms = 60_000 } }
            : new { type = wanted, script_name = settings.WorkerName, dead_letter_queue = settings.DeadLetterQueueName,
                settings = new { batch_size = 10, max_retries = 100, max_wait_time_ms = 1000 } };
        await cloudflare.CreateConsumerAsync(queueId, consumer, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Deployed the gateway Worker {Worker} in {Mode} mode at {Url}")]
    private static partial void LogDeployed(ILogger logger, string worker, GatewayMode mode, string? url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deploying the gateway Worker {Worker} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string worker, string error);
}
