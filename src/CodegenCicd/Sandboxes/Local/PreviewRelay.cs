using System.Net;
using System.Net.Sockets;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// The app's end of a preview's channel: a loopback TCP port on the host that forwards each
/// connection to the Unix socket that <c>socat</c> serves inside the sandbox, which in turn connects
/// to the server's port on the sandbox's own loopback. Sandboxes live in network namespaces of
/// their own, so no sandbox can reach this port; the readiness probe, the proxy and web-eval can.
/// </summary>
internal sealed class PreviewRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string socketPath;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    public PreviewRelay(string socketPath)
    {
        this.socketPath = socketPath;
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    public Uri Address { get; }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var _ = client;
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await upstream.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), stopping.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return; // The relay is not up yet (or gone): the caller sees a closed connection, as with a closed port.
        }
        await using var a = new NetworkStream(client, ownsSocket: false);
        await using var b = new NetworkStream(upstream, ownsSocket: false);
        await Task.WhenAll(PipeAsync(a, b, upstream), PipeAsync(b, a, client));
    }

    private async Task PipeAsync(Stream from, Stream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, stopping.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex)
            when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            toSocket.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }
}
