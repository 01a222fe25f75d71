using CodegenCicd.Hosting.Integrations;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen;

internal sealed class CodegenIntegrationCheck(IOptions<CodegenOptions> options) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        return ValueTask.FromResult(o.IsConfigured
            ? new IntegrationStatus("Codegen", true, $"Organization {o.OrgId} at {o.ApiUrl}", "")
            : new IntegrationStatus("Codegen", false, "Codegen not configured: agent runs are unavailable.",
                "Set Codegen:OrgId and Codegen:ApiToken (or CODEGEN_ORG_ID and CODEGEN_API_TOKEN)."));
    }
}
