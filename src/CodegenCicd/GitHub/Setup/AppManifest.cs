using System.Text.Json.Nodes;

namespace CodegenCicd.GitHub.Setup;

/// <summary>
/// The App manifest (app-manifest.json, embedded in the build) with this server's public URL in place
/// of <c>https://PUBLIC_URL</c>: the webhook URL, the redirect back to /setup/complete, the setup URL.
/// </summary>
public sealed class AppManifest
{
    private const string Placeholder = "https://PUBLIC_URL";
    private readonly string template;

    public AppManifest()
    {
        using var stream = typeof(AppManifest).Assembly.GetManifestResourceStream("app-manifest.json")
            ?? throw new InvalidOperationException("app-manifest.json is not embedded in the build.");
        template = new StreamReader(stream).ReadToEnd();
    }

    /// <summary>
    /// The manifest for <paramref name="publicUrl"/>; <paramref name="name"/> overrides the App's name when given.
    /// </summary>
    public string Build(Uri publicUrl, string? name)
    {
        var root = publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var manifest = JsonNode.Parse(template.Replace(Placeholder, root, StringComparison.Ordinal))!.AsObject();
        if (!string.IsNullOrWhiteSpace(name))
        {
            manifest["name"] = name.Trim();
        }
        manifest["url"] = root;
        return manifest.ToJsonString();
    }
}
