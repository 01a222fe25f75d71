using System.Globalization;
using System.Text.Json;
using CodegenCicd.GitHub.Webhooks;

namespace CodegenCicd.Cli;

/// <summary>What <c>receive</c> was asked to do, handed to <see cref="ReceiveRunner"/> inside the host.</summary>
public sealed record ReceiveRequest(string Event, string PayloadPath, string DeliveryId, TimeSpan Timeout);

/// <summary>
/// <c>receive --event NAME --payload FILE [--delivery GUID] [--timeout SECONDS]</c>, like <c>probot receive</c>:
/// starts this same app (every feature's handlers included) on a loopback port, signs the payload with
/// the configured webhook secret, posts it to the real webhook endpoint, waits for the delivery job to
/// finish and prints the outcome. Exit codes: 0 processed, 1 failed or timed out, 2 bad arguments.
/// Any other arguments (e.g. <c>--GitHub:WebhookSecret=dev</c>) configure the host as usual.
/// </summary>
public static class ReceiveCommand
{
    public const string Name = "receive";

    internal const int Processed = 0;
    internal const int Failed = 1;
    internal const int Usage = 2;

    /// <summary>The request the host's <see cref="ReceiveRunner"/> picks up (one command per process).</summary>
    internal static ReceiveRequest? Pending { get; private set; }

    /// <summary>The runner's verdict, read once the host has stopped.</summary>
    internal static int ExitCode { get; set; } = Failed;

    public static bool IsInvoked(string[] args) => args is [Name, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var (request, hostArgs, error) = Parse(args[1..]);
        if (request is null)
        {
            await Console.Error.WriteLineAsync($"receive: {error}");
            await Console.Error.WriteLineAsync(
                "usage: receive --event NAME --payload FILE [--delivery GUID] [--timeout SECONDS]");
            return Usage;
        }
        if (await CheckPayloadAsync(request.PayloadPath) is { } problem)
        {
            await Console.Error.WriteLineAsync($"receive: {problem}");
            return Usage;
        }
        Pending = request;
        // Re-enter this program's own entry point without "receive": the same composition as a normal
        // start, on a private loopback port, with the runner registered (AddReceiveCommand).
        var entryPoint = typeof(ReceiveCommand).Assembly.EntryPoint!;
        var started = await Task.Run(() =>
            entryPoint.Invoke(null, [hostArgs.Concat(["--urls", "http://127.0.0.1:0"]).ToArray()]));
        return started is 0 ? ExitCode : Failed;
    }

    internal static (ReceiveRequest? Request, List<string> HostArgs, string? Error) Parse(string[] args)
    {
        string? eventName = null, payload = null, delivery = null;
        var timeout = TimeSpan.FromMinutes(2);
        var hostArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--event" when value is not null: eventName = value; i++; break;
                case "--payload" or "-p" when value is not null: payload = value; i++; break;
                case "--delivery" when value is not null: delivery = value; i++; break;
                case "--timeout" when int.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    timeout = TimeSpan.FromSeconds(seconds); i++; break;
                case "--event" or "--payload" or "-p" or "--delivery" or "--timeout":
                    return (null, hostArgs, $"{args[i]} needs a value");
                default: hostArgs.Add(args[i]); break;
            }
        }
        if (eventName is null || payload is null)
        {
            return (null, hostArgs, "--event and --payload are required");
        }
        if (!KnownWebhookEvents.Names.Contains(eventName))
        {
            return (null, hostArgs, $"unknown event '{eventName}'"
                + " (GitHub's names look like pull_request, check_run, installation_repositories)");
        }
        var payloadPath = ResolveFromCaller(payload, Environment.CurrentDirectory,
            Environment.GetEnvironmentVariable("PWD"));
        return (new ReceiveRequest(eventName, payloadPath, delivery ?? Guid.NewGuid().ToString(), timeout),
            hostArgs, null);
    }

    /// <summary>
    /// A relative path as the caller meant it. <c>dotnet run --project src/CodegenCicd</c> starts the app
    /// in the project's folder, not the caller's, but the shell's <c>PWD</c> is inherited: a path typed
    /// at the repository root is found there. Otherwise (or when only it exists) the process's own
    /// directory, which is the caller's when the app is started directly.
    /// </summary>
    internal static string ResolveFromCaller(string path, string currentDirectory, string? shellDirectory)
    {
        if (Path.IsPathFullyQualified(path))
        {
            return Path.GetFullPath(path);
        }
        var fromProcess = Path.GetFullPath(path, currentDirectory);
        if (string.IsNullOrEmpty(shellDirectory) || !Path.IsPathFullyQualified(shellDirectory)
            || !Directory.Exists(shellDirectory))
        {
            return fromProcess;
        }
        var fromShell = Path.GetFullPath(path, shellDirectory);
        return File.Exists(fromShell) || !File.Exists(fromProcess) ? fromShell : fromProcess;
    }

    private static async Task<string?> CheckPayloadAsync(string path)
    {
        if (!File.Exists(path))
        {
            return $"payload file '{path}' does not exist";
        }
        if (new FileInfo(path).Length > WebhookEndpoint.MaxBodyBytes)
        {
            return $"payload file '{path}' is over 25 MiB; GitHub never sends such payloads";
        }
        try
        {
            await using var stream = File.OpenRead(path);
            using var json = await JsonDocument.ParseAsync(stream);
            return json.RootElement.ValueKind == JsonValueKind.Object
                ? null
                : $"payload file '{path}' is JSON but not an object";
        }
        catch (JsonException ex)
        {
            return $"payload file '{path}' is not valid JSON: {ex.Message}";
        }
    }
}
