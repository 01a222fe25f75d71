using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Keeps capability tokens in the database the way secrets are kept: a SHA-256 hash to look one up
/// by, and the token itself encrypted with the nodes' shared Data Protection keys, so another node
/// (or this one after a restart) can redirect the stable link to the same capability link.
/// </summary>
public sealed class PreviewTokens(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("CodegenCicd.Sandboxes.PreviewTokens.v1");

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public string Protect(string token) => protector.Protect(token);

    public string Unprotect(string protectedToken) => protector.Unprotect(protectedToken);
}
