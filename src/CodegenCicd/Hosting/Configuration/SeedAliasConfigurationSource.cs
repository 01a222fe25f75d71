namespace CodegenCicd.Hosting.Configuration;

internal sealed class SeedAliasConfigurationSource(IConfigurationRoot root) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SeedAliasConfigurationProvider(root);
}

/// <summary>Answers canonical keys from their seed aliases when no other source sets the key.</summary>
internal sealed class SeedAliasConfigurationProvider(IConfigurationRoot root) : ConfigurationProvider
{
    public override bool TryGet(string key, out string? value)
    {
        value = null;
        foreach (var alias in SeedAliases.All)
        {
            if (!string.Equals(alias.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (TryGetFromOthers(key, out var canonical) && !string.IsNullOrEmpty(canonical))
            {
                return false;
            }
            if (TryGetFromOthers(alias.Name, out var raw) && !string.IsNullOrWhiteSpace(raw))
            {
                value = alias.Convert is null ? raw : alias.Convert(raw);
                if (value is not null)
                {
                    return true;
                }
            }
        }
        return false;
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        var keys = new List<string>(earlierKeys);
        var prefix = parentPath is null ? "" : parentPath + ConfigurationPath.KeyDelimiter;
        foreach (var alias in SeedAliases.All)
        {
            if (!alias.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || !TryGet(alias.Key, out _))
            {
                continue;
            }
            var rest = alias.Key[prefix.Length..];
            var segment = rest.Split(ConfigurationPath.KeyDelimiter)[0];
            if (!keys.Contains(segment, StringComparer.OrdinalIgnoreCase))
            {
                keys.Add(segment);
            }
        }
        keys.Sort(ConfigurationKeyComparer.Instance);
        return keys;
    }

    private bool TryGetFromOthers(string key, out string? value)
    {
        foreach (var provider in root.Providers.Reverse())
        {
            if (!ReferenceEquals(provider, this) && provider.TryGet(key, out value))
            {
                return true;
            }
        }
        value = null;
        return false;
    }
}
