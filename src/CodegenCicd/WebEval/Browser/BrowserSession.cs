using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Browser;

/// <summary>A fresh browser context for one evaluation; disposing closes it and frees the slot.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>How long to wait for the driver to confirm a death an error message suggests.</summary>
    private static readonly TimeSpan DeathConfirmation = TimeSpan.FromSeconds(3);

    private readonly IBrowser browser;
    private readonly Action release;
    private readonly EgressProxy proxy;
    private readonly TaskCompletionSource disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int released;

    internal BrowserSession(IBrowser browser, IBrowserContext context, EgressProxy proxy, Action release)
    {
        this.browser = browser;
        this.proxy = proxy;
        this.release = release;
        Context = context;
        browser.Disconnected += (_, _) => disconnected.TrySetResult();
        if (!browser.IsConnected)
        {
            disconnected.TrySetResult();
        }
    }

    public IBrowserContext Context { get; }

    /// <summary>
    /// Why the context was not let through to <paramref name="url"/>'s host (loopback, private…), or null.
    /// </summary>
    public string? BlockedReason(Uri url) => proxy.BlockedReason(url);

    /// <summary>Why <paramref name="url"/>'s host could not be reached, in Chromium's words, or null.</summary>
    public string? ConnectFailure(Uri url) => proxy.ConnectFailure(url);

    /// <summary>False once the browser process has died (crash, killed): the evaluation cannot go on.</summary>
    public bool BrowserAlive => browser.IsConnected;

    /// <summary>
    /// Whether <paramref name="error"/> came from the browser dying. A failing call can report
    /// "closed" a moment before the driver reports the disconnection, so such messages wait for it.
    /// </summary>
    public async Task<bool> BrowserDiedAsync(PlaywrightException error)
    {
        if (!browser.IsConnected)
        {
            return true;
        }
        var looksClosed = error.Message.Contains("has been closed", StringComparison.OrdinalIgnoreCase)
            || error.Message.Contains("Target closed", StringComparison.OrdinalIgnoreCase)
            || error.Message.Contains("disconnected", StringComparison.OrdinalIgnoreCase);
        if (!looksClosed)
        {
            return false;
        }
        await Task.WhenAny(disconnected.Task, Task.Delay(DeathConfirmation));
        return disconnected.Task.IsCompleted;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref released, 1) == 1)
        {
            return;
        }
        try
        {
            await Context.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // The browser died with the context in it.
        }
        finally
        {
            await proxy.DisposeAsync();
            release();
        }
    }
}
