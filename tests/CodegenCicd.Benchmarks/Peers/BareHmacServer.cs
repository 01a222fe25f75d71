using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>
/// The floor of the peers benchmark: a minimal Kestrel endpoint that reads the body through HMAC-SHA256,
/// compares it with <c>X-Hub-Signature-256</c> in constant time and answers 202, storing nothing. It runs
/// as its own process (this assembly, started with <see cref="Flag"/>), like the other two peers, so the
/// benchmark host's own allocations and threads do not share its heap or thread pool.
/// </summary>
internal static class BareHmacServer
{
    public const string Flag = "--serve-bare-hmac";

    public const string WebhookPath = "/api/github/webhooks";

    public static Process Start(int port, string secret)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(BareHmacServer).Assembly.Location, "peers", Flag]);
        start.Environment["PEERS_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PEERS_WEBHOOK_SECRET"] = secret;
        // The app is a Web SDK project, which turns server GC on; this console assembly does not by default.
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return PeerProcess.StartProcess(start);
    }

    public static async Task RunAsync()
    {
        var port = int.Parse(Environment.GetEnvironmentVariable("PEERS_PORT")!, CultureInfo.InvariantCulture);
        var secret = Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("PEERS_WEBHOOK_SECRET")!);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapPost(WebhookPath, async (HttpContext context) =>
        {
            if (!TryReadSignature(context.Request.Headers["X-Hub-Signature-256"].ToString(), out var claimed))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }
            var actual = await HMACSHA256.HashDataAsync(secret, context.Request.Body, context.RequestAborted);
            return CryptographicOperations.FixedTimeEquals(actual, claimed)
                ? Results.StatusCode(StatusCodes.Status202Accepted)
                : Results.StatusCode(StatusCodes.Status401Unauthorized);
        });
        await app.RunAsync();
    }

    /// <summary><c>sha256=</c> and 64 hex digits.</summary>
    private static bool TryReadSignature(string header, out byte[] signature)
    {
        signature = new byte[32];
        return header.Length == 71
            && header.StartsWith("sha256=", StringComparison.Ordinal)
            && Convert.FromHexString(header.AsSpan(7), signature, out _, out var written) == OperationStatus.Done
            && written == 32;
    }
}
