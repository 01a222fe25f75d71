using System.Text;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// Reads a child's output in blocks and hands it on line by line, masked. Lines are split at
/// <see cref="MaxLineLength"/>, so output without newlines (<c>cat /dev/zero</c>) never grows
/// memory; masking per line means a secret is found even when it straddles two reads.
/// </summary>
internal static class OutputPump
{
    public const int MaxLineLength = 16 * 1024;

    public static async Task PumpAsync(TextReader reader, SecretMasker masker, Action<string> onLine)
    {
        var buffer = new char[8192];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n' || line.Length >= MaxLineLength)
                {
                    onLine(masker.Apply(line.ToString().TrimEnd('\r')));
                    line.Clear();
                    if (c == '\n')
                    {
                        continue;
                    }
                }
                line.Append(c);
            }
        }
        if (line.Length > 0)
        {
            onLine(masker.Apply(line.ToString().TrimEnd('\r')));
        }
    }
}
