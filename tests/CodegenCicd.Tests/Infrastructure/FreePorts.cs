using System.Net;
using System.Net.Sockets;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// A loopback port for a server that binds it later: another process still starting, or the app again
/// after a restart. Chosen below the kernel's ephemeral range (ip_local_port_range, 32768–60999 by
/// default), from which the parallel tests' outgoing connections and port-0 servers take theirs, so none
/// of them can take it in the seconds before it is bound. A port 0 server that binds at once needs none.
/// </summary>
internal static class FreePorts
{
    private const int Lowest = 15_000;
    private static readonly int Below = EphemeralRangeStart();
    // A random start keeps two test processes apart; counting up keeps this one's tests apart.
    private static int next = Random.Shared.Next(Lowest, Below);

    public static int Pick()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Lowest + (Interlocked.Increment(ref next) - Lowest) % (Below - Lowest);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else on the machine; try the next.
            }
        }
        throw new InvalidOperationException($"No free loopback port between {Lowest} and {Below}.");
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'],
                StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(Lowest + 1_000, int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32_768;
        }
    }
}
