using CodegenCicd.Hosting.Integrations;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages;

public sealed class IndexModel(IntegrationStatusService integrations) : PageModel
{
    public IReadOnlyList<IntegrationStatus> Integrations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Integrations = await integrations.GetAllAsync(cancellationToken);
}
