using CodegenCicd.Cloudflare.Recovery;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pages.Deliveries;

/// <summary>The latest webhook deliveries and what became of them; any one can be run through the pipeline again.</summary>
public sealed class IndexModel(AppDbContext db, WebhookIntake intake) : PageModel
{
    public const int Shown = 100;

    public sealed record Row(long Id, string DeliveryId, string Event, string? Action, string? Repository, DeliveryStatus Status,
        int Attempts, DateTimeOffset ReceivedAt, int? ProcessingMilliseconds, string? Error);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>What the missed-delivery recovery job found in GitHub's delivery log, newest first.</summary>
    public IReadOnlyList<MissedDelivery> Missed { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Rows = await db.Set<WebhookDelivery>().AsNoTracking().OrderByDescending(d => d.Id).Take(Shown)
            .Select(d => new Row(d.Id, d.DeliveryId, d.Event, d.Action, d.RepositoryFullName, d.Status, d.Attempts, d.ReceivedAt,
                d.ProcessingMilliseconds, d.Error))
            .ToListAsync(cancellationToken);
        Missed = await db.Set<MissedDelivery>().AsNoTracking().OrderByDescending(d => d.Id).Take(20).ToListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRedeliverAsync(long id, CancellationToken cancellationToken)
    {
        Message = await intake.RedeliverAsync(id, cancellationToken)
            ? $"Delivery #{id} was queued for its handlers again (a pipeline run it already started is not started twice; use Re-run on the run for that)."
            : $"Delivery #{id} is being processed right now (or no longer exists); try again when it is done.";
        return RedirectToPage();
    }
}
