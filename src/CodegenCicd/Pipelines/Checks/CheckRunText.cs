namespace CodegenCicd.Pipelines.Checks;

/// <summary>GitHub's output limits (REFERENCE.md): longer text is rejected, so cut it and say so.</summary>
public static class CheckRunText
{
    public const int MaxLength = 65_535;
    public const int MaxAnnotationsPerRequest = 50;
    public const int MaxTitleLength = 255;

    private const string Cut = "\n\n… (cut to GitHub's 65 535-character limit; the full log is on the run page)";

    public static string Limit(string text, int max = MaxLength) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - Cut.Length), Cut);

    public static string Title(string title) =>
        title.Length <= MaxTitleLength ? title : title[..(MaxTitleLength - 1)] + "…";
}
