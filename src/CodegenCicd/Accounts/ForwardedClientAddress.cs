using System.Net;
using CodegenCicd.Hosting.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using System.ComponentModel.DataAnnotations;

namespace CodegenCicd.Accounts;

/// <summary>
/// <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR
/// ranges), comma-separated: the reverse proxies whose <c>X-Forwarded-For</c> / <c>-Proto</c> /
/// <c>-Host</c> are believed. Without any, the headers are ignored (anyone could send them).
/// </summary>
public sealed class ForwardedHeadersSettings : IConfigSection, IValidatableObject
{
    public static string SectionName => "ForwardedHeaders";

    /// <summary>
    /// Reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed.
    /// </summary>
    public string? KnownProxies { get; set; }

    /// <summary>Networks of reverse proxies (CIDR, comma-separated) whose forwarded headers are believed.</summary>
    public string? KnownNetworks { get; set; }

    public IEnumerable<string> Proxies => Split(KnownProxies);

    public IEnumerable<string> Networks => Split(KnownNetworks);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in Proxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address");
        }
        foreach (var network in Networks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new($"ForwardedHeaders:KnownNetworks: '{network}' is not a CIDR range such as 10.0.0.0/8");
        }
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public static class ForwardedClientAddress
{
    /// <summary>
    /// First in the pipeline: the client's address (the sign-in rate
    /// limit's key) and scheme come from a configured proxy only.
    /// </summary>
    public static IApplicationBuilder UseForwardedClientAddress(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersSettings>>().Value;
        if (!settings.Proxies.Any() && !settings.Networks.Any())
        {
            return app;
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                | ForwardedHeaders.XForwardedHost,
            // One hop: the configured proxy's own view of the client, never a client-supplied chain.
            ForwardLimit = 1,
        };
        // ASP.NET trusts loopback by default; only what the operator lists is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.Proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in settings.Networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        return app.UseForwardedHeaders(options);
    }
}
