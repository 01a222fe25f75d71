namespace CodegenCicd.Hosting.Configuration;

/// <summary>
/// What docs/configuration.md shows as a key's default when the initializer's value depends on the
/// machine (e.g. the number of cores) or needs a word of explanation.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DocumentedDefaultAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>The property is filled from another configuration key than <c>Section:Property</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class BoundFromAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>A key read directly from configuration rather than through an options class.</summary>
public sealed record LooseConfigurationKey(string Key, string Description, string Default);

/// <summary>Keys outside the options classes, listed here so docs/configuration.md can name them too.</summary>
public static class LooseConfigurationKeys
{
    public static readonly IReadOnlyList<LooseConfigurationKey> All =
    [
        new("ConnectionStrings:Jobs",
            "Job storage connection string (Npgsql format) when `Jobs:Storage` is `PostgreSql`; required then.", "—"),
        new("urls",
            "Where the app listens (`--urls`, `ASPNETCORE_URLS`), e.g. `http://0.0.0.0:8080`. "
            + "The first one is the default of `Pipelines:PublicUrl`.",
            "`http://localhost:5000`"),
    ];
}
