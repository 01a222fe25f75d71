using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// The real HTTP servers the tests talk to (fake GitHub, Codegen, Gemini, git, test sites): Kestrel on
/// 127.0.0.1 with a free port and no logging. Create, map endpoints, then start to learn the address.
/// </summary>
public static class LoopbackServer
{
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>Starts the server and returns its base URL, with a trailing slash.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
