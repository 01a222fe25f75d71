using System.Text.Json;
using System.Threading.Channels;
using CodegenCicd.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CodegenCicd.Notifications;

/// <summary>
/// Carries live events between the nodes sharing a PostgreSQL database: each event published here
/// is sent with <c>pg_notify</c> on one channel, and every node <c>LISTEN</c>s on it and hands the
/// others' events to its own subscribers. Payloads are small by design (the event type and the ids
/// and statuses the pages use to reload what changed); NOTIFY caps them below 8000 bytes, so a larger
/// one travels as its type only. Delivery is best effort, like the in-process stream: a page that
/// reconnects reloads its state.
/// </summary>
internal sealed class PostgresLiveEventRelay(
    LiveEvents live, IOptions<DatabaseOptions> database, ILogger<PostgresLiveEventRelay> logger) : BackgroundService
{
    public const string ChannelName = "codegencicd_events";

    private const int MaxPayloadBytes = 7900;

    // Tells this node's own notifications (which PostgreSQL delivers back to the sender) from the others'.
    private readonly string origin = Guid.NewGuid().ToString("N");

    private readonly Channel<LiveEvent> outgoing = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(1024)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        live.Relay = item => outgoing.Writer.TryWrite(item);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(KeepGoingAsync(ListenAsync, stoppingToken), KeepGoingAsync(SendAsync, stoppingToken));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        live.Relay = null;
        await base.StopAsync(cancellationToken);
    }

    /// <summary>A lost connection (a database restart, a failover) is opened again after a pause.</summary>
    private async Task KeepGoingAsync(Func<CancellationToken, Task> loop, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await loop(stoppingToken);
            }
            catch (Exception e)
                when (e is NpgsqlException or InvalidOperationException or System.IO.IOException or TimeoutException)
            {
                logger.LogWarning("Live events between nodes interrupted: {Reason}; retrying", e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, notification) => Receive(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
        await connection.OpenAsync(stoppingToken);
        await foreach (var item in outgoing.Reader.ReadAllAsync(stoppingToken))
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", ChannelName);
            notify.Parameters.AddWithValue("payload", Encode(item));
            await notify.ExecuteNonQueryAsync(stoppingToken);
        }
    }

    private string Encode(LiveEvent item)
    {
        var payload = JsonSerializer.Serialize(Wrap(item, item.Data), JsonSerializerOptions.Web);
        return System.Text.Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes
            ? payload
            : JsonSerializer.Serialize(Wrap(item, null), JsonSerializerOptions.Web);
    }

    /// <summary>The audience travels with the event, so every node's stream filters it alike.</summary>
    private Envelope Wrap(LiveEvent item, object? data) =>
        new(origin, item.Type, data, item.At, item.Audience.ProjectId, item.Audience.Repository);

    private void Receive(string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<IncomingEnvelope>(payload, JsonSerializerOptions.Web);
            if (envelope is null || envelope.Origin == origin || string.IsNullOrEmpty(envelope.Type))
            {
                return;
            }
            // An envelope that names no project or repository (an older node's) reaches app-wide admins only.
            var audience = new LiveEventAudience(envelope.ProjectId, envelope.Repository);
            live.Deliver(new LiveEvent(envelope.Type, envelope.Data, envelope.At, audience));
        }
        catch (JsonException e)
        {
            logger.LogWarning("Ignored a malformed live event from another node: {Reason}", e.Message);
        }
    }

    private sealed record Envelope(
        string Origin, string Type, object? Data, DateTimeOffset At, int? ProjectId, string? Repository);

    private sealed record IncomingEnvelope(
        string Origin, string Type, JsonElement Data, DateTimeOffset At, int? ProjectId, string? Repository);
}
