using System.Text;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// Reads a child's output in blocks and hands it on line by line, masked. Lines are split at
/// <see cref="MaxLineLength"/>, so output without newlines (<c>cat /dev/zero</c>) never grows
/// memory; masking per line means a secret is found even when it straddles two reads, and a
/// long line is cut where no secret straddles the cut (<see cref="SecretMasker.SafeCut"/>).
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
                if (c == '\n')
                {
                    onLine(masker.Apply(line.ToString().TrimEnd('\r')));
                    line.Clear();
                    continue;
                }
                if (line.Length >= MaxLineLength)
                {
                    EmitPiece(line, masker, onLine);
                }
                line.Append(c);
            }
        }
        if (line.Length > 0)
        {
            onLine(masker.Apply(line.ToString().TrimEnd('\r')));
        }
    }

    /// <summary>
    /// Hands on the first part of an over-long line and keeps the rest, which may hold the start of a
    /// secret the next read completes. Should secrets overlap all the way back (a pathological value),
    /// the line is cut at the limit rather than let memory grow.
    /// </summary>
    private static void EmitPiece(StringBuilder line, SecretMasker masker, Action<string> onLine)
    {
        var text = line.ToString();
        var cut = masker.SafeCut(text);
        if (cut < MaxLineLength / 2)
        {
            cut = text.Length;
        }
        onLine(masker.Apply(text[..cut]));
        line.Clear().Append(text, cut, text.Length - cut);
    }
}
