using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Pages;

/// <summary>
/// Writes the one-time message cookie (TempData: "Removed acme/storefront.") only when a request changed
/// what it read. The framework's provider answers every request that loaded TempData with a Set-Cookie,
/// and an empty TempData with a deletion. The live-update script fetches fragments (a card, a run's body)
/// in the background, racing the page a form redirects to: a fragment that left before the form's answer
/// set the message and came back after it deleted the message, and one answered after the page used the
/// message wrote it back for the next page. A fragment handler keeps what it read, so it writes nothing.
/// </summary>
internal sealed class ChangedOnlyTempDataProvider(CookieTempDataProvider cookie) : ITempDataProvider
{
    private static readonly object LoadedKey = new();

    public IDictionary<string, object> LoadTempData(HttpContext context)
    {
        var values = cookie.LoadTempData(context);
        context.Items[LoadedKey] = new Dictionary<string, object>(values, StringComparer.OrdinalIgnoreCase);
        return values;
    }

    public void SaveTempData(HttpContext context, IDictionary<string, object> values)
    {
        if (context.Items.TryGetValue(LoadedKey, out var loaded) && loaded is Dictionary<string, object> before
            && Unchanged(before, values))
        {
            return;
        }
        cookie.SaveTempData(context, values);
    }

    // Values come back from the cookie as strings, numbers and the like; anything Equals cannot compare
    // (an array) counts as changed and is written, as the framework would.
    private static bool Unchanged(Dictionary<string, object> before, IDictionary<string, object> after) =>
        before.Count == after.Count
        && after.All(pair => before.TryGetValue(pair.Key, out var value) && Equals(value, pair.Value));
}

public static class TempDataRegistration
{
    /// <summary>TempData in a cookie, as by default, written only when a request changed it.</summary>
    public static IMvcBuilder WriteTempDataOnlyWhenChanged(this IMvcBuilder mvc)
    {
        mvc.Services.TryAddSingleton<CookieTempDataProvider>();
        mvc.Services.Replace(ServiceDescriptor.Singleton<ITempDataProvider, ChangedOnlyTempDataProvider>());
        return mvc;
    }
}
