using System.Diagnostics;
using System.Net;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>Waiting for an app started as a real process: until its /healthz answers, it exits, or time runs out.</summary>
public static class ProcessHealth
{
    /// <summary>True once <paramref name="healthz"/> answers 200; false when the process ended or <paramref name="within"/> passed.</summary>
    public static async Task<bool> WaitAsync(Process process, Uri healthz, TimeSpan within)
    {
        using var http = new HttpClient();
        var answered = false;
        try
        {
            await Poll.UntilAsync(async () => process.HasExited || (answered = await AnswersAsync(http, healthz)),
                within, $"{healthz} to answer", TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException)
        {
            return false;
        }
        return answered;
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri healthz)
    {
        try
        {
            using var response = await http.GetAsync(healthz);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }
}
