using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CodegenCicd.Tests.Projects;

public sealed class SecretsPageTests
{
    [Fact]
    public async Task SavedSecret_IsMasked_AndItsValueIsNeverInPageSourceDatabaseOrLogs()
    {
        using var app = new AppFactory();
        app.Settings["Serilog:MinimumLevel:Default"] = "Verbose";
        app.Settings["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose";
        app.Settings["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Verbose";
        var captured = new CapturedLog();
        using var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(captured)));
        var id = await ProjectSeed.AddAsync(factory, "acme/secret-page", pinned: true);
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });
        const string value = "s3cr3t-value-7d1e9a4b-plaintext";

        var saved = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=AddSecret",
            new() { ["SecretName"] = "STRIPE_KEY", ["SecretValue"] = value });
        var page = await client.GetStringAsync($"/Projects/Settings/{id}?tab=secrets");
        using (var scope = factory.Services.CreateScope())
        {
            // Decrypting still works: the sandbox gets the value.
            var values = await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().GetValuesAsync(id, CancellationToken.None);
            Assert.Equal(value, values["STRIPE_KEY"]);
        }

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("<code>STRIPE_KEY</code>", page, StringComparison.Ordinal);
        Assert.Contains("•••••", page, StringComparison.Ordinal);
        Assert.DoesNotContain(value, page, StringComparison.Ordinal);
        Assert.DoesNotContain(value, ReadAllFilesUnder(app.DataDirectory, "app.db"), StringComparison.Ordinal);
        var log = captured.Text;
        Assert.Contains("/Projects/Settings", log, StringComparison.Ordinal); // the capture saw the requests
        Assert.DoesNotContain(value, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateOrInvalidNames_GetAClearMessage_AndKeepWhatWasTyped()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/secret-dupe", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=AddSecret", new() { ["SecretName"] = "TOKEN", ["SecretValue"] = "first" });

        var duplicate = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=AddSecret", new() { ["SecretName"] = "TOKEN", ["SecretValue"] = "second" });
        var invalid = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=AddSecret", new() { ["SecretName"] = "MY-TOKEN", ["SecretValue"] = "third" });
        var oversized = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=AddSecret",
            new() { ["SecretName"] = "BIG", ["SecretValue"] = new string('x', ProjectSecrets.MaxValueLength + 1) });
        var replaced = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=AddSecret",
            new() { ["SecretName"] = "TOKEN", ["SecretValue"] = "second", ["ReplaceExisting"] = "true" });

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("TOKEN is already set", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var invalidHtml = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("environment variable name", invalidHtml, StringComparison.Ordinal);
        Assert.Contains("value=\"MY-TOKEN\"", invalidHtml, StringComparison.Ordinal);
        Assert.Contains("at most 32 KiB", await oversized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, replaced.StatusCode);
        using var scope = factory.Services.CreateScope();
        var values = await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().GetValuesAsync(id, CancellationToken.None);
        Assert.Equal(["TOKEN=second"], values.Select(v => $"{v.Key}={v.Value}"));
    }

    [Fact]
    public async Task DotEnvImport_WithABadLine_ImportsNothing_ThenAllOnceFixed()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/secret-import", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        const string env = "# app\nexport DATABASE_URL=\"postgres://db/app\"\nAPI_KEY=abc\nnot a line\n";

        var bad = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=ImportSecrets", new() { ["EnvText"] = env });
        var badHtml = await bad.Content.ReadAsStringAsync();
        var afterBad = await client.GetStringAsync($"/api/projects/{id}/secrets");
        var good = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=ImportSecrets", new() { ["EnvText"] = env.Replace("not a line\n", "", StringComparison.Ordinal) });
        var page = await client.GetStringAsync($"/Projects/Settings/{id}?tab=secrets");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Line 4: Expected KEY=VALUE.", badHtml, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", badHtml, StringComparison.Ordinal);
        Assert.Equal("[]", afterBad);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Contains("<code>API_KEY</code>", page, StringComparison.Ordinal);
        Assert.Contains("<code>DATABASE_URL</code>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres://db/app", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovingASecret_TakesItOutOfTheSandbox_IsAudited_AndRemovingAgainSaysItWasGone()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/secret-remove", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=ImportSecrets", new() { ["EnvText"] = "A=1\nB=2\n" });

        var removed = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=RemoveSecret&name=A", []);
        var firstPage = await client.GetStringAsync($"/Projects/Settings/{id}?tab=secrets");
        var again = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=RemoveSecret&name=A", []);
        var secondPage = await client.GetStringAsync($"/Projects/Settings/{id}?tab=secrets");
        var empty = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=ImportSecrets", new() { ["EnvText"] = "# nothing\n" });

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Contains("Secret A removed.", firstPage, StringComparison.Ordinal);
        Assert.Contains("A was already gone.", secondPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Nothing to import", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var scope = factory.Services.CreateScope())
        {
            var values = await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().GetValuesAsync(id, CancellationToken.None);
            Assert.Equal(["B"], values.Keys);
        }
        var audit = (await client.GetFromJsonAsync<JsonElement>($"/api/audit?project={id}")).EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("target").GetString())).ToList();
        Assert.Equal([("secret.remove", "secret A"), ("secret.set", "secrets A, B")], audit);
    }

    /// <summary>
    /// The database and its journals as text. The app's background connections may checkpoint and delete
    /// <c>app.db-wal</c> at any moment, so the journals are read before the main file and one that has vanished
    /// is skipped: whatever it held was copied into the main file, which is read after it.
    /// </summary>
    private static string ReadAllFilesUnder(string directory, string prefix)
    {
        var text = new StringBuilder();
        var journalsFirst = Directory.GetFiles(directory, prefix + "*").OrderByDescending(f => f.Length);
        foreach (var file in journalsFirst)
        {
            try
            {
                text.Append(Encoding.UTF8.GetString(File.ReadAllBytes(file)));
            }
            catch (FileNotFoundException)
            {
                // Checkpointed and deleted between listing and reading; see above.
            }
        }
        return text.ToString();
    }

    /// <summary>Every log event the app writes, rendered with its properties.</summary>
    private sealed class CapturedLog : ILogEventSink
    {
        private readonly Lock gate = new();
        private readonly StringBuilder text = new();

        public string Text
        {
            get
            {
                lock (gate)
                {
                    return text.ToString();
                }
            }
        }

        public void Emit(LogEvent logEvent)
        {
            lock (gate)
            {
                text.AppendLine(logEvent.RenderMessage()).AppendLine(string.Join(' ', logEvent.Properties.Select(p => $"{p.Key}={p.Value}")));
                text.AppendLine(logEvent.Exception?.ToString());
            }
        }
    }
}
