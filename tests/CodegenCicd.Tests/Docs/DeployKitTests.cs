using System.Diagnostics;
using System.Text.RegularExpressions;
using CodegenCicd.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace CodegenCicd.Tests.Docs;

/// <summary>
/// deploy/ cannot be built here (no image pulls), so what can be checked locally is: the compose file
/// and the systemd unit parse, every setting they name is a real configuration key, and the app
/// published as the Dockerfile does starts with the Dockerfile's settings.
/// </summary>
public sealed partial class DeployKitTests
{
    private static readonly HashSet<string> KnownVariables = [.. ConfigurationReference.Keys()
        .SelectMany(k => k.Aliases.Prepend(k.EnvironmentName))
        .Concat(["ASPNETCORE_ENVIRONMENT", "ASPNETCORE_URLS"])];

    private static bool IsConfigurationKey(string name) =>
        KnownVariables.Contains(Regex.Replace(name, "__[0-9]+(?=__|$)", "__0"));

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepositoryRoot.Combine("deploy", "docker-compose.yml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    /// <summary>A service with its <c>&lt;&lt;: *anchor</c> merge key applied (the service's own keys win).</summary>
    private static YamlMappingNode Service(YamlMappingNode compose, string name)
    {
        var service = (YamlMappingNode)((YamlMappingNode)compose["services"])[name];
        var merged = new YamlMappingNode();
        if (service.Children.TryGetValue(new YamlScalarNode("<<"), out var shared) && shared is YamlMappingNode template)
        {
            foreach (var (key, value) in template.Children)
            {
                merged.Children[key] = value;
            }
        }
        foreach (var (key, value) in service.Children.Where(c => c.Key.ToString() != "<<"))
        {
            merged.Children[key] = value;
        }
        return merged;
    }

    [Fact]
    public void Compose_GivesBubblewrapWhatItNeeds_WithoutPrivilege_AsANonRootUser()
    {
        var compose = Compose();
        foreach (var name in new[] { "app", "app-postgres" })
        {
            var service = Service(compose, name);
            var options = ((YamlSequenceNode)service["security_opt"]).Select(n => n.ToString()).ToList();
            Assert.Contains("seccomp=unconfined", options);
            Assert.Contains("apparmor=unconfined", options);
            Assert.Contains("systempaths=unconfined", options);
            Assert.Contains("no-new-privileges:true", options);
            Assert.False(service.Children.ContainsKey("privileged"), $"{name} must not be privileged");
            Assert.False(service.Children.ContainsKey("cap_add"), $"{name} needs no capabilities");
            Assert.Equal("ALL", ((YamlSequenceNode)service["cap_drop"]).Single().ToString());
            Assert.DoesNotMatch("^0(:|$)", service["user"].ToString());
            Assert.Contains("appdata:/app/data", ((YamlSequenceNode)service["volumes"]).Select(n => n.ToString()));
            Assert.Contains("/healthz", string.Join(" ", ((YamlSequenceNode)service["healthcheck"]["test"]).Select(n => n.ToString())));
        }
    }

    [Fact]
    public void EveryVariableNamedInDeploy_IsARealConfigurationKey()
    {
        var compose = Compose();
        var named = new List<string>();
        foreach (var service in new[] { "app", "app-postgres" })
        {
            named.AddRange(((YamlMappingNode)Service(compose, service)["environment"]).Children.Keys.Select(k => k.ToString()));
        }
        var unit = File.ReadAllLines(RepositoryRoot.Combine("deploy", "codegencicd.service"));
        named.AddRange(unit.Select(l => UnitEnvironment().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value));
        var dockerfile = File.ReadAllText(RepositoryRoot.Combine("deploy", "Dockerfile"));
        named.AddRange(DockerfileEnvironment(dockerfile).Keys);
        // Commented examples count too: an operator uncomments them as they are.
        named.AddRange(File.ReadAllLines(RepositoryRoot.Combine("deploy", "docker-compose.yml"))
            .Select(l => CommentedSetting().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value));

        Assert.True(named.Count > 10, "the deploy files name hardly any settings: " + string.Join(", ", named));
        var unknown = named.Where(n => !IsConfigurationKey(n)).Distinct().ToList();
        Assert.True(unknown.Count == 0, "not configuration keys: " + string.Join(", ", unknown));
    }

    [SystemdAnalyzeFact]
    public async Task SystemdUnit_Verifies()
    {
        var start = new ProcessStartInfo("systemd-analyze", ["verify", RepositoryRoot.Combine("deploy", "codegencicd.service")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        // Only this unit's problems: the machine's other units (or a missing /usr/bin/dotnet) are not ours.
        var problems = output.Split('\n').Where(l => l.Contains("codegencicd.service", StringComparison.Ordinal)
            && !l.Contains("is not executable", StringComparison.Ordinal) && !l.Contains("No such file", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var unit = await File.ReadAllTextAsync(RepositoryRoot.Combine("deploy", "codegencicd.service"));
        Assert.Contains("ProtectSystem=strict", unit, StringComparison.Ordinal);
        Assert.Contains("ReadWritePaths=/var/lib/codegencicd\n", unit, StringComparison.Ordinal);
        Assert.Contains("PrivateTmp=yes", unit, StringComparison.Ordinal);
        Assert.Contains("Delegate=yes", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("User=root", unit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishedApp_StartsWithTheDockerfilesSettings_AndAnswersItsHealthCheck()
    {
        var dockerfile = await File.ReadAllTextAsync(RepositoryRoot.Combine("deploy", "Dockerfile"));
        var settings = DockerfileEnvironment(dockerfile);
        Assert.Contains("HEALTHCHECK", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER codegencicd", dockerfile, StringComparison.Ordinal);
        var data = Directory.CreateTempSubdirectory("codegencicd-docker-").FullName;
        var port = FreePorts.Pick();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "--contentRoot", AppContext.BaseDirectory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = data,
        };
        foreach (var (name, value) in settings)
        {
            // The image's /app/data volume is a temporary folder here, and the port one that is free.
            start.Environment[name] = value.Replace("/app/data", data, StringComparison.Ordinal)
                .Replace("0.0.0.0:8080", $"127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
        }
        start.Environment["GitHub__SyncInstallationsAtStartup"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // At most three minutes: a loaded CI machine starts slowly.
            var healthy = await ProcessHealth.WaitAsync(process, new Uri($"http://127.0.0.1:{port}/healthz"), TimeSpan.FromMinutes(3));
            Assert.True(healthy, "the app did not answer /healthz: " + (process.HasExited ? await stderr : ""));
            Assert.True(File.Exists(Path.Combine(data, "codegencicd.db")), "the database is not on the data volume");
            Assert.True(File.Exists(Path.Combine(data, "keys", "key-encryption.pfx")), "the key-encryption certificate is not on the data volume");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
            _ = await stdout;
            TempFolder.TryDelete(data);
        }
    }


    /// <summary>The <c>ENV</c> settings of the Dockerfile's final stage (<c>NAME=value</c> pairs, continued lines joined).</summary>
    private static Dictionary<string, string> DockerfileEnvironment(string dockerfile)
    {
        var finalStage = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..].Replace("\\\n", " ", StringComparison.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in finalStage.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match pair in EnvPair().Matches(line[4..]))
            {
                result[pair.Groups[1].Value] = pair.Groups[2].Success ? pair.Groups[2].Value : pair.Groups[3].Value;
            }
        }
        return result;
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(?:""([^""]*)""|(\S+))")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"^Environment=""?([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex UnitEnvironment();

    [GeneratedRegex(@"^\s*#\s*([A-Z][A-Za-z]+__[A-Za-z0-9_]+):")]
    private static partial Regex CommentedSetting();
}

/// <summary>A test that needs <c>systemd-analyze</c>; skipped, saying so, where it is not installed.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Skip = "systemd-analyze is not installed here";
        }
    }
}
