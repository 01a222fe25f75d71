using System.Net;
using System.Text.RegularExpressions;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// Posts Razor Pages forms the way a browser does: GET the page, send its antiforgery token back.
/// (WebApplicationFactory clients keep cookies, so the antiforgery and sign-in cookies follow.)
/// </summary>
public static partial class Forms
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> fields)
    {
        var page = await client.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        if (!token.Success)
        {
            throw new InvalidOperationException($"No antiforgery token on {path} ({(int)page.StatusCode})");
        }
        var form = fields.Append(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
