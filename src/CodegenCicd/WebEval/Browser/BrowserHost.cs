using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Browser;

/// <summary>
/// One Chromium per app process, launched on first use and reused; relaunched when it has died.
/// Each evaluation gets a fresh context (no cookies or storage shared between evaluations), and
/// at most <see cref="BrowserOptions.MaxConcurrentEvaluations"/> run at once. Chromium keeps its own
/// sandbox (<see cref="ChromiumLaunch"/>), and each context reaches the network only through an
/// <see cref="EgressProxy"/> that admits the preview and refuses loopback, link-local and private addresses.
/// </summary>
public sealed partial class BrowserHost(IOptions<BrowserOptions> options, ILogger<BrowserHost> logger)
    : IAsyncDisposable
{
    /// <summary>
    /// Quiet on a closed network: nothing phones home, nothing updates itself. Never <c>--no-sandbox</c>.
    /// </summary>
    internal static readonly string[] ChromiumArgs =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-default-apps",
        "--disable-extensions", "--metrics-recording-only", "--no-default-browser-check",
    ];

    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentEvaluations);
    private readonly SemaphoreSlim launchLock = new(1, 1);
    private IPlaywright? playwright;
    private IBrowser? browser;
    private ChromiumLaunch? launch;
    private int launches;
    private bool disposed;

    /// <summary>How many times Chromium was started by this process (1 when it never died).</summary>
    public int Launches => Volatile.Read(ref launches);

    /// <summary>Waits for a free slot, then opens a fresh context on the shared browser.</summary>
    /// <param name="preview">The one private origin the context may reach (the preview under evaluation).</param>
    /// <exception cref="BrowserUnavailableException">Chromium is missing or would not start.</exception>
    public async Task<BrowserSession> OpenSessionAsync(Uri? preview, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        EgressProxy? proxy = null;
        try
        {
            var current = await GetBrowserAsync(cancellationToken);
            proxy = new EgressProxy(preview);
            var context = await current.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                ServiceWorkers = ServiceWorkerPolicy.Block,
                // Playwright adds <-loopback> to the bypass list, so loopback goes through the proxy too.
                Proxy = new Proxy { Server = proxy.Address.AbsoluteUri.TrimEnd('/') },
            });
            return new BrowserSession(current, context, proxy, () => slots.Release());
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }
            slots.Release();
            throw;
        }
    }

    /// <inheritdoc cref="OpenSessionAsync(Uri?, CancellationToken)"/>
    public Task<BrowserSession> OpenSessionAsync(CancellationToken cancellationToken) =>
        OpenSessionAsync(null, cancellationToken);

    private async Task<IBrowser> GetBrowserAsync(CancellationToken cancellationToken)
    {
        await launchLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (browser is { IsConnected: true })
            {
                return browser;
            }
            if (browser is not null)
            {
                LogRelaunch(logger);
                await CloseQuietlyAsync(browser);
                browser = null;
            }
            browser = await LaunchAsync();
            Interlocked.Increment(ref launches);
            return browser;
        }
        finally
        {
            launchLock.Release();
        }
    }

    private async Task<IBrowser> LaunchAsync()
    {
        var executable = options.Value.ResolveExecutable()
            ?? throw new BrowserUnavailableException(
                "No Chromium found: install it (apt-get install chromium) "
                + "or set Browser:ExecutablePath (CHROMIUM_PATH).");
        launch?.Dispose();
        launch = null;
        try
        {
            playwright ??= await Playwright.CreateAsync();
            launch = ChromiumLaunch.Prepare(executable, options.Value);
            var launched = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = launch.ExecutablePath,
                Env = launch.Environment,
                // Playwright adds --no-sandbox on Linux unless told otherwise.
                ChromiumSandbox = true,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
            LogLaunched(logger, executable, launched.Version);
            return launched;
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or BrowserUnavailableException
            && options.Value.AllowNoSandbox)
        {
            LogNoSandbox(logger, FirstLine(ex.Message));
            return await LaunchWithoutSandboxAsync(executable);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            // The driver itself may be the broken part; start it afresh next time.
            playwright?.Dispose();
            playwright = null;
            throw new BrowserUnavailableException(
                $"Chromium at {executable} would not start with its sandbox: {FirstLine(ex.Message)}"
                + " (Chromium needs unprivileged user namespaces when the app is not root; "
                + "Browser:AllowNoSandbox=true drops the sandbox instead)", ex);
        }
    }

    /// <summary>Only with Browser:AllowNoSandbox, when the sandboxed start failed.</summary>
    private async Task<IBrowser> LaunchWithoutSandboxAsync(string executable)
    {
        try
        {
            playwright ??= await Playwright.CreateAsync();
            var launched = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Env = launch?.Environment,
                Headless = true,
                Args = [.. ChromiumArgs, "--no-sandbox"],
                Timeout = 60_000,
            });
            LogLaunched(logger, executable, launched.Version);
            return launched;
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            playwright?.Dispose();
            playwright = null;
            throw new BrowserUnavailableException(
                $"Chromium at {executable} would not start: {FirstLine(ex.Message)}", ex);
        }
    }

    /// <summary>The operating-system id of Chromium's browser process, for diagnostics and crash tests.</summary>
    internal async Task<int?> GetBrowserProcessIdAsync(CancellationToken cancellationToken)
    {
        var current = await GetBrowserAsync(cancellationToken);
        var session = await current.NewBrowserCDPSessionAsync();
        try
        {
            var reply = await session.SendAsync("SystemInfo.getProcessInfo");
            if (reply is { } json && json.TryGetProperty("processInfo", out var processes))
            {
                foreach (var process in processes.EnumerateArray())
                {
                    if (process.GetProperty("type").GetString() == "browser")
                    {
                        return process.GetProperty("id").GetInt32();
                    }
                }
            }
            return null;
        }
        finally
        {
            await session.DetachAsync();
        }
    }

    internal static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static async Task CloseQuietlyAsync(IBrowser dead)
    {
        try
        {
            await dead.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // Already gone; nothing to close.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await launchLock.WaitAsync();
        try
        {
            disposed = true;
            if (browser is not null)
            {
                await CloseQuietlyAsync(browser);
                browser = null;
            }
            playwright?.Dispose();
            playwright = null;
            launch?.Dispose();
            launch = null;
        }
        finally
        {
            launchLock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chromium {Version} started from {Executable}")]
    private static partial void LogLaunched(ILogger logger, string executable, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chromium would not start with its sandbox ({Reason}); "
        + "starting it with --no-sandbox because Browser:AllowNoSandbox is set")]
    private static partial void LogNoSandbox(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chromium is no longer connected; starting it again")]
    private static partial void LogRelaunch(ILogger logger);
}

public sealed class BrowserUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
