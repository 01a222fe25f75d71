using CodegenCicd.Projects;
using CodegenCicd.WebEval.Reports;

namespace CodegenCicd.WebEval.Checks;

/// <summary>
/// The configured pages in order, then same-origin links found on them, breadth first, to
/// <see cref="WebEvalConfig.FollowLinks"/> levels and at most <see cref="BrowserOptions.MaxPages"/> pages.
/// </summary>
internal sealed class PageCrawler(PageChecker checker, BrowserOptions options)
{
    public async Task CheckAllAsync(Uri baseUrl, WebEvalConfig config, List<PageResult> results,
        CancellationToken cancellationToken)
    {
        var queue = new Queue<PageTarget>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in config.Pages.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            // Defence in depth: the settings and the repository file refuse these already.
            if (PreviewPath.Problem(path) is { } problem || !Uri.TryCreate(baseUrl, path, out var url)
                || Uri.Compare(url, baseUrl, UriComponents.SchemeAndServer, UriFormat.UriEscaped,
                    StringComparison.OrdinalIgnoreCase) != 0)
            {
                results.Add(new PageResult
                {
                    Path = path, Url = baseUrl, LoadFailure = $"'{path}' is not a path of the app and was not loaded"
                });
                continue;
            }
            if (seen.Add(url.AbsoluteUri))
            {
                var expectations = config.Expect.GetValueOrDefault(path) ?? [];
                queue.Enqueue(new PageTarget(path, url, null, Math.Max(0, config.FollowLinks), expectations));
            }
        }
        var navigationTimeout = TimeSpan.FromSeconds(options.NavigationTimeoutSeconds);
        var budget = TimeSpan.FromSeconds(options.EvaluationTimeoutSeconds);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (queue.TryDequeue(out var target) && results.Count < options.MaxPages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Navigation ignores the token, so its own timeout must not outlast what is left of the budget.
            var timeout = TimeSpan.FromSeconds(
                Math.Max(1, Math.Min(navigationTimeout.TotalSeconds, (budget - elapsed.Elapsed).TotalSeconds)));
            var (result, links) = await checker.CheckAsync(target, results.Count + 1, timeout, cancellationToken);
            results.Add(result);
            foreach (var link in links.Where(l => seen.Add(l.AbsoluteUri)))
            {
                queue.Enqueue(new PageTarget(link.PathAndQuery, link, target.Path, target.Depth - 1, []));
            }
        }
    }
}
