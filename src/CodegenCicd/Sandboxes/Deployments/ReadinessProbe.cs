namespace CodegenCicd.Sandboxes.Deployments;

public sealed record Readiness(bool TimedOut, string? Error);

/// <summary>Polls a preview's ready_path until it answers 2xx/3xx, its process exits, or time runs out.</summary>
public sealed class ReadinessProbe(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "sandbox-previews";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public async Task<Readiness> WaitAsync(
        Uri url, ISandboxProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(ClientName);
        var deadline = time.GetUtcNow() + timeout;
        string last = "no answer yet";
        while (time.GetUtcNow() < deadline)
        {
            if (process.HasExited)
            {
                return new(false,
                    $"the start command exited with code {await process.Exited} before {url.AbsolutePath} answered");
            }
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 400)
                {
                    return new(false, null);
                }
                last = $"HTTP {status}";
            }
            catch (Exception ex)
                when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex.Message;
            }
            // Whichever comes first: the next poll, or the process exiting.
            await Task.WhenAny(Task.Delay(Interval, time, cancellationToken), process.Exited);
        }
        return new(true, $"{url.AbsolutePath} did not answer 2xx/3xx within {timeout.TotalSeconds:0} s (last: {last})");
    }
}
