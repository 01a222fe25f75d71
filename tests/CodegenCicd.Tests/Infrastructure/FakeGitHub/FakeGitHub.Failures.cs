using Microsoft.AspNetCore.Http;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>
/// A GitHub blip on one route: the next <see cref="Remaining"/> matching requests fail with <see cref="Status"/>.
/// </summary>
public sealed class InjectedFailure(string method, string pathPrefix, int times, int status, bool afterCarryingOut)
{
    private int remaining = times;

    public string Method { get; } = method;
    public string PathPrefix { get; } = pathPrefix;
    public int Status { get; } = status;

    /// <summary>The request is carried out, then answered with the error: GitHub did it but said it failed.</summary>
    public bool AfterCarryingOut { get; } = afterCarryingOut;

    public int Remaining => Volatile.Read(ref remaining);

    internal bool Matches(HttpRequest request) =>
        request.Method == Method && request.Path.StartsWithSegments(PathPrefix, StringComparison.Ordinal);

    internal bool TryTake()
    {
        var left = Volatile.Read(ref remaining);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref remaining, left - 1, left);
            if (seen == left)
            {
                return true;
            }
            left = seen;
        }
        return false;
    }
}

public sealed partial class FakeGitHub
{
    private readonly List<InjectedFailure> failures = [];

    /// <summary>
    /// Makes the next <paramref name="times"/> requests on a route fail with <paramref name="status"/> (GitHub's error
    /// shape). With <paramref name="afterCarryingOut"/> each is carried out before the error is sent, as when GitHub
    /// created a check run and its front end still answered 502.
    /// </summary>
    public InjectedFailure FailNext(
        string method, string pathPrefix, int times, int status = 502, bool afterCarryingOut = false)
    {
        var failure = new InjectedFailure(method, pathPrefix, times, status, afterCarryingOut);
        lock (failures)
        {
            failures.Add(failure);
        }
        return failure;
    }

    /// <summary>Answers with an injected failure when one is due; false lets the request through untouched.</summary>
    private async Task<bool> TryServeInjectedFailureAsync(HttpContext context, RequestDelegate next)
    {
        InjectedFailure? due;
        lock (failures)
        {
            due = failures.FirstOrDefault(f => f.Matches(context.Request) && f.TryTake());
        }
        if (due is null)
        {
            return false;
        }
        if (due.AfterCarryingOut)
        {
            // Let the normal handler do its work into a buffer, then throw its answer away.
            var body = context.Response.Body;
            context.Response.Body = new MemoryStream();
            await next(context);
            context.Response.Body = body;
            context.Response.Clear();
        }
        await Error(due.Status, due.Status >= 500 ? "Server Error" : "Injected failure").ExecuteAsync(context);
        return true;
    }
}
