using System.Collections.Concurrent;
using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>
/// Git's smart HTTP protocol on loopback, served by the real <c>git http-backend</c>, behind the
/// check GitHub makes: <c>Authorization: Basic base64(x-access-token:TOKEN)</c> or 401.
/// Records every request's path and Authorization header.
/// </summary>
public sealed class FakeGitServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeGitServer(WebApplication app, string projectRoot, Func<string, bool> acceptsToken)
    {
        this.app = app;
        app.Run(context => ServeAsync(context, projectRoot, acceptsToken));
    }

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<(string PathAndQuery, string? Authorization)> Requests { get; } = new();

    /// <summary>Serves the repositories under <paramref name="projectRoot"/> (e.g. owner/repo.git → a repository folder).</summary>
    public static Task<FakeGitServer> StartAsync(string projectRoot, string token) =>
        StartAsync(projectRoot, candidate => candidate == token);

    /// <summary>Serves the repositories under <paramref name="projectRoot"/> to any token <paramref name="acceptsToken"/> accepts (e.g. a fake GitHub's live installation tokens).</summary>
    public static async Task<FakeGitServer> StartAsync(string projectRoot, Func<string, bool> acceptsToken)
    {
        var server = new FakeGitServer(LoopbackServer.Create(), projectRoot, acceptsToken);
        server.BaseUrl = await LoopbackServer.StartAsync(server.app);
        return server;
    }

    private async Task ServeAsync(HttpContext context, string projectRoot, Func<string, bool> acceptsToken)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue((context.Request.Path + context.Request.QueryString, authorization.Length == 0 ? null : authorization));
        if (TokenOf(authorization) is not { } token || !acceptsToken(token))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            return;
        }
        var start = new ProcessStartInfo("git", "http-backend")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = projectRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["PATH_INFO"] = context.Request.Path;
        start.Environment["REQUEST_METHOD"] = context.Request.Method;
        start.Environment["QUERY_STRING"] = context.Request.QueryString.Value?.TrimStart('?') ?? "";
        start.Environment["CONTENT_TYPE"] = context.Request.ContentType ?? "";
        start.Environment["GIT_PROTOCOL"] = context.Request.Headers["Git-Protocol"].ToString();
        start.Environment["REMOTE_USER"] = "x-access-token";
        using var process = Process.Start(start)!;
        await context.Request.Body.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        var output = process.StandardOutput.BaseStream;
        // CGI: header lines, a blank line, then the body.
        string? line;
        var headers = new List<string>();
        while (!string.IsNullOrEmpty(line = await ReadLineAsync(output)))
        {
            headers.Add(line);
        }
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (header[..colon], header[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers[name] = value;
            }
        }
        await output.CopyToAsync(context.Response.Body);
        await process.WaitForExitAsync();
    }

    /// <summary>The token of <c>Basic base64(x-access-token:TOKEN)</c>, or null for any other header.</summary>
    private static string? TokenOf(string authorization)
    {
        const string Prefix = "x-access-token:";
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            return pair.StartsWith(Prefix, StringComparison.Ordinal) ? pair[Prefix.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != '\n')
        {
            bytes.Add(one[0]);
        }
        return System.Text.Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
