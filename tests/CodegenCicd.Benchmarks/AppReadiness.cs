using System.Net;
using System.Net.Sockets;

namespace CodegenCicd.Benchmarks;

/// <summary>
/// What the benchmarks that start the app as a process share: a free port, and waiting for it to answer.
/// </summary>
internal static class AppReadiness
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Polls <c>/readyz</c> for up to 60 s (the app is another process: there is nothing to await but its answer).
    /// With <paramref name="migratedIsEnough"/> a 503 counts too: the app answers, and a missing Chromium or
    /// bubblewrap does not matter to what is measured.
    /// </summary>
    public static async Task WaitAsync(HttpClient http, bool migratedIsEnough = false)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode
                    || (migratedIsEnough && response.StatusCode == HttpStatusCode.ServiceUnavailable))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The app did not answer /readyz within 60 s");
    }
}
