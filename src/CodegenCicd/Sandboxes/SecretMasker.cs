namespace CodegenCicd.Sandboxes;

/// <summary>Replaces secret values (and tokens) with *** wherever they appear in output.</summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    // Very short values (a "1", a "true") would turn every line into asterisks and hide nothing worth hiding.
    private const int MinimumLength = 4;

    private readonly string[] values;

    public SecretMasker(IEnumerable<string> values) =>
        // Longest first, so a secret containing another secret is masked whole. Output is masked a
        // line at a time, so a multi-line secret (a PEM key, a JSON key file) is also masked line by line.
        this.values = values.SelectMany(v => v.Contains('\n', StringComparison.Ordinal) ? LinesOf(v).Prepend(v) : [v])
            .Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length).ToArray();

    private static IEnumerable<string> LinesOf(string value) =>
        value.Split('\n').Select(line => line.Trim('\r', ' ', '\t'));

    public static SecretMasker None { get; } = new([]);

    public string Apply(string text)
    {
        foreach (var value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }
}
