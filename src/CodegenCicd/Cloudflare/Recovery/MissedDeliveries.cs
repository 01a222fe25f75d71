using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Cloudflare.Recovery;

/// <summary>The read side of what the missed-delivery recovery found, for the deliveries page.</summary>
public sealed class MissedDeliveries(AppDbContext db)
{
    /// <summary>The newest finds, newest first, untracked.</summary>
    public Task<List<MissedDelivery>> NewestAsync(int count, CancellationToken cancellationToken) =>
        db.Set<MissedDelivery>().AsNoTracking().OrderByDescending(d => d.Id).Take(count).ToListAsync(cancellationToken);
}
