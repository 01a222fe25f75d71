using System.Buffers;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// Replaces secret values (and tokens) with *** wherever they appear in output, also in the forms a
/// build tool prints them: base64 (standard and URL-safe, <see cref="SecretForms"/>), URL-encoded and JSON-escaped.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    // Very short values (a "1", a "true") would turn every line into asterisks and hide nothing worth hiding.
    internal const int MinimumLength = 4;

    private readonly string[] values;

    // One vectorised scan finds whether any form occurs: most lines hold none, and this runs on every line.
    private readonly SearchValues<string>? anyValue;

    public SecretMasker(IEnumerable<string> values)
    {
        // Longest first, so a secret containing another secret is masked whole. Output is masked a
        // line at a time, so a multi-line secret (a PEM key, a JSON key file) is also masked line by line.
        this.values = values.SelectMany(v => v.Contains('\n', StringComparison.Ordinal) ? LinesOf(v).Prepend(v) : [v])
            .Where(v => v.Length >= MinimumLength)
            .SelectMany(SecretForms.Of)
            .Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length).ToArray();
        anyValue = this.values.Length > 0 ? SearchValues.Create(this.values, StringComparison.Ordinal) : null;
        LongestValue = this.values.Length > 0 ? this.values[0].Length : 0;
    }

    private static IEnumerable<string> LinesOf(string value) =>
        value.Split('\n').Select(line => line.Trim('\r', ' ', '\t'));

    public static SecretMasker None { get; } = new([]);

    /// <summary>
    /// Length of the longest form masked; output split into pieces
    /// keeps this much together (see <see cref="SafeCut"/>).
    /// </summary>
    public int LongestValue { get; }

    public string Apply(string text)
    {
        if (anyValue is null || text.AsSpan().IndexOfAny(anyValue) < 0)
        {
            return text;
        }
        foreach (var value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }

    /// <summary>
    /// Where to cut <paramref name="text"/> (unmasked) when it must be handed on in pieces: no secret
    /// found in it straddles the cut, and what stays after it is shorter than the longest secret, so a
    /// secret that the next read completes is masked whole. Returns <c>text.Length</c> when there is nothing to mask.
    /// </summary>
    public int SafeCut(ReadOnlySpan<char> text)
    {
        if (LongestValue == 0)
        {
            return text.Length;
        }
        var cut = Math.Max(0, text.Length - (LongestValue - 1));
        for (var moved = true; moved && cut > 0;)
        {
            moved = false;
            foreach (var value in values)
            {
                // An occurrence that straddles the cut starts in the LongestValue characters before it.
                var from = Math.Max(0, cut - value.Length + 1);
                var window = text[from..Math.Min(text.Length, cut + value.Length - 1)];
                var at = window.IndexOf(value, StringComparison.Ordinal);
                if (at >= 0 && from + at < cut && from + at + value.Length > cut)
                {
                    cut = from + at;
                    moved = true;
                }
            }
        }
        return cut;
    }
}
