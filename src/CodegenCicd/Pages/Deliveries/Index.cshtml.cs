using CodegenCicd.Cloudflare.Recovery;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Deliveries;

/// <summary>
/// The latest webhook deliveries and what became of them; any one can be run through the pipeline again.
/// </summary>
public sealed class IndexModel(DeliveryQueries deliveries, MissedDeliveries missed, WebhookIntake intake) : PageModel
{
    public const int Shown = 100;

    public IReadOnlyList<DeliveryListItem> Rows { get; private set; } = [];

    /// <summary>What the missed-delivery recovery job found in GitHub's delivery log, newest first.</summary>
    public IReadOnlyList<MissedDelivery> Missed { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Rows = await deliveries.NewestAsync(Shown, cancellationToken);
        Missed = await missed.NewestAsync(20, cancellationToken);
    }

    public async Task<IActionResult> OnPostRedeliverAsync(long id, CancellationToken cancellationToken)
    {
        Message = await intake.RedeliverAsync(id, cancellationToken)
            ? $"Delivery #{id} was queued for its handlers again "
                + "(a pipeline run it already started is not started twice; use Re-run on the run for that)."
            : $"Delivery #{id} is being processed right now (or no longer exists); try again when it is done.";
        return RedirectToPage();
    }
}
