using System.Text;

namespace CodegenCicd.WebEval.Browser;

/// <summary>
/// The head of one request to <see cref="EgressProxy"/>: <c>CONNECT host:port</c> (HTTPS and
/// WebSockets) or a plain-HTTP request in absolute form, rewritten for the origin server.
/// </summary>
internal sealed record ProxyRequest(bool IsConnect, string Host, int Port, string OriginFormHead)
{
    /// <summary>Hop-by-hop and proxy headers the origin server must not see.</summary>
    private static readonly string[] Dropped = ["proxy-connection", "proxy-authorization", "connection", "keep-alive"];

    public static ProxyRequest? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            return null;
        }
        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (method == "CONNECT")
        {
            var colon = target.LastIndexOf(':');
            return colon > 0 && int.TryParse(target[(colon + 1)..], out var port) && port is > 0 and < 65536
                ? new ProxyRequest(true, target[..colon], port, "")
                : null;
        }
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme != "http")
        {
            return null;
        }
        var rewritten = new StringBuilder($"{method} {url.PathAndQuery} {version}\r\n");
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var name = line.Split(':', 2)[0].Trim();
            if (!Dropped.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                rewritten.Append(line).Append("\r\n");
            }
        }
        // One request per connection: a kept-alive connection could carry the next request to another host.
        rewritten.Append("Connection: close\r\n\r\n");
        return new ProxyRequest(false, url.Host, url.Port, rewritten.ToString());
    }
}
