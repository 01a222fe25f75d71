using CodegenCicd.Hosting.Integrations;
using Microsoft.Extensions.Options;

namespace CodegenCicd.WebEval;

internal sealed class ChromiumIntegrationCheck(IOptions<BrowserOptions> options) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.ResolveExecutable();
        return ValueTask.FromResult(path is not null
            ? new IntegrationStatus("Chromium", true, path, "")
            : new IntegrationStatus("Chromium", false, "No Chromium found: web evaluation cannot run.",
                "apt-get install chromium, or set Browser:ExecutablePath (CHROMIUM_PATH)."));
    }
}

internal sealed class GeminiIntegrationCheck(IOptions<GeminiOptions> options) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.Value.IsConfigured
            ? new IntegrationStatus("Gemini", true, $"Model {options.Value.Model}", "")
            : new IntegrationStatus("Gemini", false, "AI-driven web evaluation is skipped; page checks still run.",
                "Set Gemini:ApiKey (or GEMINI_API_KEY)."));
}
