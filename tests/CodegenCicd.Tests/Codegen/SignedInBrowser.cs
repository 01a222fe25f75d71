using System.Net;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CodegenCicd.Tests.Codegen;

public static class SignedInBrowser
{
    /// <summary>A cookie-holding client signed in through the real form, for any factory (also one made by WithWebHostBuilder).</summary>
    public static async Task<HttpClient> CreateAuthenticatedBrowserAsync(this WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        }
        return client;
    }
}
