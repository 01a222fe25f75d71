using System.Net;
using System.Net.Sockets;

namespace CodegenCicd.WebEval.Browser;

/// <summary>
/// Addresses a preview's page must not make the browser reach: the host itself (the app, its
/// database, other previews), the cloud metadata service and the host's private networks.
/// </summary>
internal static class PrivateAddresses
{
    private static readonly (IPAddress Network, int Prefix, string What)[] Ranges =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "a 'this host' address"),
        (IPAddress.Parse("127.0.0.0"), 8, "a loopback address"),
        (IPAddress.Parse("10.0.0.0"), 8, "a private address"),
        (IPAddress.Parse("172.16.0.0"), 12, "a private address"),
        (IPAddress.Parse("192.168.0.0"), 16, "a private address"),
        (IPAddress.Parse("100.64.0.0"), 10, "a carrier-grade NAT address"),
        (IPAddress.Parse("169.254.0.0"), 16, "a link-local address (cloud metadata)"),
        (IPAddress.Parse("224.0.0.0"), 4, "a multicast address"),
        (IPAddress.Parse("240.0.0.0"), 4, "a reserved address"),
        (IPAddress.Parse("::"), 128, "the unspecified address"),
        (IPAddress.Parse("::1"), 128, "a loopback address"),
        (IPAddress.Parse("fe80::"), 10, "a link-local address"),
        (IPAddress.Parse("fc00::"), 7, "a private (unique local) address"),
        (IPAddress.Parse("ff00::"), 8, "a multicast address"),
    ];

    /// <summary>What kind of forbidden address <paramref name="address"/> is, or null when it is public.</summary>
    public static string? Classify(IPAddress address)
    {
        // ::ffff:127.0.0.1 reaches 127.0.0.1; NAT64 (64:ff9b::/96) embeds an IPv4 address the same way.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6
            && address.GetAddressBytes() is [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] bytes)
        {
            address = new IPAddress(bytes[12..]);
        }
        foreach (var (network, prefix, what) in Ranges)
        {
            if (network.AddressFamily == address.AddressFamily
                && IPNetwork.Parse($"{network}/{prefix}").Contains(address))
            {
                return what;
            }
        }
        return null;
    }
}
