using System.Net;

namespace CodegenCicd.Cloudflare.Api;

/// <summary>
/// Cloudflare refused a call; <see cref="Exception.Message"/> carries Cloudflare's own error messages.
/// </summary>
public sealed class CloudflareApiException(
    HttpStatusCode status, string operation, IReadOnlyList<CloudflareError> errors)
    : Exception($"Cloudflare {operation} failed ({(int)status}): {Describe(errors)}")
{
    public HttpStatusCode StatusCode { get; } = status;

    public IReadOnlyList<CloudflareError> Errors { get; } = errors;

    public bool HasCode(int code) => Errors.Any(e => e.Code == code);

    private static string Describe(IReadOnlyList<CloudflareError> errors) =>
        errors.Count == 0 ? "no error message" : string.Join("; ", errors.Select(e => $"{e.Message} [{e.Code}]"));
}

/// <summary>The gateway was asked to act without <c>Cloudflare:ApiToken</c> and <c>Cloudflare:AccountId</c>.</summary>
public sealed class CloudflareNotConfiguredException()
    : Exception("Cloudflare is not configured: set Cloudflare:ApiToken and Cloudflare:AccountId "
        + "(or CLOUDFLARE_API_KEY and CLOUDFLARE_ACCOUNT_ID).");
