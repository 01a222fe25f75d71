using System.Net;
using System.Net.Sockets;
using System.Text;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CodegenCicd.Tests.Hosting;

/// <summary>A client that leaves mid-request is answered 499 and logged at Information, never as a 500 with a stack trace.</summary>
public sealed class ClientDisconnectTests : IDisposable
{
    private readonly AppFactory app = new();
    private readonly HeldActivity held = new();
    private readonly CapturedEvents events = new();

    public ClientDisconnectTests()
    {
        app.Settings["Serilog:MinimumLevel:Default"] = "Information";
    }

    [Fact]
    public async Task ClientClosingTheConnectionWhileTheServerWorks_Is499AtInformation_WithoutAStackTrace()
    {
        using var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IProjectActivity>(held);
            s.AddSingleton<ILogEventSink>(events);
        }));
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await ProjectSeed.AddAsync(factory, "acme/disconnect", pinned: true);
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var before = events.Snapshot().Count;
        // A real connection: the request goes out, the server starts on it, then the client goes away.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(address.Host, address.Port);
            var request = $"GET /api/projects HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {AppFactory.ApiToken}\r\n\r\n";
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
            await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await Poll.UntilAsync(() => events.Snapshot().Any(e => e.Properties.TryGetValue("StatusCode", out var s) && s.ToString() == "499"),
            TimeSpan.FromSeconds(30), "the request log line of the abandoned request");
        var logged = events.Snapshot()[before..];
        Assert.True(held.Cancelled, "the handler's cancellation token fired when the client left");
        var closed = Assert.Single(logged, e => e.RenderMessage().Contains("closed the request", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Information, closed.Level);
        Assert.Contains("/api/projects", closed.RenderMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(logged, e => e.Level >= LogEventLevel.Error);
        Assert.DoesNotContain(logged, e => e.Exception is not null);
    }

    public void Dispose() => app.Dispose();

    /// <summary>Holds <c>GET /api/projects</c> until the request is aborted, as a slow database would.</summary>
    private sealed class HeldActivity : IProjectActivity
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public async Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
            return new Dictionary<int, ProjectActivity>();
        }
    }

    private sealed class CapturedEvents : ILogEventSink
    {
        private readonly Lock gate = new();
        private readonly List<LogEvent> events = [];

        public void Emit(LogEvent logEvent)
        {
            lock (gate)
            {
                events.Add(logEvent);
            }
        }

        public List<LogEvent> Snapshot()
        {
            lock (gate)
            {
                return [.. events];
            }
        }
    }
}
