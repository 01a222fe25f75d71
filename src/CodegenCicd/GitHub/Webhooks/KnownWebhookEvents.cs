using System.Reflection;
using Octokit.Webhooks;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>The event names GitHub sends (<c>X-GitHub-Event</c>), from Octokit.Webhooks' own list.</summary>
public static class KnownWebhookEvents
{
    public static readonly IReadOnlySet<string> Names = typeof(WebhookEventType)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true, FieldType: var t } && t == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Append("ping")
        .ToHashSet(StringComparer.Ordinal);
}
