namespace CodegenCicd.Sandboxes;

/// <summary>Replaces secret values (and tokens) with *** wherever they appear in output.</summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    // Very short values (a "1", a "true") would turn every line into asterisks and hide nothing worth hiding.
    private const int MinimumLength = 4;

    private readonly string[] values;

    public SecretMasker(IEnumerable<string> values) =>
        // Longest first, so a secret containing another secret is masked whole.
        this.values = values.Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length).ToArray();

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
