using System.Net.Http.Headers;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Cli;

/// <summary>
/// Runs inside the host started by <see cref="ReceiveCommand"/>: once the server listens, signs the payload,
/// posts it to the webhook endpoint like GitHub, follows the delivery to its outcome, prints it and stops.
/// </summary>
internal sealed class ReceiveRunner(
    ReceiveRequest request, IServer server, IHostApplicationLifetime lifetime, AppCredentialsProvider credentials,
    IServiceScopeFactory scopes, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WaitForStartAsync(stoppingToken);
        try
        {
            ReceiveCommand.ExitCode = await RunAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"receive: {ex.Message}");
            ReceiveCommand.ExitCode = ReceiveCommand.Failed;
        }
        lifetime.StopApplication();
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var secret = (await credentials.GetAsync(cancellationToken))?.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            await Console.Error.WriteLineAsync(
                "receive: no webhook secret is configured;"
                + " set GitHub:WebhookSecret (e.g. GitHub__WebhookSecret=dev) or complete /setup first");
            return ReceiveCommand.Usage;
        }
        var body = await File.ReadAllBytesAsync(request.PayloadPath, cancellationToken);
        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoint.Path) { Content = content };
        message.Headers.Add("X-GitHub-Event", request.Event);
        message.Headers.Add("X-GitHub-Delivery", request.DeliveryId);
        message.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(body, secret));
        message.Headers.UserAgent.ParseAdd("CodegenCICD-receive");
        using var response = await http.SendAsync(message, cancellationToken);
        Console.WriteLine($"Delivery {request.DeliveryId} ({request.Event}): {(int)response.StatusCode} "
            + $"{await response.Content.ReadAsStringAsync(cancellationToken)}");
        if (!response.IsSuccessStatusCode)
        {
            return ReceiveCommand.Failed;
        }
        var deadline = time.GetUtcNow() + request.Timeout;
        var outcome = await WaitForOutcomeAsync(deadline, cancellationToken);
        if (outcome is null)
        {
            await Console.Error.WriteLineAsync($"receive: delivery {request.DeliveryId} was not processed"
                + $" within {request.Timeout.TotalSeconds:F0} s");
            return ReceiveCommand.Failed;
        }
        Console.WriteLine($"Delivery {request.DeliveryId} {outcome.Status.ToString().ToLowerInvariant()}"
            + $" after {outcome.Attempts} attempt(s)"
            + $" in {outcome.ProcessingMilliseconds} ms{(outcome.Error is null ? "" : ": " + outcome.Error)}");
        if (outcome.Status != DeliveryStatus.Processed)
        {
            return ReceiveCommand.Failed;
        }
        var runs = await ReceivedRuns.WaitAsync(scopes, request.DeliveryId, deadline, time, cancellationToken);
        if (runs is null)
        {
            await Console.Error.WriteLineAsync($"receive: the pipeline run of delivery {request.DeliveryId}"
                + $" did not finish within {request.Timeout.TotalSeconds:F0} s");
            return ReceiveCommand.Failed;
        }
        foreach (var run in runs)
        {
            Console.WriteLine(ReceivedRuns.Describe(run));
        }
        if (runs.Count == 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            Console.WriteLine(await NoRunExplanation.ExplainAsync(
                scope.ServiceProvider, request.Event, body, cancellationToken));
        }
        return ReceiveCommand.Processed;
    }

    private async Task<WebhookDelivery?> WaitForOutcomeAsync(DateTimeOffset deadline,
        CancellationToken cancellationToken)
    {
        while (time.GetUtcNow() < deadline)
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var delivery = await scope.ServiceProvider.GetRequiredService<DeliveryQueries>()
                    .FindAsync(request.DeliveryId, cancellationToken);
                if (delivery is { Status: DeliveryStatus.Processed or DeliveryStatus.Failed })
                {
                    return delivery;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
        return null;
    }

    private Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(started.SetResult);
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }
}

public static class ReceiveCommandRegistration
{
    /// <summary>Registers the runner only in a host started by the <c>receive</c> command.</summary>
    public static IServiceCollection AddReceiveCommand(this IServiceCollection services)
    {
        if (ReceiveCommand.Pending is { } request)
        {
            services.AddSingleton(request);
            services.AddHostedService<ReceiveRunner>();
        }
        return services;
    }
}
