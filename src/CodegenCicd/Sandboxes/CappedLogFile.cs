using System.Text;

namespace CodegenCicd.Sandboxes;

/// <summary>A log file that stops growing at a size cap, saying so once.</summary>
internal sealed class CappedLogFile(string path, long maxBytes) : IDisposable
{
    private readonly FileStream stream =
        new(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    private readonly Lock gate = new();
    private bool full;

    public void WriteLine(string prefix, string line)
    {
        var bytes = Encoding.UTF8.GetBytes($"{prefix}{line}\n");
        lock (gate)
        {
            if (full)
            {
                return;
            }
            if (stream.Length + bytes.Length > maxBytes)
            {
                full = true;
                var marker = Encoding.UTF8.GetBytes($"[log truncated at {maxBytes} bytes; later output dropped]\n");
                stream.Write(marker);
            }
            else
            {
                stream.Write(bytes);
            }
            stream.Flush();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stream.Dispose();
        }
    }
}
