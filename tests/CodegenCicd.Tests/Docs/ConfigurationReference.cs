using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Docs;

/// <summary>One documented configuration key.</summary>
public sealed record ConfigurationKey(string Key, string Section, string Default, string Description, IReadOnlyList<string> Aliases)
{
    /// <summary>The environment-variable form ASP.NET Core reads (<c>Sandbox__Root</c>).</summary>
    public string EnvironmentName => Key == "urls" ? "ASPNETCORE_URLS" : Key.Replace(":", "__", StringComparison.Ordinal).Replace("__N__", "__0__", StringComparison.Ordinal);
}

/// <summary>
/// Every configuration key of the app, found by reflection over the <see cref="IConfigSection"/>
/// options classes (descriptions from their <c>/// &lt;summary&gt;</c> comments in src/), plus
/// <see cref="LooseConfigurationKeys"/> and the seed aliases. docs/configuration.md is generated from it.
/// </summary>
public static partial class ConfigurationReference
{
    public const string BeginMarker = "<!-- generated: keys (tests/CodegenCicd.Tests/Docs/ConfigurationReference.cs) -->";
    public const string EndMarker = "<!-- end of generated keys -->";

    public static IReadOnlyList<Type> OptionsClasses { get; } =
        [.. typeof(IConfigSection).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IConfigSection).IsAssignableFrom(t))
            .OrderBy(t => SectionOf(t), StringComparer.Ordinal)];

    public static IReadOnlyList<ConfigurationKey> Keys()
    {
        var keys = new List<ConfigurationKey>();
        foreach (var type in OptionsClasses)
        {
            var section = SectionOf(type);
            AddProperties(keys, type, section, section, Activator.CreateInstance(type));
        }
        foreach (var loose in LooseConfigurationKeys.All)
        {
            keys.Add(new(loose.Key, loose.Key.Split(':')[0], loose.Default, loose.Description, AliasesOf(loose.Key)));
        }
        return keys;
    }

    /// <summary>The Markdown between the markers of docs/configuration.md: one table per section.</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine(BeginMarker);
        foreach (var group in Keys().GroupBy(k => k.Section, StringComparer.Ordinal))
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {group.Key}").AppendLine();
            text.AppendLine("| key | environment variable | default | what it does |");
            text.AppendLine("| --- | --- | --- | --- |");
            foreach (var key in group)
            {
                var env = string.Join(", ", new[] { $"`{key.EnvironmentName}`" }.Concat(key.Aliases.Select(a => $"`{a}`")));
                text.AppendLine(CultureInfo.InvariantCulture, $"| `{key.Key}` | {env} | {Cell(key.Default)} | {Cell(key.Description)} |");
            }
        }
        text.AppendLine().Append(EndMarker);
        return text.ToString();
    }

    /// <summary>The page with its generated block replaced by <see cref="Render"/>.</summary>
    public static string Regenerate(string page)
    {
        var begin = page.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = page.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"docs/configuration.md lacks the markers {BeginMarker} … {EndMarker}");
        }
        return page[..begin] + Render() + page[(end + EndMarker.Length)..];
    }

    private static string SectionOf(Type type) =>
        (string)type.GetProperty(nameof(IConfigSection.SectionName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private static void AddProperties(List<ConfigurationKey> keys, Type type, string prefix, string section, object? instance)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var key = property.GetCustomAttribute<BoundFromAttribute>()?.Key ?? $"{prefix}:{property.Name}";
            var description = SourceComments.Summary(type, property.Name);
            var itemType = ListItemType(property.PropertyType);
            if (itemType is not null && itemType != typeof(string) && itemType.IsClass)
            {
                // A list of objects: document each field as Section:List:N:Field.
                AddProperties(keys, itemType, $"{key}:N", section, null);
                continue;
            }
            var shown = property.GetCustomAttribute<DocumentedDefaultAttribute>()?.Text
                ?? (instance is null ? "—" : FormatDefault(property.GetValue(instance)));
            if (itemType == typeof(string))
            {
                description += (description.Length > 0 ? " " : "") + $"A list: `{key.Replace(":", "__", StringComparison.Ordinal)}__0`, `…__1`, … in the environment.";
            }
            keys.Add(new(key, section, shown, description, AliasesOf(key)));
        }
    }

    private static Type? ListItemType(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;

    private static List<string> AliasesOf(string key) =>
        [.. SeedAliases.All.Where(a => a.Key == key).Select(a => a.Name).Distinct()];

    private static string FormatDefault(object? value) => value switch
    {
        null => "—",
        bool b => b ? "`true`" : "`false`",
        string { Length: 0 } => "—",
        string s => $"`{s}`",
        IEnumerable list when !list.Cast<object>().Any() => "—",
        IEnumerable list => string.Join(", ", list.Cast<object>().Select(FormatDefault)),
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        _ => $"`{value}`",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

/// <summary>deploy/.env.example: every key as a commented <c>Section__Key=</c> line under its description.</summary>
public static class EnvExample
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# CodegenCICD settings as environment variables (docker compose env_file, systemd EnvironmentFile).");
        text.AppendLine("# Uncomment what you set; everything else keeps its default. docs/configuration.md explains each key.");
        text.AppendLine("# Generated from the options classes: UPDATE_DOCS=1 dotnet test tests/CodegenCicd.Tests --filter ConfigurationDocs");
        foreach (var group in ConfigurationReference.Keys().GroupBy(k => k.Section, StringComparer.Ordinal))
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"# --- {group.Key} ---");
            foreach (var key in group)
            {
                var aliases = key.Aliases.Count > 0 ? $" (or {string.Join(", ", key.Aliases)})" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"# {key.Description.Replace("`", "", StringComparison.Ordinal)} Default: {key.Default.Replace("`", "", StringComparison.Ordinal)}{aliases}");
                text.AppendLine(CultureInfo.InvariantCulture, $"#{key.EnvironmentName}=");
            }
        }
        return text.ToString();
    }
}
