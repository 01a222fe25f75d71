using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace CodegenCicd.GitHub.Setup;

/// <summary>
/// The manifest flow's <c>state</c>: a random value sent to GitHub and kept, encrypted and time-limited,
/// in a cookie for /setup; GitHub's redirect must bring the same value back (CSRF protection).
/// </summary>
public sealed class SetupState(IDataProtectionProvider protection)
{
    public const string CookieName = "codegencicd.setup-state";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly ITimeLimitedDataProtector protector =
        protection.CreateProtector("CodegenCicd.GitHub.SetupState.v1").ToTimeLimitedDataProtector();

    public string Issue(HttpResponse response)
    {
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        response.Cookies.Append(CookieName, protector.Protect(state, Lifetime), new CookieOptions
        {
            HttpOnly = true,
            // Lax: the cookie must come back on GitHub's top-level redirect to /setup/complete.
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/setup",
            MaxAge = Lifetime,
        });
        return state;
    }

    /// <summary>
    /// True when <paramref name="returned"/> is the state this browser was given; the cookie is spent either way.
    /// </summary>
    public bool Verify(HttpRequest request, HttpResponse response, string? returned)
    {
        response.Cookies.Delete(CookieName, new CookieOptions { Path = "/setup" });
        if (string.IsNullOrEmpty(returned) || request.Cookies[CookieName] is not { } cookie)
        {
            return false;
        }
        try
        {
            var expected = protector.Unprotect(cookie);
            return CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(returned));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
