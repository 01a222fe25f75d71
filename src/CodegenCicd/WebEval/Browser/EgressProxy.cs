using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CodegenCicd.WebEval.Browser;

/// <summary>
/// The only way out of one evaluation's browser context (Chromium sends every request of the
/// context here, loopback included): an HTTP proxy that lets through the preview's own origin and
/// public addresses, and refuses loopback, link-local and private ones. Playwright's request
/// routing cannot do this alone: it never sees redirect hops, and a hostname can resolve to
/// 127.0.0.1. Here each connection is checked where it is made, after DNS, and goes to the
/// address that was checked (no second lookup to rebind).
/// </summary>
internal sealed partial class EgressProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private const string NotResolved = "a name that does not resolve";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string allowed;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, string> blocked = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> unreachable = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Task, byte> connections = new();
    private readonly Task accepting;

    /// <param name="preview">Its scheme, host and port are the one private origin allowed.</param>
    public EgressProxy(Uri? preview)
    {
        allowed = preview is null ? "" : Authority(preview.Host, preview.Port);
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Why requests to <paramref name="url"/>'s host and port were refused, or null when none were.</summary>
    public string? BlockedReason(Uri url) =>
        url.IsAbsoluteUri && blocked.TryGetValue(Authority(url.Host, url.Port), out var reason) ? reason : null;

    /// <summary>
    /// Chromium's own name for why the proxy could not reach <paramref name="url"/>'s host
    /// (<c>net::ERR_CONNECTION_REFUSED</c>…): through a proxy Chromium itself only sees an empty answer.
    /// </summary>
    public string? ConnectFailure(Uri url) =>
        url.IsAbsoluteUri && unreachable.TryGetValue(Authority(url.Host, url.Port), out var failure) ? failure : null;

    /// <summary>
    /// Host and port as both a URL and a CONNECT line spell them: <c>[::1]:80</c>, <c>example.com:443</c>.
    /// </summary>
    internal static string Authority(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host)
            .ToLowerInvariant() + ":" + port;

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var connection = ServeAsync(client);
            connections[connection] = 0;
            _ = connection.ContinueWith(t => connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var downstream = client.GetStream();
        try
        {
            var (head, rest) = await ReadHeadAsync(downstream, stopping.Token);
            if (head is null || ProxyRequest.Parse(head) is not { } request)
            {
                await RefuseAsync(downstream, 400, "not a proxy request");
                return;
            }
            var authority = Authority(request.Host, request.Port);
            var (endpoint, refusal) = await DecideAsync(request.Host, request.Port, authority == allowed,
                stopping.Token);
            if (refusal == NotResolved)
            {
                unreachable[authority] = "net::ERR_NAME_NOT_RESOLVED";
                return;
            }
            if (endpoint is null)
            {
                blocked[authority] = refusal!;
                await RefuseAsync(downstream, 403, $"blocked by CodegenCICD: {request.Host} is {refusal}");
                return;
            }
            using var upstream = new TcpClient(endpoint.AddressFamily);
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
            {
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    await upstream.ConnectAsync(endpoint, timeout.Token);
                    unreachable.TryRemove(authority, out string? _);
                }
                catch (Exception ex)
                    when (ex is SocketException or OperationCanceledException && !stopping.IsCancellationRequested)
                {
                    unreachable[authority] = ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
                        ? "net::ERR_CONNECTION_REFUSED" : "net::ERR_CONNECTION_TIMED_OUT";
                    return;
                }
            }
            var upstreamStream = upstream.GetStream();
            if (request.IsConnect)
            {
                await downstream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), stopping.Token);
            }
            else
            {
                await upstreamStream.WriteAsync(Encoding.Latin1.GetBytes(request.OriginFormHead), stopping.Token);
            }
            await upstreamStream.WriteAsync(rest, stopping.Token);
            // Whichever side ends first ends the exchange (plain HTTP asks for Connection: close).
            await Task.WhenAny(downstream.CopyToAsync(upstreamStream, stopping.Token),
                upstreamStream.CopyToAsync(downstream, stopping.Token));
        }
        catch (Exception ex)
            when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The browser or the server hung up; Chromium reports the failed request itself.
        }
    }

    /// <summary>The address to connect to, or why none is allowed. The preview's own origin may be private.</summary>
    private static async Task<(IPEndPoint? Endpoint, string? Refusal)> DecideAsync(string host, int port,
        bool isPreview, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
            }
            catch (SocketException)
            {
                return (null, NotResolved);
            }
        }
        if (addresses.Length == 0)
        {
            return (null, NotResolved);
        }
        // Every address must be allowed: the browser must not be steered to the private one of several.
        foreach (var address in addresses)
        {
            if (!isPreview && PrivateAddresses.Classify(address) is { } what)
            {
                return (null, literal is null ? $"{what} ({address})" : what);
            }
        }
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses[0];
        return (new IPEndPoint(chosen, port), null);
    }

    private static async Task<(string? Head, byte[] Body)> ReadHeadAsync(NetworkStream stream,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (null, []);
            }
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.Latin1.GetString(buffer, 0, end + 4), buffer[(end + 4)..length]);
            }
        }
        return (null, []);
    }

    private static async Task RefuseAsync(NetworkStream stream, int status, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        var head = $"HTTP/1.1 {status} {(status == 403 ? "Forbidden" : "Bad Request")}\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head));
        await stream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        await Task.WhenAll(connections.Keys);
        stopping.Dispose();
    }
}
